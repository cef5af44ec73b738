package io.bopsweep.cli;

import io.bopsweep.analysis.AnalysisException;
import io.bopsweep.analysis.Results;
import io.bopsweep.analysis.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bopsweep sql "SELECT ..."}: any query over the views trials, epochs (and *_raw). */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run a Spark SQL query over the results: views trials, epochs, trials_raw, epochs_raw.")
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Query {
    @Parameters(paramLabel = "QUERY", description = "the query, e.g. \"SELECT gamma, avg(final_test_acc) FROM trials GROUP BY gamma\"")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the query from a file")
    Path file;
  }

  @ArgGroup(multiplicity = "1")
  Query query;

  @Option(names = "--results", paramLabel = "DIR_OR_URI", defaultValue = "results", description = "results store (default: results)")
  String results;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, csv (maps and arrays as JSON, timestamps ISO 8601 in UTC) or json (default: table)")
  String format;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local)")
  String master;

  @Option(names = "--allow-writes",
      description = "also run statements that write or change state (INSERT, CREATE, DROP, SET, ...); default: queries only")
  boolean allowWrites;

  @Override
  public Integer call() throws IOException {
    if (!java.util.List.of("table", "csv", "json").contains(format)) {
      throw new BadInputException("--format: use table, csv or json, got '" + format + "'");
    }
    String sql;
    if (query.file != null) {
      try {
        sql = Files.readString(query.file);
      } catch (NoSuchFileException e) {
        throw new BadInputException(query.file + ": no such file");
      }
    } else {
      sql = query.text;
    }
    String statement = sql.strip().replaceAll(";\\s*$", "");
    String write = allowWrites ? null : ReadOnlySql.nonQuery(statement);
    if (write != null) {
      throw new BadInputException("sql: only queries run without --allow-writes; this statement is " + write);
    }
    SparkSession spark = Spark.session("bopsweep sql", master);
    try {
      Results.register(spark, results).compactHint(results).ifPresent(spec.commandLine().getErr()::println);
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df;
      try {
        df = spark.sql(statement);
      } catch (Exception e) {
        // Spark's AnalysisException (and ParseException) are checked in Java terms but undeclared
        if (e instanceof org.apache.spark.sql.AnalysisException) {
          throw new AnalysisException("query error: " + Main.firstLine(e.getMessage()));
        }
        throw e;
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format.equals("json")) {
        df.toJSON().collectAsList().forEach(out::println);
      } else if (format.equals("csv")) {
        out.print(Table.of("query", "query", Table.complexAsJson(df), null).csv());
      } else {
        out.print(Table.of("query", "query", df, null).aligned());
      }
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}
