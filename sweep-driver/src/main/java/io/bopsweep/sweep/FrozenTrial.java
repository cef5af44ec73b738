package io.bopsweep.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bopsweep.store.ResultSchema;
import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.Provenance;
import io.bopsweep.trainer.train.TrialStatus;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One trial attempt, frozen: the one record of a trial that the result store writes when the attempt
 * ends and reads back (modelled on Optuna's FrozenTrial). Its trials row holds everything but the
 * epochs, its epochs file the epochs; a record read back has its epochs loaded only when asked
 * ({@link ResultStore#withEpochs}), and a record written reads back equal to itself. A sweep's task
 * returns the attempt it committed to the driver as this record, without its epochs.
 *
 * @param trialId the id it is stored under (ids of earlier versions may differ from {@link #currentId})
 * @param config every trial setting by its column name, as the setting columns hold it (null where
 *     the setting does not act on the trial)
 * @param configJson the config as stored (sorted-key JSON): what {@link #currentId} is computed from
 * @param swept the values of the keys the sweep varied for this trial, as JSON holds them
 * @param status how the attempt ended; null for a running attempt (its live epoch rows only)
 * @param error what a FAILED attempt threw, else null
 * @param startEpoch the epoch the attempt resumed after (0: from the start)
 * @param startedAt the attempt's start (to the millisecond, as stored)
 * @param finishedAt its end (to the millisecond, as stored)
 * @param provenance the machine and build that computed it; null for rows of schema version 1
 * @param metrics the final metrics, as the trials row holds them
 * @param epochs every epoch the attempt committed; null where not loaded
 */
public record FrozenTrial(
    String trialId,
    String sweep,
    Map<String, Object> config,
    String configJson,
    Map<String, Object> swept,
    TrialStatus status,
    String error,
    int attempt,
    int startEpoch,
    String codeVersion,
    String host,
    String device,
    Instant startedAt,
    Instant finishedAt,
    String dataVariant,
    Provenance provenance,
    FinalMetrics metrics,
    List<EpochRecord> epochs) implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public FrozenTrial {
    Objects.requireNonNull(trialId, "trialId");
    config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    Objects.requireNonNull(configJson, "configJson");
    swept = jsonValues(swept);
    startedAt = startedAt.truncatedTo(ChronoUnit.MILLIS);
    finishedAt = finishedAt.truncatedTo(ChronoUnit.MILLIS);
    Objects.requireNonNull(metrics, "metrics");
    epochs = epochs == null ? null : List.copyOf(epochs);
  }

  /**
   * What a trial's epochs end with, as its trials row keeps them; null where no epoch ran.
   *
   * @param bestEpoch the first epoch of the best test accuracy
   */
  public record FinalMetrics(int epochsDone, Double finalTrainAcc, Double finalTestAcc, Double finalTestLoss,
      Double bestTestAcc, Integer bestEpoch, Double finalPiLast) implements Serializable {

    /** The final metrics of these epochs. */
    public static FinalMetrics of(List<EpochRecord> epochs) {
      if (epochs.isEmpty()) {
        return new FinalMetrics(0, null, null, null, null, null, null);
      }
      EpochRecord last = epochs.get(epochs.size() - 1);
      EpochRecord best = epochs.stream().max((a, b) -> Double.compare(a.testAcc(), b.testAcc())).get();
      return new FinalMetrics(epochs.size(), last.trainAcc(), last.testAcc(), last.testLoss(), best.testAcc(),
          best.epoch(), last.piLast());
    }
  }

  /**
   * An attempt as it ends (or, with status null, runs): its config_json is written from its config and
   * its final metrics are those of its epochs.
   */
  public static FrozenTrial of(String trialId, String sweep, Map<String, Object> config, Map<String, Object> swept,
      TrialStatus status, String error, int attempt, int startEpoch, String codeVersion, String host, String device,
      Instant startedAt, Instant finishedAt, String dataVariant, List<EpochRecord> epochs, Provenance provenance) {
    return new FrozenTrial(trialId, sweep, config, configJson(config), swept, status, error, attempt, startEpoch,
        codeVersion, host, device, startedAt, finishedAt, dataVariant, provenance, FinalMetrics.of(epochs), epochs);
  }

  /** Seconds from start to end. */
  public double seconds() {
    return (finishedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
  }

  /** The id this version gives the stored config (rows stored under the id of an earlier version count for it). */
  public String currentId() {
    return TrialId.ofStoredConfig(configJson);
  }

  /** This record with its epochs loaded. */
  public FrozenTrial withEpochs(List<EpochRecord> loaded) {
    return new FrozenTrial(trialId, sweep, config, configJson, swept, status, error, attempt, startEpoch, codeVersion,
        host, device, startedAt, finishedAt, dataVariant, provenance, metrics, loaded);
  }

  /** This record without its epochs: as a reader that does not load them gets it. */
  public FrozenTrial withoutEpochs() {
    return withEpochs(null);
  }

  /** The trials row of this attempt, as {@link io.bopsweep.store.ResultRows} writes it. */
  public Map<String, Object> trialRow(ResultSchema schema) {
    Map<String, Object> row = commonColumns(schema);
    row.put("status", status == null ? null : status.name());
    row.put("error", error);
    row.put("start_epoch", startEpoch);
    row.put("epochs_done", metrics.epochsDone());
    row.put("seconds", seconds());
    row.put("final_train_acc", metrics.finalTrainAcc());
    row.put("final_test_acc", metrics.finalTestAcc());
    row.put("final_test_loss", metrics.finalTestLoss());
    row.put("best_test_acc", metrics.bestTestAcc());
    row.put("final_pi_last", metrics.finalPiLast());
    row.put("best_epoch", metrics.bestEpoch());
    row.put("swept", json(swept));
    row.put("config_json", configJson);
    return row;
  }

  /** The epochs rows of this attempt, one per epoch (its epochs must be loaded). */
  public List<Map<String, Object>> epochRows(ResultSchema schema) {
    Objects.requireNonNull(epochs, "the epochs of trial " + trialId + " are not loaded");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (EpochRecord e : epochs) {
      Map<String, Object> row = commonColumns(schema);
      row.put("epoch", e.epoch());
      row.put("steps", e.steps());
      row.put("train_loss", e.trainLoss());
      row.put("train_acc", e.trainAcc());
      row.put("test_loss", e.testLoss());
      row.put("test_acc", e.testAcc());
      row.put("val_loss", e.valLoss());
      row.put("val_acc", e.valAcc());
      row.put("latent_test_acc", e.latentTestAcc());
      row.put("latent_bn_test_acc", e.latentBnTestAcc());
      row.put("flips", e.flips());
      row.put("flip_ratio", e.flipRatio());
      row.put("layer_flips", e.layerFlips());
      row.put("layer_flip_ratio", e.layerFlipRatio());
      row.put("pi_last", e.piLast());
      row.put("epoch_gamma", e.gamma());
      row.put("epoch_lr", e.lr());
      row.put("train_seconds", e.trainSeconds());
      row.put("eval_seconds", e.evalSeconds());
      row.put("samples_per_sec", e.samplesPerSec());
      row.put("sign_hash", e.signHash());
      rows.add(row);
    }
    return rows;
  }

  /** The columns every row of this attempt starts with: the trial, where and when, provenance, settings. */
  private Map<String, Object> commonColumns(ResultSchema schema) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("trial_id", trialId);
    row.put("sweep", sweep);
    row.put("attempt", attempt);
    row.put("code_version", codeVersion);
    row.put("host", host);
    row.put("device", device);
    row.put("started_at", startedAt);
    row.put("finished_at", finishedAt);
    row.put("data_variant", dataVariant);
    if (provenance != null) {
      row.putAll(provenance.columns());
    }
    for (ResultSchema.Column s : schema.settings()) {
      row.put(s.name(), config.get(s.name()));
    }
    return row;
  }

  /** A trials row read back (a column its file lacks is null), epochs not loaded. */
  public static FrozenTrial fromTrialRow(Map<String, Object> row, ResultSchema schema) {
    Map<String, Object> config = new LinkedHashMap<>();
    for (ResultSchema.Column s : schema.settings()) {
      config.put(s.name(), row.get(s.name()));
    }
    String status = (String) row.get("status");
    if (status != null && java.util.Arrays.stream(TrialStatus.values()).noneMatch(v -> v.name().equals(status))) {
      throw new IllegalArgumentException("unknown trial status '" + status + "'");
    }
    FinalMetrics metrics = new FinalMetrics((Integer) row.get("epochs_done"), (Double) row.get("final_train_acc"),
        (Double) row.get("final_test_acc"), (Double) row.get("final_test_loss"), (Double) row.get("best_test_acc"),
        (Integer) row.get("best_epoch"), (Double) row.get("final_pi_last"));
    return new FrozenTrial((String) row.get("trial_id"), (String) row.get("sweep"), config,
        (String) row.get("config_json"), parse((String) row.get("swept")),
        status == null ? null : TrialStatus.valueOf(status), (String) row.get("error"), (Integer) row.get("attempt"),
        (Integer) row.get("start_epoch"), (String) row.get("code_version"), (String) row.get("host"),
        (String) row.get("device"), (Instant) row.get("started_at"), (Instant) row.get("finished_at"),
        (String) row.get("data_variant"), provenance(row), metrics, null);
  }

  /** An epochs row read back. */
  @SuppressWarnings("unchecked")
  public static EpochRecord epochOf(Map<String, Object> row) {
    Map<String, Long> flips = (Map<String, Long>) row.get("layer_flips");
    Map<String, Double> ratios = (Map<String, Double>) row.get("layer_flip_ratio");
    return new EpochRecord((Integer) row.get("epoch"), (Integer) row.get("steps"), (Double) row.get("train_loss"),
        (Double) row.get("train_acc"), (Double) row.get("test_loss"), (Double) row.get("test_acc"),
        (Double) row.get("val_loss"), (Double) row.get("val_acc"), (Double) row.get("latent_test_acc"),
        (Double) row.get("latent_bn_test_acc"), (Long) row.get("flips"), (Double) row.get("flip_ratio"),
        flips == null ? Map.of() : flips, ratios == null ? Map.of() : ratios, (Double) row.get("pi_last"),
        (Double) row.get("epoch_gamma"), (Double) row.get("epoch_lr"), (Double) row.get("train_seconds"),
        (Double) row.get("eval_seconds"), (Double) row.get("samples_per_sec"), (String) row.get("sign_hash"));
  }

  /** The provenance of a row; null where it has none (schema version 1). */
  private static Provenance provenance(Map<String, Object> row) {
    if (!(row.get("kernel_threads") instanceof Integer kernelThreads)
        || !(row.get("threads_per_trial") instanceof Integer threadsPerTrial)) {
      return null;
    }
    return new Provenance((String) row.get("cpu_model"), (String) row.get("vector_isa"), (String) row.get("kernel_path"),
        kernelThreads, threadsPerTrial, (String) row.get("libtorch_version"), (String) row.get("libtorch_flavor"),
        (String) row.get("djl_version"), (String) row.get("jvm_version"), (String) row.get("gpu_name"));
  }

  /** The config_json of a config: its settings as sorted-key JSON (nulls included). */
  static String configJson(Map<String, Object> config) {
    return json(new TreeMap<>(config));
  }

  private static String json(Map<String, Object> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-writable: " + m, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) {
    try {
      return JSON.readValue(json, LinkedHashMap.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a JSON object: " + json, e);
    }
  }

  /** The values as JSON reads them back: whole numbers as Integer (Long where they need it), decimals as Double. */
  private static Map<String, Object> jsonValues(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      Object value = v;
      if (v instanceof Long l && l == l.intValue() || v instanceof Short || v instanceof Byte) {
        value = ((Number) v).intValue();
      } else if (v instanceof Float f) {
        value = Double.valueOf(f.toString());
      }
      out.put(k, value);
    });
    return Collections.unmodifiableMap(out);
  }
}
