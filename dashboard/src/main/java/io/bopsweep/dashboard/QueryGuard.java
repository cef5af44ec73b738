package io.bopsweep.dashboard;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Admits one query (SELECT, WITH, VALUES) that reads only the registered views. Parses with Spark's
 * own query grammar, so statements (INSERT, CREATE, SET, ADD JAR, LOAD ...) do not parse, then walks
 * the plan, its subqueries and CTEs: every table named must be a view or a CTE of the query, with a
 * one-part name (so no {@code parquet.`/path`}), and table functions and Java reflection are refused.
 */
final class QueryGuard {
  static final Set<String> REFUSED_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect", "input_file_name",
      "input_file_block_start", "input_file_block_length");

  private final Set<String> views;

  QueryGuard(Set<String> views) {
    this.views = Set.copyOf(views.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList());
  }

  /** The parsed query; a refused one throws {@link DashboardException} with one line. */
  LogicalPlan check(ParserInterface parser, String sql) {
    LogicalPlan plan;
    try {
      plan = parser.parseQuery(sql);
    } catch (Exception e) {
      throw new DashboardException("refused: not one SELECT query over the views " + sortedViews() + " ("
          + StoreAccess.firstLine(e).replaceAll("\\s+", " ") + ")");
    }
    Set<String> ctes = new HashSet<>();
    collectCtes(plan, ctes);
    walkPlan(plan, ctes);
    return plan;
  }

  private String sortedViews() {
    return String.join(", ", new java.util.TreeSet<>(views));
  }

  private void collectCtes(LogicalPlan plan, Set<String> ctes) {
    if (plan instanceof UnresolvedWith with) {
      for (scala.Tuple3<String, ?, ?> cte : CollectionConverters.asJava(with.cteRelations())) {
        ctes.add(cte._1().toLowerCase(Locale.ROOT));
      }
    }
    for (LogicalPlan child : plans(plan)) {
      collectCtes(child, ctes);
    }
  }

  private void walkPlan(LogicalPlan plan, Set<String> ctes) {
    if (plan instanceof Command) {
      throw new DashboardException("refused: only SELECT queries run here");
    }
    if (plan instanceof UnresolvedRelation r) {
      List<String> name = CollectionConverters.asJava(r.multipartIdentifier());
      String joined = String.join(".", name);
      if (name.size() != 1 || !(views.contains(name.get(0).toLowerCase(Locale.ROOT))
          || ctes.contains(name.get(0).toLowerCase(Locale.ROOT)))) {
        throw new DashboardException("refused: '" + joined + "' is not one of the views " + sortedViews());
      }
    } else if (plan instanceof UnresolvedTableValuedFunction f) {
      throw new DashboardException("refused: table function '" + String.join(".", CollectionConverters.asJava(f.name()))
          + "'; query the views " + sortedViews());
    } else if (plan.getClass().getSimpleName().contains("UnresolvedIdentifier")) {
      throw new DashboardException("refused: IDENTIFIER(...) as a table name; query the views " + sortedViews());
    } else if (plan.getClass().getSimpleName().startsWith("Unresolved") && plan.children().isEmpty()
        && !plan.getClass().getSimpleName().equals("UnresolvedInlineTable")) {
      throw new DashboardException("refused: " + plan.nodeName() + "; query the views " + sortedViews());
    }
    for (Expression e : CollectionConverters.asJava(plan.expressions())) {
      walkExpression(e, ctes);
    }
    for (LogicalPlan child : plans(plan)) {
      walkPlan(child, ctes);
    }
  }

  private void walkExpression(Expression e, Set<String> ctes) {
    if (e instanceof SubqueryExpression s) {
      walkPlan(s.plan(), ctes);
    }
    if (e.getClass().getSimpleName().contains("UnresolvedIdentifier")) {
      throw new DashboardException("refused: IDENTIFIER(...) as a name");
    }
    if (e instanceof UnresolvedFunction f) {
      List<String> name = CollectionConverters.asJava(f.nameParts());
      if (REFUSED_FUNCTIONS.contains(name.get(name.size() - 1).toLowerCase(Locale.ROOT))) {
        throw new DashboardException("refused: function '" + String.join(".", name) + "'");
      }
    }
    for (Expression child : CollectionConverters.asJava(e.children())) {
      walkExpression(child, ctes);
    }
  }

  /** A plan's children and inner children (the CTE definitions of a WITH). */
  private static List<LogicalPlan> plans(LogicalPlan plan) {
    List<LogicalPlan> out = new java.util.ArrayList<>(CollectionConverters.asJava(plan.children()));
    for (TreeNode<?> inner : CollectionConverters.asJava(plan.innerChildren())) {
      if (inner instanceof LogicalPlan p) {
        out.add(p);
      }
    }
    return out;
  }
}
