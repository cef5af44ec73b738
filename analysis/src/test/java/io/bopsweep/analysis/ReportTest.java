package io.bopsweep.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes a results store of known content (with a diverged and a failed seed, a duplicate older
 * attempt, and epochs of a trial that never committed), then checks every table against the same
 * numbers computed here in plain Java from the raw rows.
 */
class ReportTest {
  static final String TRIALS_SCHEMA = "trial_id STRING, sweep STRING, attempt INT, finished_at TIMESTAMP, status STRING,"
      + " error STRING, epochs INT, epochs_done INT, final_test_acc DOUBLE, best_test_acc DOUBLE, best_epoch INT,"
      + " final_train_acc DOUBLE, seconds DOUBLE, gamma DOUBLE, tau DOUBLE, optimizer STRING, gamma_schedule STRING,"
      + " lr_schedule STRING, lr DOUBLE, lr_scale DOUBLE, init_scale DOUBLE, init STRING, clip BOOLEAN, seed BIGINT,"
      + " eval_latent BOOLEAN, latent_dtype STRING, swept STRING, config_json STRING, data_variant STRING, code_version STRING";
  static final String EPOCHS_SCHEMA = "trial_id STRING, sweep STRING, attempt INT, finished_at TIMESTAMP, epoch INT,"
      + " test_acc DOUBLE, train_acc DOUBLE, pi_last DOUBLE, latent_test_acc DOUBLE, latent_bn_test_acc DOUBLE, sign_hash STRING";

