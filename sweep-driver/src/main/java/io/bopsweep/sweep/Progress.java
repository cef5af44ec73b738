package io.bopsweep.sweep;

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
import java.util.stream.Collectors;

/**
 * Polls the store while a sweep runs and prints a line whenever an epoch or trial finishes:
 * trials done / running / failed, epochs done, ETA. Lines go to the terminal and, if given, a log file.
 */
public final class Progress {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ResultStore store;
  private final PrintWriter out;
  private final Path logFile;
  private final long intervalMillis;
  private Thread thread;
  private volatile boolean running;
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
    todo.forEach(t -> epochsOf.put(t.id(), t.config().epochs()));
    long totalEpochs = epochsOf.values().stream().mapToLong(Integer::longValue).sum();
    long t0 = System.nanoTime();
    running = true;
    thread = new Thread(() -> {
      String last = "";
      while (running) {
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          break;
        }
        String line = snapshot(ids, epochsOf, totalEpochs, alreadyDone, total, t0);
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
    Map<String, TrialStatus> committed = store.committed();
    Map<String, String> running = store.progress();
    int done = 0;
    int failed = 0;
    long epochsDone = 0;
    for (String id : ids) {
      TrialStatus s = committed.get(id);
      if (s != null) {
        epochsDone += epochsOf.get(id);
        if (s == TrialStatus.DONE || s == TrialStatus.DIVERGED) {
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
          epochsDone += ((Number) JSON.readValue(e.getValue(), Map.class).get("epoch")).longValue();
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
    return String.format("trials %d/%d done, %d running, %d failed; epochs %d/%d; ETA %s",
        alreadyDone + done, total, active, failed, epochsDone, totalEpochs, eta);
  }

  private static String format(Duration d) {
    long s = d.getSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }

  private void emit(String line) {
    String stamped = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line;
    out.println(stamped);
    out.flush();
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

  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
