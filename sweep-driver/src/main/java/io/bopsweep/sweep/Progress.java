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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Polls the store while a sweep runs and prints a line whenever an epoch or trial finishes:
 * trials done / running / failed, epochs done, the best test accuracy so far, ETA. Lines go to
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
  private final CountDownLatch stopping = new CountDownLatch(1);
  private Thread thread;
  private long epochsShown;

  public Progress(ResultStore store, PrintWriter out, Path logFile, long intervalMillis) {
    this.store = store;
    this.out = out;
    this.logFile = logFile;
    this.intervalMillis = intervalMillis;
  }

  void start(List<Trial> todo, int alreadyDone, int total) {
    Set<String> ids = todo.stream().map(Trial::id).collect(Collectors.toSet());
    Map<String, Integer> epochsOf = new HashMap<>();
    todo.forEach(t -> epochsOf.put(t.id(), t.config().get(EPOCHS)));
    long totalEpochs = epochsOf.values().stream().mapToLong(Integer::longValue).sum();
    long t0 = System.nanoTime();
    thread = new Thread(() -> {
      String last = "";
      boolean finalPoll = false;
      while (!finalPoll) {
        try {
          finalPoll = stopping.await(intervalMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          finalPoll = true;
        }
        String line;
        try {
          line = snapshot(ids, epochsOf, totalEpochs, alreadyDone, total, t0);
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

  String snapshot(Set<String> ids, Map<String, Integer> epochsOf, long totalEpochs, int alreadyDone, int total,
      long t0) {
    Map<String, ResultStore.CommittedTrial> committed = store.committedTrials();
    Map<String, String> running = store.progress();
    int done = 0;
    int stopped = 0;
    int failed = 0;
    long epochsDone = 0;
    double best = Double.NaN;
    String bestTrial = null;
    for (String id : ids) {
      ResultStore.CommittedTrial c = committed.get(id);
      if (c != null) {
        TrialStatus s = c.status();
        // a trial a scheduler stopped trained only up to its rung
        epochsDone += s == TrialStatus.STOPPED ? Math.min(c.epochsDone(), epochsOf.get(id)) : epochsOf.get(id);
        if (c.bestTestAcc() != null && better(c.bestTestAcc(), id, best, bestTrial)) {
          best = c.bestTestAcc();
          bestTrial = id;
        }
        if (s == TrialStatus.STOPPED) {
          stopped++;
        } else if (s != TrialStatus.FAILED) {
          done++;
        } else {
          failed++;
        }
      }
    }
    int active = 0;
    for (Map.Entry<String, String> e : running.entrySet()) {
      if (ids.contains(e.getKey()) && !committed.containsKey(e.getKey())) {
        active++;
        try {
          Map<?, ?> p = JSON.readValue(e.getValue(), Map.class);
          epochsDone += ((Number) p.get("epoch")).longValue();
          if (p.get("best_test_acc") instanceof Number acc && better(acc.doubleValue(), e.getKey(), best, bestTrial)) {
            best = acc.doubleValue();
            bestTrial = e.getKey();
          }
        } catch (IOException | RuntimeException ignored) {
          // a progress file being replaced
        }
      }
    }
    // a trial between its commit and the listing of progress files is briefly in neither
    epochsDone = Math.max(epochsDone, epochsShown);
    epochsShown = epochsDone;
    double elapsed = (System.nanoTime() - t0) / 1e9;
    String eta = "?";
    if (epochsDone > 0) {
      double perEpoch = elapsed / epochsDone;
      eta = format(Duration.ofSeconds((long) (perEpoch * (totalEpochs - epochsDone))));
    }
    String bestSoFar = bestTrial == null ? "" : String.format("; best test acc %.4f (%s)", best, bestTrial);
    return String.format("trials %d/%d done, %s%d running, %d failed; epochs %d/%d%s; ETA %s",
        alreadyDone + done, total, stopped == 0 ? "" : stopped + " stopped, ", active, failed, epochsDone, totalEpochs,
        bestSoFar, eta);
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
