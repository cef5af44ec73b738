package io.bopsweep.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The columns of the two Parquet tables of a store, {@code trials/} and {@code epochs/} (and
 * {@code _live/}, which holds epochs rows). Every row carries the trial id, the sweep, the attempt,
 * where and when it ran ({@link #COMMON}), its provenance ({@link StoreFormat#PROVENANCE_STRINGS},
 * {@link StoreFormat#PROVENANCE_INTS}) and every trial setting as a column (null where a setting does
 * not act on the trial); then the epochs columns ({@link #EPOCH}) or the trials columns
 * ({@link #TRIAL}). Per-epoch values that share a setting's name are prefixed: {@code epoch_gamma},
 * {@code epoch_lr}.
 *
 * <p>The settings are the trainer's and come in as a parameter ({@link Column}s, in the order the
 * trainer declares them), so that this module needs no trainer. Schema versions: see
 * {@link StoreFormat}. {@link ResultRows} writes rows of these schemas and reads them back.
 */
public final class ResultSchema {
  /** Bumped when columns are added or change meaning or type (see {@link StoreFormat#VERSION}). */
  public static final int VERSION = StoreFormat.VERSION;

  /** What a column holds; maps hold a string key to a value of their {@code valueType}. */
  public enum ColumnType { STRING, INT, LONG, DOUBLE, BOOL, TIMESTAMP, MAP_TO_LONG, MAP_TO_DOUBLE }

  /**
   * One column.
   *
   * @param required false: the column may be null (settings and provenance always may)
   */
  public record Column(String name, ColumnType type, boolean required) {
    /** A nullable column, as settings are. */
    public static Column optional(String name, ColumnType type) {
      return new Column(name, type, false);
    }

    static Column required(String name, ColumnType type) {
      return new Column(name, type, true);
    }
  }

  /** The first columns of every trials and epochs row: the trial, the attempt, where and when. */
  public static final List<Column> COMMON = List.of(
      Column.required("trial_id", ColumnType.STRING),
      Column.required("sweep", ColumnType.STRING),
      Column.required("attempt", ColumnType.INT),
      Column.required("code_version", ColumnType.STRING),
      Column.required("host", ColumnType.STRING),
      Column.required("device", ColumnType.STRING),
      Column.required("started_at", ColumnType.TIMESTAMP),
      Column.required("finished_at", ColumnType.TIMESTAMP),
      Column.required("data_variant", ColumnType.STRING));

  /** The provenance columns (version 2), after {@link #COMMON}. */
  public static final List<Column> PROVENANCE = provenance();

  /** The columns of an epochs row after the settings: what one epoch measured. */
  public static final List<Column> EPOCH = List.of(
      Column.required("epoch", ColumnType.INT),
      Column.required("steps", ColumnType.INT),
      Column.required("train_loss", ColumnType.DOUBLE),
      Column.required("train_acc", ColumnType.DOUBLE),
      Column.required("test_loss", ColumnType.DOUBLE),
      Column.required("test_acc", ColumnType.DOUBLE),
      Column.optional("val_loss", ColumnType.DOUBLE),
      Column.optional("val_acc", ColumnType.DOUBLE),
      Column.optional("latent_test_acc", ColumnType.DOUBLE),
      Column.optional("latent_bn_test_acc", ColumnType.DOUBLE),
      Column.required("flips", ColumnType.LONG),
      Column.required("flip_ratio", ColumnType.DOUBLE),
      Column.optional("layer_flips", ColumnType.MAP_TO_LONG),
      Column.optional("layer_flip_ratio", ColumnType.MAP_TO_DOUBLE),
      Column.required("pi_last", ColumnType.DOUBLE),
      Column.optional("epoch_gamma", ColumnType.DOUBLE),
      Column.required("epoch_lr", ColumnType.DOUBLE),
      Column.required("train_seconds", ColumnType.DOUBLE),
      Column.required("eval_seconds", ColumnType.DOUBLE),
      Column.required("samples_per_sec", ColumnType.DOUBLE),
      Column.required("sign_hash", ColumnType.STRING));

  /** The columns of a trials row after the settings: how the attempt ended, its final metrics, its config. */
  public static final List<Column> TRIAL = List.of(
      Column.required("status", ColumnType.STRING),
      Column.optional("error", ColumnType.STRING),
      Column.required("start_epoch", ColumnType.INT),
      Column.required("epochs_done", ColumnType.INT),
      Column.required("seconds", ColumnType.DOUBLE),
      Column.optional("final_train_acc", ColumnType.DOUBLE),
      Column.optional("final_test_acc", ColumnType.DOUBLE),
      Column.optional("final_test_loss", ColumnType.DOUBLE),
      Column.optional("best_test_acc", ColumnType.DOUBLE),
      Column.optional("final_pi_last", ColumnType.DOUBLE),
      Column.optional("best_epoch", ColumnType.INT),
      Column.required("swept", ColumnType.STRING),
      Column.required("config_json", ColumnType.STRING));

  private final List<Column> settings;
  private final MessageType epochs;
  private final MessageType trials;

  /**
   * The schema of a store whose trials have these settings.
   *
   * @param settings one nullable column per trial setting (a required one is refused), in declaration order
   * @throws IllegalArgumentException for a setting named like a fixed column, or named twice
   */
  public ResultSchema(List<Column> settings) {
    this.settings = List.copyOf(settings);
    Set<String> names = new LinkedHashSet<>();
    for (Column c : concat(COMMON, PROVENANCE, EPOCH, TRIAL)) {
      names.add(c.name());
    }
    for (Column s : this.settings) {
      if (s.required() || s.type() == ColumnType.MAP_TO_LONG || s.type() == ColumnType.MAP_TO_DOUBLE) {
        throw new IllegalArgumentException("setting column " + s.name() + ": settings are nullable plain values");
      }
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("setting column " + s.name() + ": the name of another column");
      }
    }
    this.epochs = message("epochs", concat(COMMON, PROVENANCE, this.settings, EPOCH));
    this.trials = message("trials", concat(COMMON, PROVENANCE, this.settings, TRIAL));
  }

  /** The settings' columns, in order. */
  public List<Column> settings() {
    return settings;
  }

  /** The schema of {@code epochs/} and {@code _live/} files. */
  public MessageType epochs() {
    return epochs;
  }

  /** The schema of {@code trials/} files. */
  public MessageType trials() {
    return trials;
  }

  @SafeVarargs
  private static List<Column> concat(List<Column>... parts) {
    List<Column> out = new ArrayList<>();
    for (List<Column> p : parts) {
      out.addAll(p);
    }
    return out;
  }

  private static List<Column> provenance() {
    List<Column> out = new ArrayList<>();
    StoreFormat.PROVENANCE_STRINGS.forEach(c -> out.add(Column.optional(c, ColumnType.STRING)));
    StoreFormat.PROVENANCE_INTS.forEach(c -> out.add(Column.optional(c, ColumnType.INT)));
    return List.copyOf(out);
  }

  private static MessageType message(String name, List<Column> columns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : columns) {
      switch (c.type()) {
        case MAP_TO_LONG -> b.addField(map(c.name(), PrimitiveTypeName.INT64));
        case MAP_TO_DOUBLE -> b.addField(map(c.name(), PrimitiveTypeName.DOUBLE));
        default -> primitive(b, c);
      }
    }
    return b.named(name);
  }

  private static void primitive(Types.MessageTypeBuilder b, Column c) {
    var field = c.required() ? b.required(typeName(c.type())) : b.optional(typeName(c.type()));
    switch (c.type()) {
      case STRING -> field.as(LogicalTypeAnnotation.stringType()).named(c.name());
      case TIMESTAMP -> field.as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
          .named(c.name());
      default -> field.named(c.name());
    }
  }

  private static PrimitiveTypeName typeName(ColumnType t) {
    return switch (t) {
      case STRING -> PrimitiveTypeName.BINARY;
      case INT -> PrimitiveTypeName.INT32;
      case LONG, TIMESTAMP -> PrimitiveTypeName.INT64;
      case DOUBLE -> PrimitiveTypeName.DOUBLE;
      case BOOL -> PrimitiveTypeName.BOOLEAN;
      case MAP_TO_LONG, MAP_TO_DOUBLE -> throw new IllegalArgumentException("a map is not a primitive column");
    };
  }

  private static GroupType map(String name, PrimitiveTypeName valueType) {
    return Types.optionalMap()
        .key(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
        .optionalValue(valueType)
        .named(name);
  }
}
