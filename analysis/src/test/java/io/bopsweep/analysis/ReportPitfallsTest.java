package io.bopsweep.analysis;

import static io.bopsweep.analysis.SyntheticStore.epochs;
import static io.bopsweep.analysis.SyntheticStore.hashes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.analysis.SyntheticStore.Trial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways a report can mislead its reader, each on a small store that has the pitfall: a sparse
 * grid, two optimizers in one heatmap cell, Theorem 1 classes with different base learning rates,
 * float32 against float64 latent weights, configurations pooled per optimizer, tables where they do
 * not apply.
 */
class ReportPitfallsTest {
  static SparkSession spark;
  @TempDir static Path tmp;
  static final SyntheticStore STORE = new SyntheticStore();

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("report-pitfalls")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    // sparse: a cross in a 3 x 3 grid of gamma and tau, 2 seeds per cell
    for (double gamma : new double[] {1e-4, 1e-3, 1e-2}) {
      for (double tau : new double[] {0, 1e-6, 1e-5}) {
        if (gamma != 1e-3 && tau != 1e-6) {
          continue;
        }
        for (long seed = 0; seed < 2; seed++) {
          double acc = 0.6 + 10 * gamma + 1e4 * tau + 0.01 * seed;
          STORE.add("sparse", Map.of("gamma", gamma, "tau", tau, "seed", seed), List.of("gamma", "tau"),
              epochs(0.5, acc));
        }
      }
    }
    // mixed: Bop and Adam over the same lr_scale x init_scale grid
    for (String opt : new String[] {"bop", "adam-latent"}) {
      for (double lrScale : new double[] {1, 10}) {
        for (double initScale : new double[] {1, 10}) {
          double acc = (opt.equals("bop") ? 0.9 : 0.3) + lrScale / 1000 + initScale / 100;
          STORE.add("mixed", Map.of("optimizer", opt, "lr_scale", lrScale, "init_scale", initScale),
              List.of("optimizer", "lr_scale", "init_scale"), epochs(0.2, acc));
        }
      }
    }
    // thm: lr 1 and lr 0.01 x init 0.01 are equivalent; lr 0.01 with init 1 is not
    for (long seed = 0; seed < 2; seed++) {
      Map<String, Object> sgd = Map.of("optimizer", "sgd-latent", "latent_dtype", "float64", "seed", seed);
      List<String> swept = List.of("optimizer", "lr", "init_scale");
      STORE.add("thm", with(sgd, "lr", 0.01, "init_scale", 1.0), swept, hashes("b", "b" + seed));
      STORE.add("thm", with(sgd, "lr", 1.0, "init_scale", 1.0), swept, hashes("a", "a" + seed));
      STORE.add("thm", with(sgd, "lr", 0.01, "init_scale", 0.01), swept, hashes("a", "a" + seed));
    }
    // dtype: the same equivalent pair in float64 (identical) and float32 (rounding split it at epoch 2)
    for (String dtype : new String[] {"float32", "float64"}) {
      Map<String, Object> sgd = Map.of("optimizer", "sgd-latent", "latent_dtype", dtype, "lr", 0.01);
      List<String> swept = List.of("latent_dtype", "lr_scale", "init_scale");
      STORE.add("dtype", with(sgd, "lr_scale", 100.0, "init_scale", 1.0), swept, hashes("x", "y"));
      STORE.add("dtype", with(sgd, "lr_scale", 1.0, "init_scale", 0.01), swept,
          hashes("x", dtype.equals("float32") ? "z" : "y"));
    }
    // pooled: Bop, and SGD at two learning rates, 2 seeds each
    for (long seed = 0; seed < 2; seed++) {
      STORE.add("pooled", Map.of("optimizer", "bop", "seed", seed), List.of("optimizer", "lr"), epochs(0.85, 0.91 + seed / 100.0));
      STORE.add("pooled", Map.of("optimizer", "sgd-latent", "lr", 0.01, "seed", seed), List.of("optimizer", "lr"),
          epochs(0.3, 0.4 + seed / 100.0));
      STORE.add("pooled", Map.of("optimizer", "sgd-latent", "lr", 1.0, "seed", seed), List.of("optimizer", "lr"),
          epochs(0.8, 0.95 - seed / 100.0));
    }
    // bopadam: Bop (its point sets gamma and tau) against Adam (its point sets lr)
    STORE.add("bopadam", Map.of("optimizer", "bop"), List.of("optimizer", "gamma", "tau"), epochs(0.7, 0.8));
    STORE.add("bopadam", Map.of("optimizer", "adam-latent"), List.of("optimizer", "lr"), epochs(0.7, 0.8));
    STORE.register(spark, tmp.resolve("store"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Map<String, Object> with(Map<String, Object> base, String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new HashMap<>(base);
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  static Path report(String sweep) throws Exception {
    Path out = tmp.resolve("report-" + sweep);
    Report.write(spark, sweep, out);
    return out;
  }

  static int occurrences(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** The CSV file's rows as maps from column to text. */
  static List<Map<String, String>> csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",");
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = new ArrayList<>();
      Matcher m = Pattern.compile("\"((?:[^\"]|\"\")*)\"|([^,]*)").matcher(line);
      int pos = 0;
      while (pos <= line.length() && m.find(pos)) {
        cells.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"") : m.group(2));
        pos = m.end() + 1;
      }
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], cells.get(i));
      }
      rows.add(row);
    }
    return rows;
  }

  @Test
  void sparseGridShowsUntestedCellsAsNotRunAndEveryCellItsMeanStdAndN() throws Exception {
    Path out = report("sparse");
    String svg = Files.readString(out.resolve("heatmap-final-test-acc.svg"));
    assertEquals(4, occurrences(svg, ">not run<"), "the 4 cells outside the cross were not run");
    assertEquals(5, occurrences(svg, ">n = 2<"), "5 cells with 2 seeds each");
    for (Trial t : STORE.trials) {
      if (t.sweep().equals("sparse") && (Long) t.settings().get("seed") == 0) {
        Trial other = STORE.trials.stream().filter(o -> o.sweep().equals("sparse") && o != t
            && o.settings().get("gamma").equals(t.settings().get("gamma"))
            && o.settings().get("tau").equals(t.settings().get("tau"))).findFirst().orElseThrow();
        double mean = (t.finalTestAcc() + other.finalTestAcc()) / 2;
        double std = Math.abs(t.finalTestAcc() - other.finalTestAcc()) / Math.sqrt(2);
        assertTrue(svg.contains(">" + String.format("%.4f", mean) + "<"), "mean " + mean + " in its cell");
        assertTrue(svg.contains(">± " + String.format("%.4f", std) + "<"), "std " + std + " in its cell");
      }
    }
  }

  @Test
  void heatmapsDoNotMixOptimizersInOneCell() throws Exception {
    Path out = report("mixed");
    for (String opt : new String[] {"bop", "adam-latent"}) {
      Path svgFile = out.resolve("heatmap-final-test-acc-optimizer-" + opt + ".svg");
      assertTrue(Files.exists(svgFile), svgFile + " written");
      String svg = Files.readString(svgFile);
      assertEquals(4, occurrences(svg, ">n = 1<"), opt + ": four cells of one trial each");
      for (Trial t : STORE.trials) {
        if (t.sweep().equals("mixed")) {
          boolean own = t.settings().get("optimizer").equals(opt);
          assertEquals(own, svg.contains(">" + String.format("%.4f", t.finalTestAcc()) + "<"),
              opt + " heatmap shows exactly its own trials");
        }
      }
    }
    assertFalse(Files.exists(out.resolve("heatmap-final-test-acc.svg")), "no heatmap pooling both optimizers");
  }

  @Test
  void theorem1ComparesTrialsWithEqualLrTimesScaleOverInitScaleOnly() throws Exception {
    List<Map<String, String>> rows = csv(report("thm").resolve("table-3-theorem1.csv"));
    assertEquals(2, rows.size(), "one class per seed: lr 1 with lr 0.01 x init 0.01");
    for (Map<String, String> r : rows) {
      assertEquals("2", r.get("members"));
      assertEquals("true", r.get("identical"));
      assertEquals("1", r.get("ratio"));
    }
  }

  @Test
  void theorem1StatesTheLatentDtypeAndWhatIsExpected() throws Exception {
    Path out = report("dtype");
    List<Map<String, String>> rows = csv(out.resolve("table-3-theorem1.csv"));
    assertEquals(2, rows.size(), "float32 and float64 are separate classes");
    Map<String, String> f32 = rows.stream().filter(r -> r.get("latent_dtype").equals("float32")).findFirst().orElseThrow();
    Map<String, String> f64 = rows.stream().filter(r -> r.get("latent_dtype").equals("float64")).findFirst().orElseThrow();
    assertEquals("false", f32.get("identical"));
    assertTrue(f32.get("expected").contains("float32 rounding may break it"), f32.get("expected"));
    assertEquals("true", f64.get("identical"));
    assertEquals("identical", f64.get("expected"));
  }

  @Test
  void perOptimizerTableHasOneRowPerConfigurationAndCountsSeeds() throws Exception {
    Path out = report("pooled");
    List<Map<String, String>> rows = csv(out.resolve("table-5.2-bop-vs-adam.csv"));
    assertEquals(3, rows.size(), "bop, sgd-latent lr 0.01, sgd-latent lr 1");
    for (Map<String, String> r : rows) {
      assertEquals("2", r.get("seeds"), r.toString());
      List<Trial> group = STORE.trials.stream().filter(t -> t.sweep().equals("pooled")
          && t.settings().get("optimizer").equals(r.get("optimizer"))
          && (r.get("lr").isEmpty() ? r.get("optimizer").equals("bop")
              : t.settings().get("lr").equals(Double.parseDouble(r.get("lr"))))).toList();
      assertEquals(2, group.size());
      double mean = group.stream().mapToDouble(Trial::finalTestAcc).average().orElseThrow();
      assertEquals(mean, Double.parseDouble(r.get("final_test_acc_mean")), 1e-9, r.toString());
    }
  }

  @Test
  void tablesAppearOnlyWhereTheirRuleApplies() throws Exception {
    Path bopAdam = report("bopadam");
    assertTrue(Files.exists(bopAdam.resolve("table-5.2-bop-vs-adam.csv")));
    assertFalse(Files.exists(bopAdam.resolve("table-5.1-gamma-tau.csv")), "gamma and tau were not varied");
    Path thm = report("thm");
    assertFalse(Files.exists(thm.resolve("table-5.2-bop-vs-adam.csv")), "no Bop in the sweep");
    assertTrue(Files.exists(thm.resolve("table-3-inertia.csv")));
  }

  @Test
  void flipRateIsNamedAndTheTargetStated() throws Exception {
    String sparse = Files.readString(report("sparse").resolve("README.md"));
    assertTrue(sparse.contains("ln(flip ratio + e^-9)"), "the flip-rate columns say what they hold");
    assertFalse(sparse.contains("| pi_"), "no bare pi columns");
    String bopAdam = Files.readString(report("bopadam").resolve("README.md"));
    assertTrue(bopAdam.contains("test accuracy >= 0.90"), "the target of epochs_to_target is stated");
  }
}
