package io.bopsweep.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bopsweep.trainer.config.Choices.BopStart;
import io.bopsweep.trainer.config.Choices.Dataset;
import io.bopsweep.trainer.config.Choices.FlipRule;
import io.bopsweep.trainer.config.Choices.Init;
import io.bopsweep.trainer.config.Choices.LatentDtype;
import io.bopsweep.trainer.config.Choices.Model;
import io.bopsweep.trainer.config.Choices.MomentumStart;
import io.bopsweep.trainer.config.Choices.Optimizer;
import io.bopsweep.trainer.config.Choices.Padding;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides what one trial computes: every stored row can be traced back to it.
 * Built only through {@link #of}, so every instance is complete and validated. Where the device or
 * thread count runs the trial is not part of it.
 */
public record TrialConfig(
    Dataset dataset,
    Model model,
    double width,
    Padding padding,
    boolean bnAffine,
    double bnMomentum,
    Optimizer optimizer,
    double gamma,
    double tau,
    FlipRule flipRule,
    MomentumStart momentumStart,
    BopStart bopStart,
    double adamLr,
    double lr,
    double lrScale,
    Init init,
    double initScale,
    boolean clip,
    LatentDtype latentDtype,
    boolean xavierLrScaling,
    Schedule gammaSchedule,
    Schedule lrSchedule,
    int epochs,
    int batchSize,
    long seed,
    boolean augment,
    int validationSplit,
    boolean evalLatent,
    int trainLimit,
    int testLimit) {

  private static final ObjectMapper CANONICAL_JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /** Resolves defaults and validates; unknown keys and bad values throw {@link ConfigException}. */
  public static TrialConfig of(Map<String, ?> raw) {
    Map<String, Object> r = Settings.resolve(raw);
    return new TrialConfig(
        (Dataset) r.get("dataset"),
        (Model) r.get("model"),
        (Double) r.get("width"),
        (Padding) r.get("padding"),
        (Boolean) r.get("bn_affine"),
        (Double) r.get("bn_momentum"),
        (Optimizer) r.get("optimizer"),
        (Double) r.get("gamma"),
        (Double) r.get("tau"),
        (FlipRule) r.get("flip_rule"),
        (MomentumStart) r.get("momentum_start"),
        (BopStart) r.get("bop_start"),
        (Double) r.get("adam_lr"),
        (Double) r.get("lr"),
        (Double) r.get("lr_scale"),
        (Init) r.get("init"),
        (Double) r.get("init_scale"),
        (Boolean) r.get("clip"),
        (LatentDtype) r.get("latent_dtype"),
        (Boolean) r.get("xavier_lr_scaling"),
        (Schedule) r.get("gamma_schedule"),
        (Schedule) r.get("lr_schedule"),
        (Integer) r.get("epochs"),
        (Integer) r.get("batch_size"),
        (Long) r.get("seed"),
        (Boolean) r.get("augment"),
        (Integer) r.get("validation_split"),
        (Boolean) r.get("eval_latent"),
        (Integer) r.get("train_limit"),
        (Integer) r.get("test_limit"));
  }

  /** Every setting by its snake_case name, in declaration order, as plain values (strings, numbers, booleans). */
  public Map<String, Object> toMap() {
    Object[] values = {
      dataset, model, width, padding, bnAffine, bnMomentum, optimizer, gamma, tau, flipRule,
      momentumStart, bopStart, adamLr, lr, lrScale, init, initScale, clip, latentDtype, xavierLrScaling,
      gammaSchedule, lrSchedule, epochs, batchSize, seed, augment, validationSplit, evalLatent,
      trainLimit, testLimit
    };
    Map<String, Object> m = new LinkedHashMap<>();
    int i = 0;
    for (Settings.Setting s : Settings.all()) {
      m.put(s.name(), Settings.plain(values[i++]));
    }
    return Collections.unmodifiableMap(m);
  }

  /** This config with some settings changed (re-resolved, so dependent defaults do not follow). */
  public TrialConfig with(Map<String, ?> changes) {
    Map<String, Object> m = new LinkedHashMap<>(toMap());
    m.putAll(changes);
    return of(m);
  }

  public TrialConfig with(String key, Object value) {
    return with(Collections.singletonMap(key, value));
  }

  /** Sorted-key JSON of {@link #toMap()}: the text a trial id hashes. */
  public String canonicalJson() {
    try {
      return CANONICAL_JSON.writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This config with every setting that does not act on it at its default (see {@link Settings}). */
  public TrialConfig normalized() {
    Map<String, Object> plain = new LinkedHashMap<>();
    Settings.normalize(Settings.all(), Settings.resolve(toMap())).forEach((k, v) -> plain.put(k, Settings.plain(v)));
    return of(plain);
  }

  /** The names of the settings that do not act on this trial. */
  public java.util.Set<String> notApplying() {
    return Settings.notApplying(Settings.all(), Settings.resolve(toMap()));
  }

  /** Sorted-key JSON of {@link Settings#identity}: the text a trial id hashes. */
  public String identityJson() {
    try {
      return CANONICAL_JSON.writeValueAsString(Settings.identity(Settings.all(), Settings.resolve(toMap())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #toMap()} with the settings that do not act on this trial as null: what the store records. */
  public Map<String, Object> effectiveMap() {
    Map<String, Object> m = new LinkedHashMap<>(toMap());
    notApplying().forEach(name -> m.put(name, null));
    return Collections.unmodifiableMap(m);
  }

  /** Reads {@link #canonicalJson} (or a stored config_json, whose null settings take their defaults). */
  public static TrialConfig fromCanonicalJson(String json) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = CANONICAL_JSON.readValue(json, Map.class);
      return of(m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a trial config: " + e.getOriginalMessage(), e);
    }
  }
}
