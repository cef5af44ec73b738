package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.analysis.ReportScope;
import io.bopsweep.sweep.Grid;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.SpecParser;
import io.bopsweep.sweep.StoreFixtures;
import io.bopsweep.store.SweepManifest;
import io.bopsweep.sweep.SweepSpec;
import io.bopsweep.sweep.Trial;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which stored trials a report covers: selected by the spec's (or its manifest's) trial ids, not by name. */
class ReportScopeTest {
  @TempDir Path tmp;

  static final String A = "name: a\nfixed: {epochs: 3, width: 16}\ngrid: {gamma: [1.0e-4, 1.0e-3]}\n";
  static final String B = "name: b\nfixed: {epochs: 3, width: 16}\ngrid: {gamma: [1.0e-3, 1.0e-2]}\n";

  private static List<Trial> trials(String yaml, String name) {
    return Grid.expand(SpecParser.parse(yaml, name + ".yaml", name));
  }

  private static List<String> ids(List<Trial> trials) {
    return trials.stream().map(Trial::id).toList();
  }

  private ResultStore storeWith(List<Trial> trials) throws Exception {
    ResultStore store = ResultStore.openOrCreate(tmp.resolve("results").toString(), new Configuration());
    StoreFixtures.commit(store, trials);
    return store;
  }

  @Test
  void aTrialSharedByTwoSweepsIsInBothReports() throws Exception {
    List<Trial> a = trials(A, "a");
    List<Trial> b = trials(B, "b");
    // b's first trial is a's second: stored once, by a
    assertEquals(a.get(1).id(), b.get(0).id());
    ResultStore store = storeWith(List.of(a.get(0), a.get(1), b.get(1)));
    ReportScope scopeA = ReportCommand.scope(SpecParser.parse(A, "a.yaml", "a"), "a", store);
    ReportScope scopeB = ReportCommand.scope(SpecParser.parse(B, "b.yaml", "b"), "b", store);
    assertEquals(ids(a), scopeA.trialIds());
    assertEquals(ids(b), scopeB.trialIds());
    assertEquals(List.of(), scopeA.notes());
    assertEquals(List.of("1 of the trials were stored by another sweep (shared, included)"), scopeB.notes());
  }

  @Test
  void anEditedSpecCoversOnlyItsCurrentTrialsAndCountsTheOthers() throws Exception {
    String edited = A.replace("epochs: 3", "epochs: 2");
    List<Trial> before = trials(A, "a");
    List<Trial> after = trials(edited, "a");
    ResultStore store = storeWith(List.of(before.get(0), before.get(1), after.get(0), after.get(1)));
    ReportScope scope = ReportCommand.scope(SpecParser.parse(edited, "a.yaml", "a"), "a", store);
    assertEquals(ids(after), scope.trialIds());
    assertEquals(List.of("2 stored trials under sweep name a are not in the current spec (left out)"), scope.notes());
  }

  @Test
  void aNameTakesTheNewestManifestOfThatName() throws Exception {
    String edited = A.replace("epochs: 3", "epochs: 2");
    List<Trial> before = trials(A, "a");
    List<Trial> after = trials(edited, "a");
    ResultStore store = storeWith(List.of(before.get(0), before.get(1), after.get(0), after.get(1)));
    Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
    store.writeManifest(SweepManifest.of("a", A, ids(before), "test", t0));
    store.writeManifest(SweepManifest.of("a", edited, ids(after), "test", t0.plusSeconds(60)));
    List<SweepManifest> manifests = store.manifests("a");
    assertEquals(2, manifests.size());
    assertEquals(edited, manifests.get(1).specText());
    assertEquals(SweepManifest.of("a", edited, ids(after), "test", t0.plusSeconds(60)), manifests.get(1));
    assertEquals(ids(after), ReportCommand.scope(null, "a", store).trialIds());
  }

  @Test
  void aStoreWithoutManifestsFallsBackToTheSweepColumnAndSaysSo() throws Exception {
    List<Trial> a = trials(A, "a");
    ResultStore store = storeWith(a);
    ReportScope scope = ReportCommand.scope(null, "a", store);
    assertEquals(java.util.Set.copyOf(ids(a)), java.util.Set.copyOf(scope.trialIds()));
    assertEquals(List.of("no manifest of sweep a in the store: the report covers the 2 trials stored under that name"),
        scope.notes());
  }

  @Test
  void aManifestNamingATrialThatIsNotStoredIsRefused() throws Exception {
    List<Trial> a = trials(A, "a");
    ResultStore store = storeWith(List.of(a.get(0)));
    store.writeManifest(SweepManifest.of("a", A, ids(a), "test", Instant.parse("2026-11-01T10:00:00Z")));
    BadInputException e = assertThrows(BadInputException.class, () -> ReportCommand.scope(null, "a", store));
    assertTrue(e.getMessage().contains("names trial " + a.get(1).id() + ", which is not in the store"), e.getMessage());
  }

  @Test
  void theReportOfASpecCountsTheSharedTrialAndNotesWhatItLeftOut() throws Exception {
    List<Trial> a = trials(A, "a");
    List<Trial> b = trials(B, "b");
    String editedB = B.replace("epochs: 3", "epochs: 2");
    List<Trial> oldB = trials(editedB, "b");
    storeWith(List.of(a.get(0), a.get(1), b.get(1), oldB.get(0)));
    Path spec = Files.writeString(tmp.resolve("b.yaml"), B);
    Path out = tmp.resolve("report-b");
    StringWriter stdout = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"report", spec.toString(), "--results", tmp.resolve("results").toString(),
        "--out", out.toString()}, new PrintWriter(stdout, true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    String summary = Files.readString(out.resolve("summary.csv"));
    assertTrue(summary.contains("gamma=1e-3"), summary);
    assertTrue(summary.contains("gamma=0.01"), summary);
    assertFalse(summary.contains("gamma=1e-4"), "a's own trial is not b's: " + summary);
    String readme = Files.readString(out.resolve("README.md"));
    assertTrue(readme.contains("> 1 stored trial under sweep name b is not in the current spec (left out)"), readme);
    assertTrue(stdout.toString().contains("report of sweep b (2 trials)"), stdout.toString());
  }

  @Test
  void planWithResultsShowsEachTrialsStatus() throws Exception {
    List<Trial> a = trials(A, "a");
    storeWith(List.of(a.get(1)));
    Path spec = Files.writeString(tmp.resolve("a.yaml"), A);
    StringWriter stdout = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"plan", spec.toString(), "--no-probe", "--results", tmp.resolve("results").toString()},
        new PrintWriter(stdout, true), new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    List<String> lines = stdout.toString().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.contains(a.get(0).id()) && l.strip().endsWith("pending")), stdout.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains(a.get(1).id()) && l.strip().endsWith("done")), stdout.toString());
    assertTrue(stdout.toString().contains(": 1 done, 1 pending"), stdout.toString());
  }
}
