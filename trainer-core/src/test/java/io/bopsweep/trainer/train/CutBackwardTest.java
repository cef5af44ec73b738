package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.BN_MOMENTUM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bopsweep.trainer.TorchTest;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.model.Models;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Param;
import io.bopsweep.trainer.model.Pass;
import io.bopsweep.trainer.model.Pass.KernelView;
import io.bopsweep.trainer.optim.TrialOptimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The training step cut at every straight-through sign (backward segment by segment, the
 * estimator's gradient applied between segments) against one backward pass through the composite
 * estimator: bitwise the same losses, flip counts, weights and optimizer state.
 */
class CutBackwardTest extends TorchTest {

  record Trained(List<Float> losses, List<List<Long>> flips, Map<String, byte[]> arrays, int cuts) {}

  private static Trained train(TrialConfig cfg, int channels, int size, boolean cut) {
    int batch = 16;
    Random rnd = new Random(7);
    try (NDManager m = manager.newSubManager()) {
      Network net = Models.build(cfg, channels, size, 10, TrialOptimizer.kernelStart(cfg), m);
      TrialOptimizer optimizer = new TrialOptimizer(cfg, net, m, 3);
      Pass pass = new Pass(true, KernelView.BINARY, cfg.get(BN_MOMENTUM));
      List<Float> losses = new ArrayList<>();
      List<List<Long>> flips = new ArrayList<>();
      int cuts = 0;
      for (int step = 0; step < 3; step++) {
        float[] x = new float[batch * channels * size * size];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rnd.nextGaussian();
        }
        long[] y = new long[batch];
        for (int i = 0; i < batch; i++) {
          y[i] = rnd.nextInt(10);
        }
        NDArray xs = m.create(x, new Shape(batch, channels, size, size));
        if (step == 0) {
          List<Network.Cut> found = new ArrayList<>();
          net.forwardCut(xs, pass, found);
          cuts = found.size();
          optimizer.discardGradients();
        }
        TrainStep.Result r = TrainStep.run(net, optimizer, pass, xs, m.create(y), null, cut);
        losses.add(r.loss());
        flips.add(r.flips().stream().map(NDArray::getLong).toList());
      }
      Map<String, byte[]> arrays = new LinkedHashMap<>();
      for (Param p : net.params()) {
        arrays.put(p.name(), p.value().toByteArray());
      }
      optimizer.stateArrays().forEach((k, v) -> arrays.put(k, v.toByteArray()));
      net.state().forEach((k, v) -> arrays.put(k, v.toByteArray()));
      return new Trained(losses, flips, arrays, cuts);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"mlp, bop, 3", "mlp, adam-latent, 3", "binarynet, bop, 8", "binarynet, adam-latent, 8",
      "birealnet, bop, 0"})
  void cutAndCompositeBackwardGiveTheSameTraining(String model, String optimizer, int expectedCuts) {
    boolean mnist = model.equals("mlp");
    TrialConfig cfg = TrialConfig.of(Map.of("dataset", mnist ? "mnist" : "cifar10", "model", model,
        "optimizer", optimizer, "width", mnist ? 64.0 : 0.125));
    int channels = mnist ? 1 : 3;
    int size = mnist ? 28 : 32;
    Trained cut = train(cfg, channels, size, true);
    Trained composite = train(cfg, channels, size, false);
    assertEquals(expectedCuts, cut.cuts(), "straight-through signs cut in the network's own sequence");
    assertEquals(composite.losses(), cut.losses());
    assertEquals(composite.flips(), cut.flips(), "flips per binary kernel, in network order");
    assertEquals(composite.arrays().keySet(), cut.arrays().keySet());
    composite.arrays().forEach((name, bytes) -> assertArrayEquals(bytes, cut.arrays().get(name), name));
  }
}
