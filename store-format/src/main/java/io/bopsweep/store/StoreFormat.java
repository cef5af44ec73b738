package io.bopsweep.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The results store contract, one place for every writer and reader (sweep-driver writes, analysis
 * and the dashboard read):
 *
 * <pre>
 * STORE.json                         format marker and schema version
 * epochs/TRIAL_ID.parquet            one file per trial: its epoch rows
 * trials/TRIAL_ID.parquet            one file per trial: its summary row (the commit point)
 * _checkpoints/TRIAL_ID/             epoch checkpoint and progress of a running trial
 * _attempts/TRIAL_ID/N.json          one record per attempt that started
 * _manifests/SWEEP/TIME-HASH.json    one record per sweep run: spec text and hash, its trial ids
 * _staging/                          files being written
 * trials/pack.K.parquet, epochs/pack.K.parquet   committed trials merged by store compact ({@link StorePacks})
 * _compaction/pack.K.json            the record of a compaction in progress
 * </pre>
 *
 * The columns of the Parquet tables are {@link ResultSchema}, their rows are written and read back
 * by {@link ResultRows}, and the views over them are {@code sql/views.sql} of this module. Schema versions:
 * 1 (the first); 2 adds the provenance columns and stores settings that do not act on a trial as
 * null. Readers read every version up to {@link #VERSION} (a column a file lacks reads as null)
 * and refuse newer stores.
 */
public final class StoreFormat {
  private StoreFormat() {}

  public static final String MARKER = "STORE.json";
  public static final String FORMAT = "bopsweep-results";
  public static final int VERSION = 2;
  public static final String TRIALS = "trials";
  public static final String EPOCHS = "epochs";
  public static final String CHECKPOINTS = "_checkpoints";
  public static final String ATTEMPTS = "_attempts";
  public static final String MANIFESTS = "_manifests";
  public static final String STAGING = "_staging";

  /** Provenance columns (version 2) of every trial and epoch row: strings, then integers. */
  public static final List<String> PROVENANCE_STRINGS = List.of("cpu_model", "vector_isa", "kernel_path",
      "libtorch_version", "libtorch_flavor", "djl_version", "jvm_version", "gpu_name");
  public static final List<String> PROVENANCE_INTS = List.of("kernel_threads", "threads_per_trial");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MANIFEST_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  /** The marker's text for this version. */
  public static byte[] marker() {
    try {
      return JSON.writeValueAsBytes(Map.of("format", FORMAT, "schema_version", VERSION));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the marker of the store at root and returns its schema version.
   *
   * @throws StoreFormatException (one line, naming {@code uri}) for another format or a version this one cannot read
   */
  public static int checkMarker(FileSystem fs, Path root, String uri) throws IOException {
    Path marker = new Path(root, MARKER);
    Map<?, ?> m;
    try (InputStream in = fs.open(marker)) {
      m = JSON.readValue(in, Map.class);
    } catch (JsonProcessingException e) {
      throw new StoreFormatException(marker + ": unreadable store marker");
    }
    if (!FORMAT.equals(m.get("format"))) {
      throw new StoreFormatException(marker + ": not a bopsweep results store (format " + m.get("format") + ")");
    }
    Object v = m.get("schema_version");
    if (!(v instanceof Integer i) || i < 1) {
      throw new StoreFormatException(uri + ": written with result schema version " + v
          + ", which this bopsweep cannot read");
    }
    if (i > VERSION) {
      throw new StoreFormatException(uri + ": written with result schema version " + v + " by a newer bopsweep;"
          + " this one reads versions up to " + VERSION);
    }
    return i;
  }

  /** The trials file of a trial: its trials row, the commit point. */
  public static Path trialsFile(Path root, String trialId) {
    return new Path(root, TRIALS + "/" + trialId + ".parquet");
  }

  /** The epochs file of a trial: the epochs rows of its committed attempt (or of a killed one, before a trials row). */
  public static Path epochsFile(Path root, String trialId) {
    return new Path(root, EPOCHS + "/" + trialId + ".parquet");
  }

  /** Every attempt record of a trial, oldest first. */
  public static List<Map<String, Object>> attempts(FileSystem fs, Path root, String trialId) throws IOException {
    Path dir = new Path(root, ATTEMPTS + "/" + trialId);
    List<Map<String, Object>> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    List<FileStatus> files = new ArrayList<>(List.of(fs.listStatus(dir, p -> p.getName().endsWith(".json"))));
    files.sort((a, b) -> Integer.compare(number(a), number(b)));
    for (FileStatus f : files) {
      try (InputStream in = fs.open(f.getPath())) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.readValue(in, Map.class);
        out.add(m);
      }
    }
    return out;
  }

  private static int number(FileStatus f) {
    return Integer.parseInt(f.getPath().getName().replace(".json", ""));
  }

  /** Writes a manifest under a temporary name and renames it: a reader sees all of it or nothing. */
  public static Path writeManifest(FileSystem fs, Path root, SweepManifest m) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("sweep", m.sweep());
    json.put("spec_sha256", m.specSha256());
    json.put("trial_ids", m.trialIds());
    json.put("code_version", m.codeVersion());
    json.put("written_at", m.writtenAt().toString());
    json.put("spec_text", m.specText());
    Path file = new Path(root, MANIFESTS + "/" + m.sweep() + "/" + MANIFEST_TIME.format(m.writtenAt()) + "-"
        + m.specSha256().substring(0, 8) + ".json");
    fs.mkdirs(file.getParent());
    Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }
    if (!fs.rename(tmp, file)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + file);
    }
    return file;
  }

  /** The manifests of a sweep, oldest first (their names sort by time). */
  public static List<SweepManifest> manifests(FileSystem fs, Path root, String sweep) throws IOException {
    List<SweepManifest> out = new ArrayList<>();
    Path dir = new Path(root, MANIFESTS + "/" + sweep);
    if (!fs.exists(dir)) {
      return out;
    }
    List<FileStatus> files = new ArrayList<>(List.of(fs.listStatus(dir, p -> p.getName().endsWith(".json")
        && !p.getName().startsWith("."))));
    files.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus f : files) {
      out.add(readManifest(fs, f.getPath()));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static SweepManifest readManifest(FileSystem fs, Path file) throws IOException {
    Map<String, Object> m;
    try (InputStream in = fs.open(file)) {
      m = JSON.readValue(in, Map.class);
    } catch (JsonProcessingException e) {
      throw new StoreFormatException(file + ": unreadable manifest");
    }
    if (!(m.get("sweep") instanceof String sweep) || !(m.get("trial_ids") instanceof List<?> ids)
        || !(m.get("spec_text") instanceof String text) || !(m.get("written_at") instanceof String at)) {
      throw new StoreFormatException(file + ": not a sweep manifest (needs sweep, spec_text, trial_ids, written_at)");
    }
    return new SweepManifest(sweep, text, String.valueOf(m.get("spec_sha256")),
        ids.stream().map(String::valueOf).toList(), String.valueOf(m.get("code_version")), Instant.parse(at));
  }
}
