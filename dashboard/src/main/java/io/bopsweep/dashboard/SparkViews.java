package io.bopsweep.dashboard;

import io.bopsweep.analysis.Report;
import io.bopsweep.analysis.Results;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The store's analysis views in Spark (started on first use), for the query box and the reports.
 * Views are registered again when what they read changed since the last query: the committed
 * trials, or the running trials' epoch files under _live/ ({@code epochs_live}).
 */
final class SparkViews {
  static final Set<String> VIEWS = Set.of("trials", "epochs", "epochs_live", "trials_raw", "epochs_raw");
  static final int MAX_ROWS = 10_000;

  /** A query's answer: column names and rows (values as Spark returns them). */
  record Answer(List<String> columns, List<List<Object>> rows, boolean truncated) {}

  /** A sweep's report: its tables as CSV text by name, and its images by file name. */
  record ReportFiles(Path dir, List<String> tables, List<String> images) {}

  private final Supplier<SparkSession> sessions;
  private final String storeUri;
  private final QueryGuard guard = new QueryGuard(VIEWS);
  private SparkSession spark;
  private Object registeredVersion;
  private final Map<String, ReportFiles> reports = new LinkedHashMap<>();
  private final Map<String, Object> reportVersions = new LinkedHashMap<>();

  SparkViews(Supplier<SparkSession> sessions, String storeUri) {
    this.sessions = sessions;
    this.storeUri = storeUri;
  }

  /** {@code version}: equal while the files the views read are the same. */
  private SparkSession views(Object version) {
    if (spark == null) {
      spark = sessions.get();
      // no SQL on files (parquet.`/path`) in this session, whatever a query says
      spark.conf().set("spark.sql.runSQLOnFiles", "false");
    }
    if (!version.equals(registeredVersion)) {
      Results.register(spark, storeUri);
      registeredVersion = version;
    }
    return spark;
  }

  /** Runs one admitted query, at most {@code limit} rows (capped at {@link #MAX_ROWS}). */
  synchronized Answer query(String sql, int limit, Object version) {
    SparkSession s = views(version);
    String text = sql.strip().replaceAll(";\\s*$", "");
    guard.check(s.sessionState().sqlParser(), text);
    int rows = Math.max(1, Math.min(limit, MAX_ROWS));
    Dataset<Row> df;
    List<Row> result;
    try {
      df = s.sql(text);
      result = df.limit(rows + 1).collectAsList();
    } catch (Exception e) {
      throw new DashboardException("query error: " + StoreAccess.firstLine(e));
    }
    List<List<Object>> out = new ArrayList<>();
    for (Row r : result.subList(0, Math.min(rows, result.size()))) {
      List<Object> line = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        line.add(v == null || v instanceof Number || v instanceof Boolean || v instanceof String ? v : String.valueOf(v));
      }
      out.add(line);
    }
    return new Answer(List.of(df.columns()), out, result.size() > rows);
  }

  /** The report of a sweep, written by analysis into a temporary directory (never the store). */
  synchronized ReportFiles report(String sweep, Object version) throws IOException {
    SparkSession s = views(version);
    ReportFiles known = reports.get(sweep);
    if (known != null && version.equals(reportVersions.get(sweep))) {
      return known;
    }
    Path dir = Files.createTempDirectory("bopsweep-dashboard-report");
    dir.toFile().deleteOnExit();
    List<Path> written = Report.write(s, sweep, dir);
    List<String> tables = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (Path p : written) {
      String name = p.getFileName().toString();
      p.toFile().deleteOnExit();
      if (name.endsWith(".csv")) {
        tables.add(name);
      } else if (name.endsWith(".png")) {
        images.add(name);
      }
    }
    if (known != null) {
      try (Stream<Path> old = Files.walk(known.dir())) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    ReportFiles files = new ReportFiles(dir, tables, images);
    reports.put(sweep, files);
    reportVersions.put(sweep, version);
    return files;
  }
}
