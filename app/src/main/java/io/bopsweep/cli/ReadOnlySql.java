package io.bopsweep.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.sql.catalyst.plans.logical.CTEInChildren;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.execution.SparkSqlParser;

/**
 * Which statements {@code sql} runs without {@code --allow-writes}: queries only. Decided on the
 * parsed plan, not the text: any command (CREATE, DROP, ALTER, SET, CACHE, ...), insert (into a
 * table or a directory) or other writing node anywhere in the plan makes a statement a write.
 */
final class ReadOnlySql {
  private ReadOnlySql() {}

  /** The name of the first node that is not a query, or null for a query (or text Spark cannot parse, which it reports itself). */
  static String nonQuery(String sql) {
    LogicalPlan plan;
    try {
      plan = new SparkSqlParser().parsePlan(sql);
    } catch (RuntimeException e) {
      return null;
    }
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    todo.push(plan);
    while (!todo.isEmpty()) {
      LogicalPlan p = todo.pop();
      if (p instanceof Command || p instanceof InsertIntoStatement || p instanceof InsertIntoDir
          || p instanceof ParsedStatement || p instanceof CTEInChildren) {
        return p.nodeName();
      }
      scala.jdk.javaapi.CollectionConverters.asJava(p.children()).forEach(todo::push);
    }
    return null;
  }
}
