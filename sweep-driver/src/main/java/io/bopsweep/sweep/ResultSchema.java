package io.bopsweep.sweep;

import io.bopsweep.trainer.config.Settings;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The two tables of the result store. Every row carries the trial id, the attempt, where and when it
 * ran, and the trial's config as columns (named as the settings; null where a setting does not act
 * on the trial, see {@link Settings}). Per-epoch values that share
 * a setting's name are prefixed: {@code epoch_gamma}, {@code epoch_lr}.
 */
public final class ResultSchema {
  /**
   * Bumped when columns are added or change meaning or type. Readers read every version up to
   * theirs (a column a file lacks reads as null) and refuse newer stores. Version 2: settings that
   * do not act on a trial are null; the provenance columns.
   */
  public static final int VERSION = io.bopsweep.store.StoreFormat.VERSION;

  private ResultSchema() {}

  static Types.MessageTypeBuilder common(Types.MessageTypeBuilder b) {
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("trial_id");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("sweep");
    b.required(PrimitiveTypeName.INT32).named("attempt");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("code_version");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("host");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("device");
    b.required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named("started_at");
    b.required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named("finished_at");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("data_variant");
    for (String c : io.bopsweep.store.StoreFormat.PROVENANCE_STRINGS) {
      b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
    }
    for (String c : io.bopsweep.store.StoreFormat.PROVENANCE_INTS) {
      b.optional(PrimitiveTypeName.INT32).named(c);
    }
    for (Settings.Setting s : Settings.all()) {
      switch (s.type()) {
        case INT:
          b.optional(PrimitiveTypeName.INT32).named(s.name());
          break;
        case LONG:
          b.optional(PrimitiveTypeName.INT64).named(s.name());
          break;
        case DOUBLE:
          b.optional(PrimitiveTypeName.DOUBLE).named(s.name());
          break;
        case BOOL:
          b.optional(PrimitiveTypeName.BOOLEAN).named(s.name());
          break;
        default:
          b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(s.name());
      }
    }
    return b;
  }

  public static MessageType epochs() {
    Types.MessageTypeBuilder b = common(Types.buildMessage());
    b.required(PrimitiveTypeName.INT32).named("epoch");
    b.required(PrimitiveTypeName.INT32).named("steps");
    for (String c : new String[] {"train_loss", "train_acc", "test_loss", "test_acc"}) {
      b.required(PrimitiveTypeName.DOUBLE).named(c);
    }
    for (String c : new String[] {"val_loss", "val_acc", "latent_test_acc", "latent_bn_test_acc"}) {
      b.optional(PrimitiveTypeName.DOUBLE).named(c);
    }
    b.required(PrimitiveTypeName.INT64).named("flips");
    b.required(PrimitiveTypeName.DOUBLE).named("flip_ratio");
    b.addField(map("layer_flips", PrimitiveTypeName.INT64));
    b.addField(map("layer_flip_ratio", PrimitiveTypeName.DOUBLE));
    b.required(PrimitiveTypeName.DOUBLE).named("pi_last");
    b.optional(PrimitiveTypeName.DOUBLE).named("epoch_gamma");
    b.required(PrimitiveTypeName.DOUBLE).named("epoch_lr");
    b.required(PrimitiveTypeName.DOUBLE).named("train_seconds");
    b.required(PrimitiveTypeName.DOUBLE).named("eval_seconds");
    b.required(PrimitiveTypeName.DOUBLE).named("samples_per_sec");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("sign_hash");
    return b.named("epochs");
  }

  public static MessageType trials() {
    Types.MessageTypeBuilder b = common(Types.buildMessage());
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("status");
    b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("error");
    b.required(PrimitiveTypeName.INT32).named("start_epoch");
    b.required(PrimitiveTypeName.INT32).named("epochs_done");
    b.required(PrimitiveTypeName.DOUBLE).named("seconds");
    for (String c : new String[] {"final_train_acc", "final_test_acc", "final_test_loss", "best_test_acc",
        "final_pi_last"}) {
      b.optional(PrimitiveTypeName.DOUBLE).named(c);
    }
    b.optional(PrimitiveTypeName.INT32).named("best_epoch");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("swept");
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("config_json");
    return b.named("trials");
  }

  private static org.apache.parquet.schema.GroupType map(String name, PrimitiveTypeName valueType) {
    return Types.optionalMap()
        .key(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
        .optionalValue(valueType)
        .named(name);
  }
}