  static SparkSession spark;
  @TempDir static Path tmp;
  static Path store;
  static final List<Map<String, Object>> TRIALS = new ArrayList<>();
  static final List<Map<String, Object>> EPOCHS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("report-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    store = tmp.resolve("store");
    Files.createDirectories(store);
    Files.writeString(store.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":1}");
    Random rnd = new Random(42);
    int id = 0;
    // sweep t51: gamma x tau x 3 seeds, 4 epochs
    for (double gamma : new double[] {1e-3, 1e-2}) {
      for (double tau : new double[] {0, 1e-6}) {
        for (long seed = 0; seed < 3; seed++) {
          String status = "DONE";
          int done = 4;
          if (gamma == 1e-2 && tau == 0 && seed == 1) {
            status = "DIVERGED";
            done = 2;
          }
          if (gamma == 1e-2 && tau == 1e-6 && seed == 2) {
            status = "FAILED";
            done = 0;
          }
          String tid = String.format("t51-%02d", id++);
          trial(tid, "t51", 2, status, done, 4, rnd, Map.of("gamma", gamma, "tau", tau, "seed", seed, "optimizer", "bop"),
              "{\"gamma\":" + gamma + ",\"tau\":" + tau + "}", null);
          if (seed == 0 && tau == 0 && gamma == 1e-3) {
            // an older attempt of the same trial, superseded: must not show anywhere
            trial(tid, "t51", 1, "FAILED", 3, 4, new Random(7),
                Map.of("gamma", gamma, "tau", tau, "seed", seed, "optimizer", "bop"), "{}", -1);
          }
        }
      }
    }
    // epochs of a trial that never committed (no trials row): invisible
    for (int e = 1; e <= 4; e++) {
      EPOCHS.add(epochRow("orphan", "t51", 1, e, 0.5, 0.5, -3, null, null, "h"));
    }
    // sweep t52: optimizers, 2 seeds, 5 epochs
    for (String opt : new String[] {"bop", "adam-latent"}) {
      for (long seed = 0; seed < 2; seed++) {
        trial(String.format("t52-%02d", id++), "t52", 1, "DONE", 5, 5, rnd,
            Map.of("optimizer", opt, "seed", seed), "{\"optimizer\":\"" + opt + "\"}", null);
      }
    }
    // sweep t3: sgd-latent with lr_scale = init_scale = c (equivalent) and a clipped class that is not
    for (boolean clip : new boolean[] {false, true}) {
      for (double c : new double[] {0.01, 1, 100}) {
        String tid = String.format("t3-%02d", id++);
        trial(tid, "t3", 1, "DONE", 3, 3, rnd,
            Map.of("optimizer", "sgd-latent", "lr_scale", c, "init_scale", c, "clip", clip, "seed", 0L, "eval_latent", true),
            "{\"lr_scale\":" + c + ",\"init_scale\":" + c + ",\"clip\":" + clip + "}", null);
      }
    }
    for (Map<String, Object> e : EPOCHS) {
      String tid = (String) e.get("trial_id");
      if (tid.startsWith("t3-")) {
        boolean clip = TRIALS.stream().filter(t -> t.get("trial_id").equals(tid)).findFirst().get().get("clip").equals(true);
        e.put("sign_hash", clip ? tid + "-" + e.get("epoch") : "same-" + e.get("epoch"));
      }
    }
    write(TRIALS, TRIALS_SCHEMA, store.resolve("trials"));
    write(EPOCHS, EPOCHS_SCHEMA, store.resolve("epochs"));
    // Spark's part files with many trials each, stale attempts among them: not what the writer lays out
    Results.register(spark, store.toString(), false);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static void trial(String id, String sweep, int attempt, String status, int done, int epochs, Random rnd,
      Map<String, Object> cfg, String swept, Integer stale) {
    double best = -1;
    int bestEpoch = 0;
    double last = 0;
    double lastTrain = 0;
    for (int e = 1; e <= done; e++) {
      double acc = 0.5 + 0.4 * rnd.nextDouble();
      double train = 0.5 + 0.4 * rnd.nextDouble();
      double pi = -9 + 6 * rnd.nextDouble();
      Double latent = cfg.containsKey("eval_latent") ? 0.1 + 0.01 * rnd.nextDouble() : null;
      Double latentBn = cfg.containsKey("eval_latent") ? 0.9 + 0.05 * rnd.nextDouble() : null;
      EPOCHS.add(epochRow(id, sweep, attempt, e, acc, train, pi, latent, latentBn, "h" + e));
      if (acc > best) {
        best = acc;
        bestEpoch = e;
      }
      last = acc;
      lastTrain = train;
    }
    Map<String, Object> t = new HashMap<>();
    t.put("trial_id", id);
    t.put("sweep", sweep);
    t.put("attempt", attempt);
    t.put("finished_at", new Timestamp(1_700_000_000_000L + attempt * 1000L));
    t.put("status", status);
    t.put("error", status.equals("DONE") ? null : "boom");
    t.put("epochs", epochs);
    t.put("epochs_done", done);
    t.put("final_test_acc", done > 0 ? last : null);
    t.put("best_test_acc", done > 0 ? best : null);
    t.put("best_epoch", done > 0 ? bestEpoch : null);
    t.put("final_train_acc", done > 0 ? lastTrain : null);
    t.put("seconds", 10.0);
    t.put("gamma", cfg.getOrDefault("gamma", 1e-3));
    t.put("tau", cfg.getOrDefault("tau", 1e-6));
    t.put("optimizer", cfg.get("optimizer"));
    t.put("gamma_schedule", "constant");
    t.put("lr_schedule", "constant");
    t.put("lr", 1e-3);
    t.put("lr_scale", cfg.getOrDefault("lr_scale", 1.0));
    t.put("init_scale", cfg.getOrDefault("init_scale", 1.0));
    t.put("init", "glorot");
    t.put("clip", cfg.getOrDefault("clip", false));
    t.put("seed", cfg.get("seed"));
    t.put("eval_latent", cfg.getOrDefault("eval_latent", false));
    t.put("latent_dtype", "float64");
    t.put("swept", swept);
    Map<String, Object> config = new java.util.TreeMap<>(t);
    config.keySet().retainAll(List.of("gamma", "tau", "optimizer", "gamma_schedule", "lr_schedule", "lr", "lr_scale",
        "init_scale", "init", "clip", "seed", "eval_latent", "latent_dtype", "epochs"));
    try {
      t.put("config_json", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(config));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    t.put("data_variant", "mnist");
    t.put("code_version", "test");
    t.put("stale", stale != null);
    TRIALS.add(t);
  }

  static Map<String, Object> epochRow(String id, String sweep, int attempt, int epoch, double acc, double train,
      double pi, Double latent, Double latentBn, String hash) {
    Map<String, Object> e = new HashMap<>();
    e.put("trial_id", id);
    e.put("sweep", sweep);
    e.put("attempt", attempt);
    e.put("finished_at", new Timestamp(1_700_000_000_000L + attempt * 1000L));
    e.put("epoch", epoch);
    e.put("test_acc", acc);
    e.put("train_acc", train);
    e.put("pi_last", pi);
    e.put("latent_test_acc", latent);
    e.put("latent_bn_test_acc", latentBn);
    e.put("sign_hash", hash);
    return e;
  }

  static void write(List<Map<String, Object>> rows, String schema, Path dir) {
    write(rows, schema, dir, 2);
  }

  /** Writes rows as Parquet into dir, in the given number of files. */
  static void write(List<Map<String, Object>> rows, String schema, Path dir, int parts) {
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> json = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> plain = new HashMap<>();
      r.forEach((k, v) -> plain.put(k, v instanceof Timestamp ts ? ts.toInstant().toString() : v));
      try {
        json.add(mapper.writeValueAsString(plain));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    Dataset<String> ds = spark.createDataset(json, Encoders.STRING());
    spark.read().schema(schema).json(ds).repartition(parts).write().parquet(dir.resolve("_w").toString());
    try (var files = Files.list(dir.resolve("_w"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        Files.move(p, dir.resolve(p.getFileName()));
      }
      deleteTree(dir.resolve("_w"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void deleteTree(Path p) throws java.io.IOException {
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  // ---- the independent computation -------------------------------------------------------------

  static List<Map<String, Object>> committed(String sweep) {
    return TRIALS.stream().filter(t -> t.get("sweep").equals(sweep) && !(Boolean) t.get("stale")).toList();
  }

  static List<Map<String, Object>> epochsOf(Map<String, Object> t) {
    return EPOCHS.stream().filter(e -> e.get("trial_id").equals(t.get("trial_id")) && e.get("attempt").equals(t.get("attempt")))
        .sorted((a, b) -> Integer.compare((Integer) a.get("epoch"), (Integer) b.get("epoch"))).toList();
  }

  static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  static Double sampleStd(List<Double> xs) {
    if (xs.size() < 2) {
      return null;
    }
    double m = mean(xs);
    return Math.sqrt(xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (xs.size() - 1));
  }

  static double popStd(List<Double> xs) {
    double m = mean(xs);
    return Math.sqrt(xs.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / xs.size());
  }

  static Map<String, Object> row(Table t, int i) {
    Map<String, Object> m = new HashMap<>();
    for (int c = 0; c < t.columns().size(); c++) {
      m.put(t.columns().get(c), t.rows().get(i).get(c));
    }
    return m;
  }

  static void close(Double expected, Object actual, String what) {
    if (expected == null) {
      assertNull(actual, what);
      return;
    }
    assertEquals(expected, ((Number) actual).doubleValue(), 1e-12, what);
  }

  /** A table over all trials of a sweep, volatility over the last 3 epochs, target test accuracy 0.8. */
  static Table table(String sweep, String name) {
    List<String> ids = committed(sweep).stream().map(t -> (String) t.get("trial_id")).toList();
    Report.register(spark, new ReportScope(sweep, ids, List.of()));
    return Report.table(spark, name, Map.of("k", 3, "target", 0.8));
  }

  @Test
  void gammaTauTableMatchesRawRows() {
    Table t = table("t51", "table-5.1-gamma-tau");
    assertEquals(4, t.rows().size());
    int i = 0;
    for (double gamma : new double[] {1e-3, 1e-2}) {
      for (double tau : new double[] {0, 1e-6}) {
        Map<String, Object> r = row(t, i++);
        assertEquals(gamma, r.get("gamma"));
        assertEquals(tau, r.get("tau"));
        List<Map<String, Object>> group = committed("t51").stream()
            .filter(x -> x.get("gamma").equals(gamma) && x.get("tau").equals(tau)).toList();
        List<Map<String, Object>> done = group.stream().filter(x -> x.get("status").equals("DONE")).toList();
        assertEquals((long) done.size(), r.get("seeds"));
        assertEquals(group.stream().filter(x -> x.get("status").equals("DIVERGED")).count(), r.get("diverged"));
        assertEquals(group.stream().filter(x -> x.get("status").equals("FAILED")).count(), r.get("failed"));
        List<Double> finals = new ArrayList<>();
        List<Double> bests = new ArrayList<>();
        List<Double> vols = new ArrayList<>();
        List<Double> piFirst = new ArrayList<>();
        List<Double> piMid = new ArrayList<>();
        List<Double> piEnd = new ArrayList<>();
        for (Map<String, Object> d : done) {
          List<Map<String, Object>> es = epochsOf(d);
          finals.add((Double) es.get(es.size() - 1).get("test_acc"));
          bests.add(es.stream().mapToDouble(e -> (Double) e.get("test_acc")).max().getAsDouble());
          vols.add(popStd(es.subList(es.size() - 3, es.size()).stream().map(e -> (Double) e.get("test_acc")).toList()));
          piFirst.add((Double) es.get(0).get("pi_last"));
          piMid.add((Double) es.get(1).get("pi_last"));
          piEnd.add((Double) es.get(3).get("pi_last"));
        }
        String where = "gamma " + gamma + " tau " + tau;
        close(mean(finals), r.get("final_test_acc_mean"), where);
        close(sampleStd(finals), r.get("final_test_acc_std"), where);
        close(mean(bests), r.get("best_test_acc_mean"), where);
        close(mean(vols), r.get("volatility_mean"), where);
        close(mean(piFirst), r.get("ln_flip_ratio_first_mean"), where);
        close(mean(piMid), r.get("ln_flip_ratio_mid_mean"), where);
        close(mean(piEnd), r.get("ln_flip_ratio_end_mean"), where);
      }
    }
  }

  @Test
  void dedupedViewsHoldOneRowPerTrialAndEpoch() {
    assertEquals(0, spark.sql("SELECT trial_id, epoch FROM epochs GROUP BY 1, 2 HAVING count(*) > 1").count());
    assertEquals(0, spark.sql("SELECT * FROM epochs WHERE trial_id = 'orphan'").count());
    long expected = TRIALS.stream().filter(t -> !(Boolean) t.get("stale")).mapToLong(t -> epochsOf(t).size()).sum();
    assertEquals(expected, spark.sql("SELECT * FROM epochs").count());
    assertEquals(TRIALS.stream().filter(t -> !(Boolean) t.get("stale")).count(), spark.sql("SELECT * FROM trials").count());
    assertTrue(spark.sql("SELECT * FROM trials_raw").count() > spark.sql("SELECT * FROM trials").count());
  }

  @Test
  void bopVersusAdamTableMatchesRawRows() {
    Table t = table("t52", "table-5.2-bop-vs-adam");
    assertEquals(2, t.rows().size());
    for (int i = 0; i < 2; i++) {
      Map<String, Object> r = row(t, i);
      String opt = (String) r.get("optimizer");
      List<Map<String, Object>> group = committed("t52").stream().filter(x -> x.get("optimizer").equals(opt)).toList();
      List<Double> finals = new ArrayList<>();
      List<Double> bestEpochs = new ArrayList<>();
      List<Double> reached = new ArrayList<>();
      for (Map<String, Object> d : group) {
        List<Map<String, Object>> es = epochsOf(d);
        finals.add((Double) es.get(es.size() - 1).get("test_acc"));
        double best = -1;
        int bestEpoch = 0;
        Integer first = null;
        for (Map<String, Object> e : es) {
          double acc = (Double) e.get("test_acc");
          if (acc > best) {
            best = acc;
            bestEpoch = (Integer) e.get("epoch");
          }
          if (first == null && acc >= 0.8) {
            first = (Integer) e.get("epoch");
          }
        }
        bestEpochs.add((double) bestEpoch);
        if (first != null) {
          reached.add((double) first);
        }
      }
      close(mean(finals), r.get("final_test_acc_mean"), opt);
      close(sampleStd(finals), r.get("final_test_acc_std"), opt);
      close(mean(bestEpochs), r.get("best_epoch_mean"), opt);
      assertEquals((long) reached.size(), r.get("reached"));
      close(reached.isEmpty() ? null : mean(reached), r.get("epochs_to_target_mean"), opt);
    }
  }

  @Test
  void theorem1TableSeparatesEquivalentFromClippedClasses() {
    Table t = table("t3", "table-3-theorem1");
    assertEquals(2, t.rows().size());
    Map<String, Object> unclipped = row(t, 0);
    Map<String, Object> clipped = row(t, 1);
    assertEquals(false, unclipped.get("clip"));
    assertEquals(3L, unclipped.get("members"));
    assertEquals(true, unclipped.get("identical"));
    assertEquals(true, clipped.get("clip"));
    assertEquals(false, clipped.get("identical"));
    Table inertia = table("t3", "table-3-inertia");
    assertEquals(6, inertia.rows().size());
    for (int i = 0; i < 6; i++) {
      Map<String, Object> r = row(inertia, i);
      Map<String, Object> trial = committed("t3").stream().filter(x -> x.get("lr_scale").equals(r.get("lr_scale"))
          && x.get("clip").equals(r.get("clip"))).findFirst().get();
      List<Map<String, Object>> es = epochsOf(trial);
      close((Double) es.get(es.size() - 1).get("train_acc"), r.get("final_train_acc_mean"), "inertia");
    }
  }

  @Test
  void approximationTableUsesTheLastEpochOfEachConfiguration() {
    Table t = table("t3", "table-3b-approximation");
    List<Map<String, Object>> trials = committed("t3");
    assertEquals(trials.size(), t.rows().size(), "one row per configuration (one seed each)");
    for (int i = 0; i < t.rows().size(); i++) {
      Map<String, Object> r = row(t, i);
      String configuration = (String) r.get("configuration");
      Map<String, Object> trial = trials.stream().filter(x -> configuration.equals("lr_scale=" + Table.setting((Double) x.get("lr_scale"))
          + " init_scale=" + Table.setting((Double) x.get("init_scale")) + " clip=" + x.get("clip"))).findFirst().orElseThrow();
      List<Map<String, Object>> es = epochsOf(trial);
      Map<String, Object> last = es.get(es.size() - 1);
      close((Double) last.get("test_acc"), r.get("binary_acc_mean"), configuration);
      close((Double) last.get("latent_test_acc"), r.get("latent_acc_mean"), configuration);
      close((Double) last.get("latent_bn_test_acc"), r.get("latent_bn_acc_mean"), configuration);
      assertNull(r.get("latent_bn_acc_std"), "one seed: no std");
    }
  }

  @Test
  void pivotIsAMatrixOfMeans() {
    Table p = Report.pivot(spark, "t51", "gamma", "tau", "final_test_acc");
    assertEquals(List.of("gamma \\ tau", "0.0", "1.0E-6"), p.columns());
    for (List<Object> row : p.rows()) {
      double gamma = Double.parseDouble((String) row.get(0));
      for (int c = 0; c < 2; c++) {
        double tau = c == 0 ? 0 : 1e-6;
        List<Double> finals = committed("t51").stream().filter(x -> x.get("status").equals("DONE")
            && x.get("gamma").equals(gamma) && x.get("tau").equals(tau)).map(x -> (Double) x.get("final_test_acc")).toList();
        close(mean(finals), row.get(c + 1), "pivot");
      }
    }
  }

  @Test
  void reportWritesTablesAndReadablePlots() throws Exception {
    Path out = tmp.resolve("report");
    List<Path> files = Report.write(spark, "t51", out);
    assertTrue(files.contains(out.resolve("table-5.1-gamma-tau.md")));
    assertTrue(Files.readString(out.resolve("table-5.1-gamma-tau.csv")).startsWith("configuration,gamma,tau,seeds,"));
    for (String plot : List.of("test-accuracy", "flip-rate", "heatmap-final-test-acc")) {
      assertTrue(Files.readString(out.resolve(plot + ".svg")).contains("<svg"), plot + ".svg");
      String png = plot + ".png";
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertEquals(Charts.WIDTH, img.getWidth(), png);
      assertEquals(Charts.HEIGHT, img.getHeight(), png);
    }
    BufferedImage acc = ImageIO.read(out.resolve("test-accuracy.png").toFile());
    for (int s = 0; s < 4; s++) {
      assertTrue(count(acc, Charts.PALETTE[s].getRGB()) > 200, "series " + s + " is drawn");
    }
    assertEquals(0, count(acc, Charts.PALETTE[4].getRGB()), "only four configurations");
    AnalysisException e = assertThrows(AnalysisException.class, () -> Report.write(spark, "nope", out));
    assertTrue(e.getMessage().startsWith("no trials of sweep 'nope'"), e.getMessage());
  }

  /**
   * A report table is one .sql file with a {@code place} header: src/test/resources/sql/
   * table-test-one-file.sql is in t51's report, after the paper's tables and the summary, and its
   * rows are the report's trials by status, counted here from the rows the store holds.
   */
  @Test
  void aNewTableIsOneSqlFile() throws Exception {
    List<String> order = SqlFile.reportTables().stream().map(SqlFile::name).toList();
    assertEquals(List.of("table-5.1-gamma-tau", "table-5.2-bop-vs-adam", "table-3-inertia", "table-3-theorem1",
        "table-3b-approximation", "summary", "table-test-one-file"), order);
    Path out = tmp.resolve("one-file-report");
    List<Path> files = Report.write(spark, "t51", out);
    assertTrue(files.contains(out.resolve("table-test-one-file.csv")), files.toString());
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(readme.contains("A table added as one file"), readme);
    assertTrue(readme.indexOf("A table added as one file") > readme.indexOf("Per configuration: final and best"));
    java.util.Map<String, Long> expected = new java.util.TreeMap<>();
    spark.table("report_trials").collectAsList()
        .forEach(r -> expected.merge(r.getString(r.fieldIndex("status")), 1L, Long::sum));
    StringBuilder csv = new StringBuilder("status,trials\n");
    expected.forEach((status, n) -> csv.append(status).append(',').append(n).append('\n'));
    assertEquals(csv.toString(), Files.readString(out.resolve("table-test-one-file.csv")));
    List<Path> other = Report.write(spark, "t52", tmp.resolve("other-report"));
    assertFalse(other.contains(tmp.resolve("other-report").resolve("table-test-one-file.csv")), "applies to t51 only");
  }

  @Test
  void aPlaceThatIsNotANumberIsOneLine() {
    AnalysisException e = assertThrows(AnalysisException.class, () -> SqlFile.place("table-x", "first"));
    assertEquals("sql/table-x.sql: place: not a number: 'first'", e.getMessage());
    assertEquals(2.5, SqlFile.place("table-x", "2.5"));
  }

  static long count(BufferedImage img, int rgb) {
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        n += (img.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF) ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void csvWritesMapsArraysAndStructsAsJsonAndTimestampsAsInstants() {
    Dataset<Row> df = spark.sql("SELECT map('dense1', 3L, 'dense2', 0L) AS layer_flips, array(1.5, 2.0) AS xs,"
        + " named_struct('a', 1, 'b', 'x,y') AS s, TIMESTAMP '2026-11-26 02:57:08.186' AS finished_at, 0.25D AS acc");
    String csv = Table.of("q", "q", Table.complexAsJson(df), null).csv();
    assertEquals("layer_flips,xs,s,finished_at,acc\n"
        + "\"{\"\"dense1\"\":3,\"\"dense2\"\":0}\",\"[1.5,2.0]\",\"{\"\"a\"\":1,\"\"b\"\":\"\"x,y\"\"}\",2026-11-26T02:57:08.186Z,0.25\n",
        csv);
  }

  @Test
  void unusableResultsAreOneLineErrors() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    AnalysisException a = assertThrows(AnalysisException.class, () -> Results.register(spark, empty.toString()));
    assertTrue(a.getMessage().endsWith("not a bopsweep results store (no STORE.json)"), a.getMessage());
    Files.writeString(empty.resolve("STORE.json"), "{}");
    AnalysisException other = assertThrows(AnalysisException.class, () -> Results.register(spark, empty.toString()));
    assertTrue(other.getMessage().endsWith("STORE.json: not a bopsweep results store (format null)"), other.getMessage());
    Files.writeString(empty.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":2}");
    AnalysisException b = assertThrows(AnalysisException.class, () -> Results.register(spark, empty.toString()));
    assertTrue(b.getMessage().endsWith("the results store holds no trials yet"), b.getMessage());
    AnalysisException c = assertThrows(AnalysisException.class,
        () -> Results.register(spark, tmp.resolve("missing").toString()));
    assertTrue(c.getMessage().endsWith("no such results directory"), c.getMessage());
    Results.register(spark, store.toString(), false);
  }

  @Test
  void viewsOfASharedCheckReadTheFilesItCheckedAndRefuseItsDamage() throws Exception {
    List<org.apache.hadoop.fs.Path> trialsParts;
    List<org.apache.hadoop.fs.Path> epochsParts;
    try (var t = Files.list(store.resolve("trials")); var e = Files.list(store.resolve("epochs"))) {
      trialsParts = t.filter(f -> f.toString().endsWith(".parquet")).sorted()
          .map(f -> new org.apache.hadoop.fs.Path(f.toUri())).toList();
      epochsParts = e.filter(f -> f.toString().endsWith(".parquet")).sorted()
          .map(f -> new org.apache.hadoop.fs.Path(f.toUri())).toList();
    }
    assertTrue(trialsParts.size() > 1, "the store has several trials files: " + trialsParts);
    org.apache.hadoop.fs.Path first = trialsParts.get(0);
    long inFirst = spark.read().parquet(first.toString()).count();
    try {
      Results.register(spark, store.toString(), new io.bopsweep.store.StoreCheck.Result(List.of(), List.of(first),
          epochsParts));
      assertEquals(inFirst, spark.table("trials_raw").count(), "the views read the checked files, not the directory");
      assertTrue(inFirst < TRIALS.size(), inFirst + " of " + TRIALS.size());
      var damaged = new io.bopsweep.store.StoreCheck.Result(List.of(new io.bopsweep.store.StoreCheck.Damage(
          "trials/0123456789abcdef.parquet", "0123456789abcdef", "empty file (0 bytes), not a Parquet file")),
          List.of(), List.of());
      AnalysisException a = assertThrows(AnalysisException.class, () -> Results.register(spark, store.toString(), damaged));
      assertEquals(store + "/trials/0123456789abcdef.parquet: empty file (0 bytes), not a Parquet file; see: bopsweep"
          + " store check " + store + " --repair", a.getMessage());
    } finally {
      Results.register(spark, store.toString(), false);
    }
  }

  /** How many Spark tasks ran while {@code run} ran (their events are delivered before it returns). */
  private static long tasks(Runnable run) throws java.util.concurrent.TimeoutException {
    java.util.concurrent.atomic.AtomicLong tasks = new java.util.concurrent.atomic.AtomicLong();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        tasks.incrementAndGet();
      }
    };
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(listener);
    try {
      run.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return tasks.get();
  }

  /** Bytes read from the local file system (Hadoop's statistics of the file scheme) while {@code run} ran. */
  private static long localBytesRead(Runnable run) {
    org.apache.hadoop.fs.StorageStatistics local = org.apache.hadoop.fs.FileSystem.getGlobalStorageStatistics().get("file");
    long before = local == null ? 0 : local.getLong("bytesRead");
    run.run();
    local = org.apache.hadoop.fs.FileSystem.getGlobalStorageStatistics().get("file");
    return local.getLong("bytesRead") - before;
  }

  /**
   * A report runs some twenty queries over the store, and reads its files once: every query a
   * scan would cost the opening of every file again, which is most of a scan's time in a store as
   * sweeps write it (a pair of files per trial).
   */
  @Test
  void aReportReadsTheStoresFilesOnce() throws Exception {
    long stored;
    try (var walk = Files.walk(store)) {
      stored = walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().contains(".parquet"))
          .mapToLong(f -> f.toFile().length()).sum();
    }
    List<String> ids = TRIALS.stream().filter(t -> t.get("sweep").equals("t51")).map(t -> (String) t.get("trial_id"))
        .distinct().toList();
    Path out = tmp.resolve("read-once-report");
    long read = localBytesRead(() -> {
      try {
        Report.write(spark, new ReportScope("t51", ids, List.of()), out, 1);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertTrue(Files.exists(out.resolve("table-5.1-gamma-tau.md")));
    assertTrue(read > 0, "the report read the store");
    assertTrue(read <= stored, read + " bytes read from the store's Parquet files and their checksums, which hold " + stored);
  }

  @Test
  void theEpochsAreCachedWhereTheStoreKeepsAHundredEpochsFilesOfSingleTrials() {
    String[] files = new String[101];
    for (int i = 0; i < 100; i++) {
      files[i] = String.format("file:/s/epochs/%016x.parquet", i);
    }
    files[100] = "file:/s/epochs/" + io.bopsweep.store.StorePacks.fileName(1);
    assertTrue(Report.cachesEpochs(files, 100));
    assertFalse(Report.cachesEpochs(java.util.Arrays.copyOfRange(files, 1, 101), 100), "a pack is not a single trial's");
  }

  /**
   * Spark lists more than 32 paths with a job of a task per path; on the local file system the
   * views are registered without one (a store as written is thousands of files).
   */
  @Test
  void viewsOfALocalStoreOfManyFilesAreRegisteredWithoutATaskPerFile() throws Exception {
    Path many = tmp.resolve("many-files");
    Files.createDirectories(many);
    Files.writeString(many.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":1}");
    write(TRIALS, TRIALS_SCHEMA, many.resolve("trials"));
    write(EPOCHS, EPOCHS_SCHEMA, many.resolve("epochs"), 40);
    long files;
    try (var e = Files.list(many.resolve("epochs"))) {
      files = e.filter(f -> f.toString().endsWith(".parquet")).count();
    }
    assertTrue(files > 32, files + " epochs files: more than Spark lists on the driver by default");
    try {
      long registering = tasks(() -> Results.register(spark, many.toString(), false));
      assertTrue(registering < files, registering + " Spark tasks to register the views over " + files
          + " epochs files");
      assertEquals(EPOCHS.size(), spark.table("epochs_raw").count());
      spark.conf().set(Results.LISTING_THRESHOLD, 8);
      long asUserSet = tasks(() -> Results.register(spark, many.toString(), false));
      assertTrue(asUserSet >= files, "a threshold the user set wins: " + asUserSet + " tasks");
      assertEquals("8", spark.conf().get(Results.LISTING_THRESHOLD));
    } finally {
      spark.conf().unset(Results.LISTING_THRESHOLD);
      Results.register(spark, store.toString(), false);
    }
  }
}
