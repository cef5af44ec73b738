package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.sweep.DriverLock;
import io.bopsweep.sweep.ResultStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bopsweep store compact}: through the CLI, and its bad input (one line, exit 2, nothing written). */
class StoreCompactCommandTest {
  @TempDir Path dir;

  static void assertOneLineNaming(StoreDamageTest.Run run, String... words) {
    assertEquals(2, run.code(), run.out() + run.err());
    List<String> lines = run.err().strip().lines().toList();
    assertEquals(1, lines.size(), "one line: " + run.err());
    assertTrue(lines.get(0).startsWith("bopsweep: error: "), lines.get(0));
    for (String w : words) {
      assertTrue(lines.get(0).contains(w), "'" + lines.get(0) + "' names " + w);
    }
  }

  @Test
  void compactsASynthesizedStoreThatThenQueriesTheSame() {
    String r = dir.resolve("store").toString();
    assertEquals(0, StoreDamageTest.run("store", "synthesize", r, "--trials", "5", "--epochs", "2").code());
    String query = "SELECT count(*) AS n, count(DISTINCT trial_id) AS trials, round(sum(test_acc), 9) AS s FROM epochs";
    StoreDamageTest.Run before = StoreDamageTest.run("sql", query, "--results", r, "--format", "csv");
    assertEquals(0, before.code(), before.err());
    assertTrue(before.out().contains("10,5,"), before.out());

    StoreDamageTest.Run compact = StoreDamageTest.run("store", "compact", r);
    assertEquals(0, compact.code(), compact.err());
    assertTrue(compact.out().contains("pack 1: 5 trials, 10 epoch rows"), compact.out());
    assertTrue(compact.out().contains("5 trials packed; files in trials/ and epochs/: 10 before, 2 after"),
        compact.out());
    assertEquals(before.out(), StoreDamageTest.run("sql", query, "--results", r, "--format", "csv").out());
    StoreDamageTest.Run check = StoreDamageTest.run("store", "check", r);
    assertEquals(0, check.code(), check.out());
  }

  @Test
  void notAStoreAMissingDirectoryADamagedStoreAndALockedStoreAreOneLineAndNothingIsWritten() throws Exception {
    Path notStore = Files.createDirectories(dir.resolve("plain"));
    Files.writeString(notStore.resolve("notes.txt"), "mine");
    String before = BadInputTest.hashTree(notStore);
    assertOneLineNaming(StoreDamageTest.run("store", "compact", notStore.toString()), notStore.toString(),
        "not a bopsweep results store");
    assertEquals(before, BadInputTest.hashTree(notStore));

    Path missing = dir.resolve("missing");
    assertOneLineNaming(StoreDamageTest.run("store", "compact", missing.toString()), missing.toString());
    assertTrue(!Files.exists(missing), "not created");

    Path damaged = dir.resolve("damaged");
    assertEquals(0, StoreDamageTest.run("store", "synthesize", damaged.toString(), "--trials", "3", "--epochs", "2")
        .code());
    Path trialsFile;
    try (var files = Files.list(damaged.resolve("trials"))) {
      trialsFile = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst()
          .orElseThrow();
    }
    StoreDamageTest.truncate(trialsFile);
    before = BadInputTest.hashTree(damaged);
    assertOneLineNaming(StoreDamageTest.run("store", "compact", damaged.toString()),
        "trials/" + trialsFile.getFileName(), "store check");
    assertEquals(before, BadInputTest.hashTree(damaged), "a damaged store: nothing written, not even a lock");

    Path locked = dir.resolve("locked");
    assertEquals(0, StoreDamageTest.run("store", "synthesize", locked.toString(), "--trials", "3", "--epochs", "2")
        .code());
    ResultStore store = ResultStore.open(locked.toString(), new Configuration());
    try (DriverLock holder = DriverLock.acquire(store, "a running sweep")) {
      before = withoutLock(locked);
      assertOneLineNaming(StoreDamageTest.run("store", "compact", locked.toString()), "in use by",
          "a running sweep");
      assertEquals(before, withoutLock(locked), "a locked store: nothing written");
    }

    StoreDamageTest.Run noArgument = StoreDamageTest.run("store", "compact");
    assertEquals(2, noArgument.code());
    assertEquals(1, noArgument.err().strip().lines().count(), noArgument.err());
  }

  /** The tree's hashes less the lock's directory, where its holder's heartbeats come and go. */
  static String withoutLock(Path root) throws Exception {
    return BadInputTest.hashTree(root).replaceAll("_lock/[^,}]*(, )?", "");
  }
}
