package io.bopsweep.sweep;

import io.bopsweep.trainer.train.EpochRecord;
import io.bopsweep.trainer.train.Provenance;
import io.bopsweep.trainer.train.TrialStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The frozen record of one finished trial attempt, as the result store keeps it: who ran it
 * where, how it ended, and every epoch.
 *
 * @param config the resolved config as plain values (TrialConfig#toMap)
 * @param swept the values of the keys the sweep varied for this trial
 * @param provenance the machine and build that computed it
 */
public record TrialResult(
    String trialId,
    String sweep,
    Map<String, Object> config,
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
    List<EpochRecord> epochs,
    Provenance provenance) {

  public TrialResult {
    epochs = List.copyOf(epochs);
  }

  public double seconds() {
    return (finishedAt.toEpochMilli() - startedAt.toEpochMilli()) / 1000.0;
  }
}
