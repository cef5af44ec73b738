package io.bopsweep.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * A small results store written for a test: one committed attempt per trial, with the columns the
 * report reads (settings as columns, the full config as config_json, what the spec varied as
 * swept) and per-epoch rows given by the test.
 */
final class SyntheticStore {
  static final String TRIALS_SCHEMA = "trial_id STRING, sweep STRING, attempt INT, finished_at TIMESTAMP, status STRING,"
      + " epochs INT, epochs_done INT, final_test_acc DOUBLE, best_test_acc DOUBLE, best_epoch INT,"
      + " final_train_acc DOUBLE, seconds DOUBLE, gamma DOUBLE, tau DOUBLE, optimizer STRING, gamma_schedule STRING,"
      + " lr_schedule STRING, lr DOUBLE, lr_scale DOUBLE, init_scale DOUBLE, init STRING, clip BOOLEAN,"
      + " latent_dtype STRING, seed BIGINT, eval_latent BOOLEAN, swept STRING, config_json STRING, data_variant STRING,"
      + " code_version STRING";
  static final String EPOCHS_SCHEMA = "trial_id STRING, sweep STRING, attempt INT, finished_at TIMESTAMP, epoch INT,"
      + " test_acc DOUBLE, train_acc DOUBLE, pi_last DOUBLE, latent_test_acc DOUBLE, latent_bn_test_acc DOUBLE,"
      + " sign_hash STRING";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One epoch of a trial as the test wants it stored. */
  record Epoch(double testAcc, double trainAcc, double piLast, String signHash) {}

  /** A stored trial: its settings (every setting the report reads), what the spec varied, its epochs. */
  record Trial(String id, String sweep, Map<String, Object> settings, List<String> swept, List<Epoch> epochs) {
    double finalTestAcc() {
      return epochs.get(epochs.size() - 1).testAcc();
    }
  }

  static final Map<String, Object> DEFAULTS = Map.of("gamma", 1e-3, "tau", 1e-6, "optimizer", "bop",
      "gamma_schedule", "constant", "lr_schedule", "constant", "lr", 1e-3, "lr_scale", 1.0, "init_scale", 1.0,
      "init", "glorot", "clip", false);

  final List<Trial> trials = new ArrayList<>();

  /** Adds a DONE trial; settings not given take DEFAULTS, latent_dtype float32, seed 0. */
  Trial add(String sweep, Map<String, Object> settings, List<String> swept, List<Epoch> epochs) {
    Map<String, Object> all = new TreeMap<>(DEFAULTS);
    all.put("latent_dtype", "float32");
    all.put("seed", 0L);
    all.put("eval_latent", false);
    all.putAll(settings);
    Trial t = new Trial(sweep + "-" + trials.size(), sweep, all, swept, epochs);
    trials.add(t);
    return t;
  }

  static List<Epoch> epochs(double... testAcc) {
    List<Epoch> out = new ArrayList<>();
    for (int i = 0; i < testAcc.length; i++) {
      out.add(new Epoch(testAcc[i], testAcc[i] - 0.01, -3.0 - i - testAcc[i], "h" + i));
    }
    return out;
  }

  static List<Epoch> hashes(String... signHashes) {
    List<Epoch> out = new ArrayList<>();
    for (int i = 0; i < signHashes.length; i++) {
      out.add(new Epoch(0.5 + 0.1 * i, 0.5 + 0.1 * i, -4, signHashes[i]));
    }
    return out;
  }

  /** Writes the store under dir and registers it. */
  void register(SparkSession spark, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":1}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Map<String, Object>> trialRows = new ArrayList<>();
    List<Map<String, Object>> epochRows = new ArrayList<>();
    for (Trial t : trials) {
      Map<String, Object> row = new HashMap<>(t.settings());
      Map<String, Object> swept = new LinkedHashMap<>();
      t.swept().forEach(k -> swept.put(k, t.settings().get(k)));
      int n = t.epochs().size();
      int best = 0;
      for (int i = 1; i < n; i++) {
        best = t.epochs().get(i).testAcc() > t.epochs().get(best).testAcc() ? i : best;
      }
      row.putAll(Map.of("trial_id", t.id(), "sweep", t.sweep(), "attempt", 1, "finished_at", "2026-11-26T10:00:00Z",
          "status", "DONE", "epochs", n, "epochs_done", n, "final_test_acc", t.finalTestAcc(),
          "best_test_acc", t.epochs().get(best).testAcc(), "best_epoch", best + 1));
      row.putAll(Map.of("final_train_acc", t.epochs().get(n - 1).trainAcc(), "seconds", 1.0,
          "swept", json(swept), "config_json", json(new TreeMap<>(t.settings())), "data_variant", "mnist",
          "code_version", "test"));
      trialRows.add(row);
      for (int i = 0; i < n; i++) {
        Epoch e = t.epochs().get(i);
        Map<String, Object> er = new HashMap<>();
        er.putAll(Map.of("trial_id", t.id(), "sweep", t.sweep(), "attempt", 1, "finished_at", "2026-11-26T10:00:00Z",
            "epoch", i + 1, "test_acc", e.testAcc(), "train_acc", e.trainAcc(), "pi_last", e.piLast(),
            "sign_hash", e.signHash()));
        epochRows.add(er);
      }
    }
    write(spark, trialRows, TRIALS_SCHEMA, dir.resolve("trials"));
    write(spark, epochRows, EPOCHS_SCHEMA, dir.resolve("epochs"));
    Results.register(spark, dir.toString(), false); // Spark part files, not the writer's layout
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(SparkSession spark, List<Map<String, Object>> rows, String schema, Path dir) {
    Dataset<String> ds = spark.createDataset(rows.stream().map(SyntheticStore::json).toList(), Encoders.STRING());
    spark.read().schema(schema).json(ds).coalesce(1).write().parquet(dir.resolve("_w").toString());
    try (var files = Files.list(dir.resolve("_w"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        Files.move(p, dir.resolve(p.getFileName()));
      }
      try (var walk = Files.walk(dir.resolve("_w"))) {
        for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
