package io.bopsweep.sweep;

import static io.bopsweep.trainer.config.Settings.EPOCHS;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Polls the store while a sweep's round runs and prints a line whenever an epoch or trial
 * finishes: the sweep's trials done / stopped / running / failed, the round's epochs done, the best
 * test accuracy so far, and the round's ETA (a sweep without early stopping is one round of every
 * trial's full budget; under a scheduler the line says "this round"). Lines go to
 * the terminal and, if given, a log file. The polling thread is never interrupted: an interrupt
 * would close the NIO channel of a read in progress (ClosedByInterruptException); {@link #stop}
 * wakes it and waits for the poll in progress instead.
 */
public final class Progress {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long STOP_WAIT_MILLIS = 60_000;
  private final ResultStore store;
  private final PrintWriter out;
  private final Path logFile;
  private final long intervalMillis;
  private CountDownLatch stopping = new CountDownLatch(0);
  private Thread thread;
  private long epochsShown;

  public Progress(ResultStore store, PrintWriter out, Path logFile, long intervalMillis) {
    this.store = store;
    this.out = out;
    this.logFile = logFile;
    this.intervalMillis = intervalMillis;
  }

  /**
   * One round of a sweep, as the lines show it.
   *
   * @param number 1, 2, ...
   * @param partial the round is not the whole budget in one go (it stops trials before their epochs, or
   *     it is not the first): its epochs and ETA are the round's, and the line says so
   * @param from trial id to the epochs it has stored when the round starts (0 where not known)
   * @param to trial id to the epoch the round trains it to
   * @param failedBefore trials whose committed row says FAILED when the round starts (until a new row, not finished)
   */
  public record Round(int number, boolean partial, Map<String, Integer> from, Map<String, Integer> to,
      Set<String> failedBefore) {
    long epochs() {
      return to.entrySet().stream().mapToLong(e -> e.getValue() - from.getOrDefault(e.getKey(), 0)).sum();
    }
  }

  /** Starts polling while a round runs; {@link #stop} ends it. The trial counts are the sweep's, the epochs the round's. */
  void start(List<Trial> trials, Round round) {
    Set<String> ids = trials.stream().map(Trial::id).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    long t0 = System.nanoTime();
    CountDownLatch stop = new CountDownLatch(1);
    stopping = stop;
    epochsShown = 0;
    thread = new Thread(() -> {
      String last = "";
      boolean finalPoll = false;
      while (!finalPoll) {
        try {
          finalPoll = stop.await(intervalMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          finalPoll = true;
        }
        String line;
        try {
          line = snapshot(ids, round, t0);
        } catch (StoreException e) {
          continue; // progress is best effort: the next poll tries again
        }
        String counts = line.substring(0, line.lastIndexOf("; ETA"));
        if (!counts.equals(last)) {
          emit(line);
          last = counts;
        }
      }
    }, "bopsweep-progress");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The line now: the sweep's trials done (DONE or DIVERGED), stopped, running and failed; the epochs
   * of the round trained and to train; the best test accuracy so far; the time the round still needs
   * at its pace so far.
   */
  String snapshot(Set<String> ids, Round round, long t0) {
    Map<String, FrozenTrial> committed = new java.util.HashMap<>();
    store.trials().forEach(t -> committed.put(t.trialId(), t));
    Map<String, String> running = store.progress();
    int done = 0;
    int stopped = 0;
    int failed = 0;
    int active = 0;
    long epochsDone = 0;
    double best = Double.NaN;
    String bestTrial = null;
    for (String id : ids) {
      FrozenTrial c = committed.get(id);
      if (c != null && c.metrics().bestTestAcc() != null && better(c.metrics().bestTestAcc(), id, best, bestTrial)) {
        best = c.metrics().bestTestAcc();
        bestTrial = id;
      }
      TrialStatus s = c == null ? null : c.status();
      Integer to = round.to().get(id);
      if (to != null) {
        int from = round.from().getOrDefault(id, 0);
        // a trial of this round is finished when its row is this round's: a trial stopped at an
        // earlier round keeps its STOPPED row while it trains on, a FAILED one its FAILED row
        boolean finished = s == TrialStatus.DONE || s == TrialStatus.DIVERGED
            || s == TrialStatus.STOPPED && c.metrics().epochsDone() >= to
            || s == TrialStatus.FAILED && !round.failedBefore().contains(id);
        if (!finished) {
          String p = running.get(id);
          if (p != null) {
            active++;
            try {
              Map<?, ?> m = JSON.readValue(p, Map.class);
              long epoch = ((Number) m.get("epoch")).longValue();
              epochsDone += Math.max(0, Math.min(epoch, to) - from);
              if (m.get("best_test_acc") instanceof Number acc && better(acc.doubleValue(), id, best, bestTrial)) {
                best = acc.doubleValue();
                bestTrial = id;
              }
            } catch (IOException | RuntimeException ignored) {
              // a progress file being replaced
            }
          }
          continue;
        }
        epochsDone += to - from; // nothing of the round is left for it
      }
      if (s == TrialStatus.STOPPED) {
        stopped++;
      } else if (s == TrialStatus.FAILED) {
        failed++;
      } else if (s != null) {
        done++;
      }
    }
    // a trial between its commit and the listing of progress files is briefly in neither
    epochsDone = Math.max(epochsDone, epochsShown);
    epochsShown = epochsDone;
    long totalEpochs = round.epochs();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    String eta = "?";
    if (epochsDone > 0) {
      double perEpoch = elapsed / epochsDone;
      eta = format(Duration.ofSeconds((long) (perEpoch * (totalEpochs - epochsDone))));
    }
    String bestSoFar = bestTrial == null ? "" : String.format("; best test acc %.4f (%s)", best, bestTrial);
    return String.format("trials %d/%d done, %s%d running, %d failed; %sepochs %d/%d%s; ETA %s%s",
        done, ids.size(), stopped == 0 ? "" : stopped + " stopped, ", active, failed,
        round.partial() ? "round " + round.number() + ": " : "", epochsDone, totalEpochs, bestSoFar, eta,
        round.partial() ? " this round" : "");
  }

  /** Higher accuracy wins; among equal ones the smaller trial id, so that the line does not depend on listing order. */
  private static boolean better(double acc, String id, double best, String bestTrial) {
    return bestTrial == null || acc > best || acc == best && id.compareTo(bestTrial) < 0;
  }

  private static String format(Duration d) {
    long s = d.getSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }

  private void emit(String line) {
    String stamped = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line;
    out.println(stamped);
    out.flush();
    appendToLog(stamped);
  }

  /** Prints a line (a sweep's summary) to the terminal and the log file. */
  void summary(String line) {
    out.println(line);
    out.flush();
    appendToLog(line);
  }

  private void appendToLog(String stamped) {
    if (logFile != null) {
      try {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
          w.write(stamped + System.lineSeparator());
        }
      } catch (IOException e) {
        // the terminal still has it
      }
    }
  }

  /** Wakes the polling thread for a last poll (its line shows the final counts if they changed) and waits for it. */
  void stop() {
    stopping.countDown();
    if (thread != null) {
      try {
        thread.join(STOP_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
