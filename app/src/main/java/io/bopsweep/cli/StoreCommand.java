package io.bopsweep.cli;

import io.bopsweep.store.StoreCheck;
import io.bopsweep.sweep.DriverLock;
import io.bopsweep.sweep.ResultStore;
import io.bopsweep.sweep.StoreCompaction;
import io.bopsweep.sweep.SyntheticStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bopsweep store ...}: check, repair and compact result stores; developer tools. */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "Check, repair and compact result stores; developer tools.",
    subcommands = {StoreCommand.Check.class, StoreCommand.Compact.class, StoreCommand.Synthesize.class})
final class StoreCommand {
  /**
   * {@code bopsweep store compact DIR}: merges the committed DONE and DIVERGED trials' own files into
   * packs, under the driver lock ({@link StoreCompaction}).
   */
  @Command(name = "compact", mixinStandardHelpOptions = true,
      description = "Merge the files of committed DONE and DIVERGED trials (two per trial) into packs (two per run),"
          + " holding the driver lock; a compaction killed at any point loses and duplicates nothing, and the next"
          + " compact or sweep finishes it.")
  static final class Compact implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR_OR_URI", description = "results directory or URI")
    String results;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ResultStore store = ResultStore.open(results, new Configuration());
      store.requireIntact(); // refused before the lock is taken: nothing written
      long t0 = System.nanoTime();
      StoreCompaction.Outcome o;
      try (DriverLock lock = DriverLock.acquire(store, "store compact")) {
        o = StoreCompaction.compact(store, lock);
      }
      o.recovered().forEach(line -> out.println(store.uri() + ": " + line));
      for (StoreCompaction.Pack p : o.packs()) {
        out.printf("pack %d: %d trials, %d epoch rows%n", p.number(), p.trials(), p.epochRows());
      }
      out.printf("%s: %d trials packed; files in trials/ and epochs/: %d before, %d after (%.1f s)%n", store.uri(),
          o.trialsPacked(), o.filesBefore(), o.filesAfter(), (System.nanoTime() - t0) / 1e9);
      out.flush();
      return 0;
    }
  }

  /** {@code bopsweep store synthesize DIR --trials N --epochs M}. */
  @Command(name = "synthesize", mixinStandardHelpOptions = true,
      description = "Write a store of made-up trials (not results), one commit per trial as sweeps write, to time readers.")
  static final class Synthesize implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR_OR_URI", description = "a new or empty directory, or an existing store")
    String dir;

    @Option(names = "--trials", paramLabel = "N", required = true, description = "trials to write")
    int trials;

    @Option(names = "--epochs", paramLabel = "M", required = true, description = "epochs per trial")
    int epochs;

    @Option(names = "--sweep", paramLabel = "NAME", defaultValue = "synthetic", description = "sweep name (default: synthetic)")
    String sweep;

    @Override
    public Integer call() throws IOException {
      if (trials < 1) {
        throw new BadInputException("--trials: use 1 or more, got " + trials);
      }
      if (epochs < 1) {
        throw new BadInputException("--epochs: use 1 or more, got " + epochs);
      }
      ResultStore store = ResultStore.openOrCreate(dir, new Configuration());
      long t0 = System.nanoTime();
      SyntheticStore.write(store, sweep, trials, epochs);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("bopsweep: wrote %d synthetic trials x %d epochs to %s in %.1f s%n", trials, epochs, dir,
          (System.nanoTime() - t0) / 1e9);
      out.flush();
      return 0;
    }
  }

  /**
   * {@code bopsweep store check DIR [--repair]}: one line per damaged file; exit 0 when there is
   * none, 1 when there is (after {@code --repair}: 0 once everything damaged was moved aside).
   */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "List damaged files of a results store, one line each (exit 0: none, 1: some). --repair moves"
          + " each damaged trial's files aside into _damaged/TIME/, so that the next sweep reruns those trials.")
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR_OR_URI", description = "results directory or URI")
    String results;

    @Option(names = "--repair", description = "move damaged trials aside (renames, never deletes), holding the"
        + " driver lock so no sweep runs meanwhile")
    boolean repair;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ResultStore store = ResultStore.open(results, new Configuration());
      List<StoreCheck.Damage> damage = store.check().damage();
      for (StoreCheck.Damage d : damage) {
        out.println(store.uri() + "/" + d.line());
      }
      if (damage.isEmpty()) {
        out.println(store.uri() + ": no damage");
        return 0;
      }
      if (!repair) {
        out.println(damage.size() + " damaged file(s); bopsweep store check " + results + " --repair moves them aside");
        return Main.EXIT_FAILED;
      }
      try (DriverLock lock = DriverLock.acquire(store, "store check --repair")) {
        // checked again under the lock: a sweep may have committed or replaced files meanwhile
        List<StoreCheck.Damage> now = store.check().damage();
        for (String moved : store.repair(now)) {
          out.println("moved " + moved);
        }
        List<StoreCheck.Damage> left = store.check().damage();
        for (StoreCheck.Damage d : left) {
          out.println("still damaged: " + store.uri() + "/" + d.line());
        }
        if (left.isEmpty()) {
          out.println(store.uri() + ": repaired; the next sweep reruns the trials moved aside");
          return 0;
        }
        return Main.EXIT_FAILED;
      }
    }
  }
}
