package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input a user can give, through the CLI: exit code 2, one line naming what is
 * wrong and where, and every file in the working area untouched (hashes before and after).
 */
class BadInputTest {
  @TempDir static Path dir;

  @BeforeAll
  static void files() throws IOException {
    Files.writeString(dir.resolve("ok.yaml"), "fixed: {epochs: 1, width: 16, train_limit: 200, test_limit: 100}\n");
    spec("syntax.yaml", "fixed: {epochs: [1\n");
    spec("unknown-key.yaml", "fixd: {epochs: 1}\n");
    spec("unknown-setting.yaml", "fixed: {learning_rate: 0.1}\n");
    spec("wrong-type.yaml", "fixed: {batch_size: large}\n");
    spec("gamma-range.yaml", "grid: {gamma: [0.5, 1.5]}\n");
    spec("negative-tau.yaml", "fixed: {tau: -1.0e-6}\n");
    spec("zero-lr.yaml", "fixed: {optimizer: adam-latent, lr: 0}\n");
    spec("zero-epochs.yaml", "fixed: {epochs: 0}\n");
    spec("empty-grid.yaml", "grid: {}\n");
    spec("empty-axis.yaml", "grid: {tau: []}\n");
    spec("duplicate-points.yaml", "points: [{gamma: 1.0e-3}, {gamma: 0.001}]\n");
    spec("unknown-model.yaml", "fixed: {model: resnet}\n");
    spec("unknown-optimizer.yaml", "fixed: {optimizer: lamb}\n");
    spec("unknown-dataset.yaml", "fixed: {dataset: svhn}\n");
    spec("images-too-small.yaml", "fixed: {dataset: cifar10, model: binary-alexnet}\n");
    spec("bad-schedule.yaml", "fixed: {gamma_schedule: cosine}\n");
    spec("not-a-mapping.yaml", "- 1\n- 2\n");
    spec("name-dots.yaml", "name: ..\nfixed: {epochs: 1}\n");
    spec("name-slash.yaml", "name: a/b\nfixed: {epochs: 1}\n");
    spec("duplicate-block.yaml", "grid: {gamma: [1.0e-3]}\ngrid: {tau: [0, 1.0e-6]}\n");
    spec("duplicate-setting.yaml", "fixed:\n  epochs: 1\n  epochs: 50\n");
    spec("alias.yaml", "fixed: {train_limit: &n 100, test_limit: *n}\n");
    spec("nan.yaml", "fixed: {gamma: .nan}\n");
    spec("inf.yaml", "grid: {tau: [0, .inf]}\n");
    spec("oversize.yaml", "fixed: {epochs: 1}\n" + "#".repeat(1_100_000) + "\n");
    spec("huge-grid.yaml", "grid: {tau: " + range(100) + ", train_limit: " + range(100) + ", test_limit: " + range(1000) + "}\n");
    spec("validation-split.yaml", "grid: {validation_split: [0, 70000, 1000]}\n");
    spec("mlp-width-fraction.yaml", "fixed: {width: 0.4}\n");
    spec("mlp-width-huge.yaml", "fixed: {width: 1.0e6}\n");
    spec("mlp-width-wraps.yaml", "fixed: {width: 4294967312}\n");
    spec("convnet-width-huge.yaml", "fixed: {model: convnet, width: 1.0e6}\n");
    spec("batch-huge.yaml", "fixed: {batch_size: 1000000000}\n");
    spec("median-bad-key.yaml", "fixed: {epochs: 3}\ngrid: {gamma: [1.0e-4, 1.0e-3, 1.0e-2, 1.0e-1]}\n"
        + "scheduler: {type: median, grace: 1}\n");
    spec("median-pointless.yaml", "fixed: {epochs: 2}\ngrid: {gamma: [1.0e-4, 1.0e-3]}\nscheduler: {type: median}\n");
    Path notStore = Files.createDirectories(dir.resolve("not-a-store"));
    Files.writeString(notStore.resolve("mine.txt"), "precious");
    Path old = Files.createDirectories(dir.resolve("old-store"));
    Files.writeString(old.resolve("STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":99}");
    Files.writeString(dir.resolve("a-file"), "not a directory");
    Path otherFormat = Files.createDirectories(dir.resolve("other-format"));
    Files.writeString(otherFormat.resolve("STORE.json"), "{\"format\":\"delta-lake\",\"schema_version\":1}");
    Path manifestStore = Files.createDirectories(dir.resolve("manifest-store/_manifests/ok"));
    Files.writeString(dir.resolve("manifest-store/STORE.json"), "{\"format\":\"bopsweep-results\",\"schema_version\":2}");
    Files.writeString(manifestStore.resolve("20261101T100000000Z-0000.json"), "{\"sweep\":\"ok\",\"spec_text\":\"\","
        + "\"spec_sha256\":\"0\",\"trial_ids\":[\"deadbeefdeadbeef\"],\"code_version\":\"x\","
        + "\"written_at\":\"2026-11-01T10:00:00Z\"}");
    Path badData = Files.createDirectories(dir.resolve("bad-mnist"));
    Files.write(badData.resolve("train-images-idx3-ubyte"), idx(0x0803, 10, 28));
    Files.write(badData.resolve("train-labels-idx1-ubyte"), idx(0x0801, 9, 0));
    Files.write(badData.resolve("t10k-images-idx3-ubyte"), idx(0x0803, 5, 28));
    Files.write(badData.resolve("t10k-labels-idx1-ubyte"), idx(0x0801, 5, 0));
    Path wrongMagic = Files.createDirectories(dir.resolve("wrong-magic"));
    Files.write(wrongMagic.resolve("train-images-idx3-ubyte"), idx(0x0802, 10, 28));
    Files.write(wrongMagic.resolve("train-labels-idx1-ubyte"), idx(0x0801, 10, 0));
    Files.write(wrongMagic.resolve("t10k-images-idx3-ubyte"), idx(0x0803, 5, 28));
    Files.write(wrongMagic.resolve("t10k-labels-idx1-ubyte"), idx(0x0801, 5, 0));
    Path truncated = Files.createDirectories(dir.resolve("truncated"));
    byte[] images = idx(0x0803, 10, 28);
    Files.write(truncated.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(images, images.length - 50));
    Files.write(truncated.resolve("train-labels-idx1-ubyte"), idx(0x0801, 10, 0));
    Files.write(truncated.resolve("t10k-images-idx3-ubyte"), idx(0x0803, 5, 28));
    Files.write(truncated.resolve("t10k-labels-idx1-ubyte"), idx(0x0801, 5, 0));
    Files.createDirectories(dir.resolve("empty-dir"));
    Files.createDirectories(dir.resolve("cache"));
    Files.writeString(dir.resolve("query.sql"), "SELEC nonsense");
    Files.writeString(dir.resolve("write.sql"), "INSERT OVERWRITE DIRECTORY '" + dir.resolve("old-store/epochs")
        + "' USING parquet SELECT * FROM epochs;\n");
  }

  static void spec(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  static String range(int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf)
        .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
  }

  static byte[] idx(int magic, int n, int size) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(magic);
    d.writeInt(n);
    if (size > 0) {
      d.writeInt(size);
      d.writeInt(size);
      d.write(new byte[n * size * size]);
    } else {
      d.write(new byte[n]);
    }
    return b.toByteArray();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // sweep specs
        Arguments.of("sweep DIR/syntax.yaml --results DIR/r", "syntax.yaml: not valid YAML at line"),
        Arguments.of("sweep DIR/unknown-key.yaml --results DIR/r", "unknown-key.yaml: fixd: unknown key (did you mean 'fixed'?)"),
        Arguments.of("plan DIR/unknown-setting.yaml", "unknown-setting.yaml: fixed.learning_rate: unknown setting"),
        Arguments.of("plan DIR/wrong-type.yaml", "wrong-type.yaml: fixed.batch_size: expected an integer, got 'large'"),
        Arguments.of("plan DIR/gamma-range.yaml", "gamma-range.yaml: grid.gamma[1]: must be in (0, 1], got 1.5"),
        Arguments.of("plan DIR/negative-tau.yaml", "negative-tau.yaml: fixed.tau: must be >= 0"),
        Arguments.of("plan DIR/zero-lr.yaml", "zero-lr.yaml: fixed.lr: must be > 0"),
        Arguments.of("plan DIR/zero-epochs.yaml", "zero-epochs.yaml: fixed.epochs: must be >= 1"),
        Arguments.of("plan DIR/empty-grid.yaml", "empty-grid.yaml: grid: must be a non-empty mapping"),
        Arguments.of("plan DIR/empty-axis.yaml", "empty-axis.yaml: grid.tau: must be a non-empty list"),
        Arguments.of("plan DIR/duplicate-points.yaml", "duplicate-points.yaml: duplicate points: points[1]"),
        Arguments.of("plan DIR/unknown-model.yaml", "unknown-model.yaml: fixed.model: unknown value 'resnet'"),
        Arguments.of("plan DIR/unknown-optimizer.yaml", "unknown-optimizer.yaml: fixed.optimizer: unknown value 'lamb'"),
        Arguments.of("plan DIR/unknown-dataset.yaml", "unknown-dataset.yaml: fixed.dataset: unknown value 'svhn'"),
        Arguments.of("plan DIR/images-too-small.yaml", "images-too-small.yaml: model: binary-alexnet needs larger images than 32x32"),
        Arguments.of("sweep DIR/images-too-small.yaml --results DIR/r-small", "images-too-small.yaml: model: binary-alexnet needs larger images"),
        Arguments.of("plan DIR/bad-schedule.yaml", "bad-schedule.yaml: fixed.gamma_schedule: unknown schedule 'cosine'"),
        Arguments.of("plan DIR/not-a-mapping.yaml", "not-a-mapping.yaml: a sweep spec is a mapping"),
        Arguments.of("plan DIR/missing.yaml", "missing.yaml: no such file"),
        Arguments.of("plan DIR/name-dots.yaml", "name-dots.yaml: name: use letters, digits, '.', '_' and '-' only, not starting with '.'"),
        Arguments.of("plan DIR/name-slash.yaml", "name-slash.yaml: name: use letters"),
        Arguments.of("report .. --results DIR/empty-dir", "..: not a sweep name"),
        Arguments.of("report ok --results DIR/empty-dir --pivot gamma,../x,final_test_acc", "--pivot: expected ROW,COL,METRIC"),
        Arguments.of("plan DIR/duplicate-block.yaml", "duplicate-block.yaml: grid at line 2: duplicate key"),
        Arguments.of("sweep DIR/duplicate-setting.yaml --results DIR/r", "duplicate-setting.yaml: epochs at line 3: duplicate key"),
        Arguments.of("plan DIR/alias.yaml", "alias.yaml: line 1: YAML aliases (*n) are not supported"),
        Arguments.of("plan DIR/nan.yaml", "nan.yaml at line 1: .nan: settings take finite numbers"),
        Arguments.of("plan DIR/inf.yaml", "inf.yaml at line 1: .inf: settings take finite numbers"),
        Arguments.of("plan DIR/oversize.yaml", "oversize.yaml: 1100020 characters; a sweep spec may have at most 1048576"),
        Arguments.of("plan DIR/huge-grid.yaml --no-probe", "huge-grid.yaml: 10,000,000 trials (points x grid x seeds), more than the limit of 10,000; give --max-trials"),
        Arguments.of("sweep DIR/huge-grid.yaml --results DIR/r --max-trials 100000", "more than the limit of 100,000"),
        Arguments.of("plan DIR/ok.yaml --max-trials 0", "--max-trials: must be >= 1"),
        Arguments.of("plan DIR/validation-split.yaml", "validation-split.yaml: trial 2 {validation_split=70000}: validation_split 70000 leaves none of the 60000 training images of mnist"),
        Arguments.of("sweep DIR/validation-split.yaml --results DIR/r", "validation_split 70000 leaves none of the 60000 training images"),
        Arguments.of("plan DIR/mlp-width-fraction.yaml", "width 0.4: the mlp's width is its number of units, a whole number"),
        Arguments.of("plan DIR/mlp-width-huge.yaml", "width 1000000 gives mlp layers of 1000000 units; at most 16384"),
        Arguments.of("plan DIR/mlp-width-wraps.yaml", "width 4294967312 gives mlp layers of 4294967312 units; at most 16384"),
        Arguments.of("sweep DIR/convnet-width-huge.yaml --results DIR/r", "width 1000000 gives convnet layers of 64000000 units"),
        Arguments.of("plan DIR/batch-huge.yaml", "batch_size 1000000000: a batch of mnist images is 784000000000 numbers"),
        Arguments.of("sweep DIR/median-bad-key.yaml --results DIR/r", "median-bad-key.yaml: scheduler.grace: unknown key for type median"),
        Arguments.of("plan DIR/median-pointless.yaml", "median-pointless.yaml: scheduler.min_trials: 3 other trials are needed at a check, and the sweep has 2 trials"),
        // data files
        Arguments.of("data fetch mnist --from DIR/bad-mnist --data-dir DIR/cache", "holds 10 images but train-labels-idx1-ubyte holds 9 labels"),
        Arguments.of("data fetch mnist --from DIR/wrong-magic --data-dir DIR/cache", "train-images-idx3-ubyte: not an IDX image file"),
        Arguments.of("data fetch mnist --from DIR/truncated --data-dir DIR/cache", "train-images-idx3-ubyte: truncated"),
        Arguments.of("data fetch mnist --from DIR/empty-dir --data-dir DIR/cache", "empty-dir: does not contain"),
        Arguments.of("data fetch cifar10 --from DIR/ok.yaml --data-dir DIR/cache", "ok.yaml: not a complete gzip archive"),
        Arguments.of("data fetch mnist --from DIR/ok.yaml --data-dir DIR/a-file/cache", "cache directory is not writable"),
        Arguments.of("data verify fashion-mnist --data-dir DIR/cache", "is not in the cache; run: bopsweep data fetch fashion-mnist"),
        // results directories
        Arguments.of("sweep DIR/ok.yaml --results DIR/not-a-store", "not-a-store: not a bopsweep results store"),
        Arguments.of("sweep DIR/ok.yaml --results DIR/old-store", "old-store: written with result schema version 99"),
        Arguments.of("sweep DIR/ok.yaml --results DIR/a-file", "a-file: is a file, not a results directory"),
        Arguments.of("plan DIR/ok.yaml --no-probe --results DIR/old-store", "old-store: written with result schema version 99 by a newer bopsweep"),
        Arguments.of("report ok --results DIR/old-store", "old-store: written with result schema version 99 by a newer bopsweep"),
        Arguments.of("sql SELECT_1 --results DIR/old-store", "old-store: written with result schema version 99 by a newer bopsweep"),
        Arguments.of("sweep DIR/ok.yaml --results DIR/other-format", "STORE.json: not a bopsweep results store"),
        Arguments.of("report ok --results DIR/other-format", "STORE.json: not a bopsweep results store"),
        Arguments.of("plan DIR/ok.yaml --no-probe --results DIR/other-format", "STORE.json: not a bopsweep results store"),
        Arguments.of("report ok --results DIR/manifest-store", "names trial deadbeefdeadbeef, which is not in the store"),
        Arguments.of("plan DIR/ok.yaml --no-probe --results DIR/missing-results", "missing-results: no such results directory"),
        Arguments.of("sql SELECT_1 --results DIR/not-a-store", "not-a-store: not a bopsweep results store"),
        Arguments.of("report ok --results DIR/empty-dir", "empty-dir: not a bopsweep results store"),
        Arguments.of("sql SELECT_1 --results DIR/missing-results", "missing-results: no such results directory"),
        // CLI misuse
        Arguments.of("frobnicate", "Unmatched argument at index 0: 'frobnicate'"),
        Arguments.of("sweep", "Missing required parameter: 'SPEC'"),
        Arguments.of("train --epochz 3", "Unknown options: '--epochz'"),
        Arguments.of("train --width -5", "width: must be > 0"),
        Arguments.of("sql -f DIR/nope.sql --results DIR/old-store", "nope.sql: no such file"),
        Arguments.of("sql SELECT_1 --format xml", "--format: use table, csv or json"),
        Arguments.of("sql -f DIR/write.sql --results DIR/old-store", "sql: only queries run without --allow-writes; this statement is InsertIntoDir"),
        Arguments.of("bench --only mlp-bop --profile DIR/query.sql", "query.sql is a file, not a directory"),
        Arguments.of("bench --pytorch --pytorch-script DIR/nope.py", "nope.py not found"),
        Arguments.of("bench --pytorch --only mlp-bop", "bench/pytorch_bench.py not found (run bench from the repository root)"),
        Arguments.of("bench --steps 0", "--steps: must be >= 1"),
        Arguments.of("bench --repeat-seconds -1", "--repeat-seconds: must be a number >= 0"),
        Arguments.of("bench --peak-seconds Infinity", "--peak-seconds: must be a number >= 0"),
        Arguments.of("bench --peak-sizes 1024,0", "--peak-sizes: each must be in 1..16384, got [1024, 0]"),
        Arguments.of("bench --repeats -1", "--repeats: must be >= 1"),
        Arguments.of("bench --warmup-seconds -2", "--warmup-seconds: must be a number >= 0"),
        Arguments.of("bench --warmup-seconds NaN", "--warmup-seconds: must be a number >= 0"),
        Arguments.of("sweep DIR/ok.yaml --results DIR/r --threads-per-trial 0", "--threads-per-trial: must be >= 1"),
        Arguments.of("sweep DIR/ok.yaml --results DIR/r --progress-interval -1", "--progress-interval: must be a positive number of seconds, got -1.0"),
        Arguments.of("sweep DIR/ok.yaml --results DIR/r --progress-interval NaN", "--progress-interval: must be a positive number of seconds, got NaN"));
  }

  static String hashTree(Path root) throws Exception {
    TreeMap<String, String> files = new TreeMap<>();
    try (var walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        String rel = root.relativize(p).toString();
        if (rel.endsWith(".lock")) {
          continue; // the data cache's lock files stay by design: deleting one another process holds breaks the lock
        }
        if (Files.isRegularFile(p)) {
          files.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        } else {
          files.put(rel + "/", "dir");
        }
      }
    }
    return files.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsOneLineExitTwoAndTouchesNothing(String args, String expected) throws Exception {
    String before = hashTree(dir);
    String[] argv = args.replace("DIR", dir.toString()).split(" ");
    for (int i = 0; i < argv.length; i++) {
      argv[i] = argv[i].replace("SELECT_1", "SELECT 1");
    }
    StringWriter err = new StringWriter();
    int code = Main.run(argv, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertEquals(2, code, err.toString());
    List<String> lines = err.toString().strip().lines().toList();
    assertEquals(1, lines.size(), "one line: " + err);
    assertTrue(lines.get(0).startsWith("bopsweep: error: "), lines.get(0));
    assertTrue(lines.get(0).contains(expected), "'" + lines.get(0) + "' lacks '" + expected + "'");
    assertEquals(before, hashTree(dir), "files untouched");
  }
}
