package io.bopsweep.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Splits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Theorem 1 of the paper: latent-weight SGD without clipping, with the learning rate and the
 * initialization both scaled by c, produces the same binary weights at every step.
 */
class Theorem1Test {
  static final int STEPS = 50;

  /** Records the signs of every binary kernel after each step (one step per epoch here). */
  static final class SignRecorder implements CheckpointStore {
    final List<String> signsPerStep = new ArrayList<>();

    @Override public Optional<Checkpoint> load() { return Optional.empty(); }
    @Override public void clear() {}

    @Override
    public void save(Checkpoint checkpoint) {
      StringBuilder sb = new StringBuilder();
      checkpoint.arrays().forEach((name, t) -> {
        if (name.endsWith(".kernel")) {
          ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.nativeOrder());
          int n = t.data().length / 4;
          for (int i = 0; i < n; i++) {
            float w = b.getFloat(i * 4);
            if (w != 1f && w != -1f) {
              throw new AssertionError(name + " holds " + w + ", not a binary weight");
            }
            sb.append(w > 0 ? '+' : '-');
          }
        }
      });
      signsPerStep.add(sb.toString());
    }
  }

  private static List<String> run(double lrScale, double initScale, boolean clip) {
    TrialConfig cfg = TestData.config(
        "model", "mlp", "width", 64, "optimizer", "sgd-latent", "lr", 0.5, "lr_scale", lrScale,
        "init_scale", initScale, "clip", clip, "latent_dtype", "float64", "epochs", STEPS, "batch_size", 50,
        "train_limit", 50, "test_limit", 50, "seed", 7);
    Splits data = TestData.syntheticSplits(cfg, 50, 50);
    SignRecorder recorder = new SignRecorder();
    TrialOutcome outcome = TrialRunner.run(cfg, data, TrialRunner.Options.defaults().withCheckpoints(recorder));
    assertEquals(TrialStatus.DONE, outcome.status(), outcome.error());
    assertEquals(STEPS, recorder.signsPerStep.size());
    return recorder.signsPerStep;
  }

  @Test
  void scalingLearningRateAndInitTogetherGivesTheSameBinaryWeightsAtEveryStep() {
    List<String> base = run(1, 1, false);
    long flips = 0;
    for (int s = 1; s < base.size(); s++) {
      for (int i = 0; i < base.get(s).length(); i++) {
        flips += base.get(s).charAt(i) != base.get(s - 1).charAt(i) ? 1 : 0;
      }
    }
    assertTrue(flips > 100, "the test needs weights that flip; saw " + flips);
    for (double c : new double[] {0.01, 100}) {
      List<String> scaled = run(c, c, false);
      for (int s = 0; s < STEPS; s++) {
        assertEquals(base.get(s), scaled.get(s), "binary weights differ at step " + (s + 1) + " for c = " + c);
      }
    }
  }

  @Test
  void scalingOnlyTheInitOrClippingBreaksTheEquivalence() {
    List<String> base = run(1, 1, false);
    assertNotEquals(base, run(1, 100, false), "init x 100 alone must change the trajectory (inertia)");
    assertNotEquals(run(1, 1, true), run(100, 100, true), "clipping to [-1, 1] breaks the scale equivalence");
  }
}
