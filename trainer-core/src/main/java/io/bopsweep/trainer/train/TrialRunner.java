package io.bopsweep.trainer.train;

import static io.bopsweep.trainer.config.Settings.AUGMENT;
import static io.bopsweep.trainer.config.Settings.BATCH_SIZE;
import static io.bopsweep.trainer.config.Settings.BN_MOMENTUM;
import static io.bopsweep.trainer.config.Settings.EPOCHS;
import static io.bopsweep.trainer.config.Settings.EVAL_LATENT;
import static io.bopsweep.trainer.config.Settings.MODEL;
import static io.bopsweep.trainer.config.Settings.SEED;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.bopsweep.trainer.config.Seeds;
import io.bopsweep.trainer.config.TrialConfig;
import io.bopsweep.trainer.data.Batches;
import io.bopsweep.trainer.data.Images;
import io.bopsweep.trainer.data.Splits;
import io.bopsweep.trainer.model.BatchNormLayer;
import io.bopsweep.trainer.model.Models;
import io.bopsweep.trainer.model.Network;
import io.bopsweep.trainer.model.Param;
import io.bopsweep.trainer.model.Pass;
import io.bopsweep.trainer.model.Pass.KernelView;
import io.bopsweep.trainer.optim.TrialOptimizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** Runs one trial: builds the model, trains its epochs, evaluates, checkpoints, reports. */
public final class TrialRunner {

  /**
   * How (not what) to run.
   *
   * @param device "cpu", "gpu", "gpu:N"
   * @param threads libtorch intra-op threads (0: leave as is)
   * @param evalBatch images per evaluation chunk (0: by model)
   */
  public record Options(String device, int threads, CheckpointStore checkpoints, TrainingListener listener,
      int evalBatch) {

    public static Options defaults() {
      return new Options("cpu", 0, CheckpointStore.NONE, TrainingListener.NONE, 0);
    }

    public Options withCheckpoints(CheckpointStore store) {
      return new Options(device, threads, store, listener, evalBatch);
    }

    public Options withListener(TrainingListener l) {
      return new Options(device, threads, checkpoints, l, evalBatch);
    }

    public Options withDevice(String d, int t) {
      return new Options(d, t, checkpoints, listener, evalBatch);
    }
  }

  private TrialRunner() {}

  /** Never throws for a failure of the training itself: that is a FAILED outcome. */
  public static TrialOutcome run(TrialConfig cfg, Splits data, Options options) {
    long t0 = System.nanoTime();
    List<EpochRecord> records = new ArrayList<>();
    int[] start = {0};
    TrialOutcome outcome;
    try {
      outcome = train(cfg, data, options, records, start, t0);
    } catch (RuntimeException | IOException | OutOfMemoryError e) {
      String msg = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      outcome = new TrialOutcome(TrialStatus.FAILED, records, data.variant(), start[0], msg, seconds(t0));
    }
    options.listener().onTrialEnd(cfg, outcome);
    return outcome;
  }

  private static TrialOutcome train(TrialConfig cfg, Splits data, Options options, List<EpochRecord> records,
      int[] start, long t0) throws IOException {
    TorchRuntime.enter(options.threads());
    Device device = TorchRuntime.device(options.device());
    Images train = data.train();
    int batch = cfg.get(BATCH_SIZE);
    int stepsPerEpoch = train.size() / batch;
    if (stepsPerEpoch == 0) {
      throw new IllegalArgumentException("batch_size " + batch + " exceeds the " + train.size() + " training images");
    }
    try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
      Network net = Models.build(cfg, train.channels(), train.height(), train.classes(),
          TrialOptimizer.kernelStart(cfg), manager);
      TrialOptimizer optimizer = new TrialOptimizer(cfg, net, manager, stepsPerEpoch);
      long globalStep = 0;
      Optional<Checkpoint> saved = options.checkpoints().load();
      if (saved.isPresent()) {
        Checkpoint ck = saved.get();
        if (!ck.configJson().equals(cfg.canonicalJson())) {
          throw new IllegalStateException("checkpoint belongs to another trial config; refusing to resume");
        }
        restore(ck, net, optimizer);
        records.addAll(ck.records());
        globalStep = ck.globalStep();
        optimizer.restore(ck.counters(), globalStep);
      }
      start[0] = records.size();
      options.listener().onTrialStart(cfg, start[0]);
      if (!records.isEmpty() && records.size() < cfg.get(EPOCHS)
          && options.listener().stopAfter(cfg, records.get(records.size() - 1))) {
        // the checkpoint already reaches where the listener stops (a rerun of a task that was killed
        // between that epoch's checkpoint and its commit): no epoch past it is trained
        return new TrialOutcome(TrialStatus.STOPPED, records, data.variant(), start[0],
            "stopped after epoch " + records.size(), seconds(t0));
      }
      KernelView view = KernelView.BINARY;
      Pass trainPass = new Pass(true, view, cfg.get(BN_MOMENTUM));
      Shape batchShape = new Shape(batch, train.channels(), train.height(), train.width());
      float[] buffer = new float[batch * train.imageFloats()];
      long[] labels = new long[batch];
      List<Param> kernels = net.binaryKernels();
      long[] kernelSizes = kernels.stream().mapToLong(Param::size).toArray();
      boolean hasLatentWeights = kernels.stream().anyMatch(p -> p.latent() != null);
      int evalBatch = options.evalBatch() > 0 ? options.evalBatch() : defaultEvalBatch(cfg);

      for (int epoch = start[0]; epoch < cfg.get(EPOCHS); epoch++) {
        long te = System.nanoTime();
        int[] order =
            Batches.shuffled(train.size(), new SplittableRandom(Seeds.stream(cfg.get(SEED), Seeds.SHUFFLE, epoch)));
        SplittableRandom augment =
            cfg.get(AUGMENT) ? new SplittableRandom(Seeds.stream(cfg.get(SEED), Seeds.AUGMENT, epoch)) : null;
        Map<String, Double> scheduledAtStart = optimizer.scheduled();
        double lossSum = 0;
        long correct = 0;
        long[] layerFlips = new long[kernels.size()];
        for (int s = 0; s < stepsPerEpoch; s++) {
          try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            train.fill(order, s * batch, batch, buffer, augment);
            for (int k = 0; k < batch; k++) {
              labels[k] = train.label(order[s * batch + k]);
            }
            NDArray x = manager.create(buffer, batchShape);
            NDArray y = manager.create(labels);
            TrainStep.Result r = TrainStep.run(net, optimizer, trainPass, x, y, null);
            if (!Float.isFinite(r.loss())) {
              return new TrialOutcome(TrialStatus.DIVERGED, records, data.variant(), start[0],
                  "loss became " + r.loss() + " at epoch " + (epoch + 1) + ", step " + (s + 1), seconds(t0));
            }
            lossSum += r.loss();
            correct += r.correct().getLong();
            for (int i = 0; i < r.flips().size(); i++) {
              layerFlips[i] += r.flips().get(i).getLong();
            }
          } finally {
            JniUtils.setGradMode(false);
          }
          globalStep++;
        }
        double trainSeconds = seconds(te);
        long tEval = System.nanoTime();
        Pass evalPass = new Pass(false, view, cfg.get(BN_MOMENTUM));
        double[] test = evaluate(net, data.test(), evalPass, evalBatch, manager);
        double[] val = data.validation() == null ? null : evaluate(net, data.validation(), evalPass, evalBatch, manager);
        Double latentAcc = null;
        Double latentBnAcc = null;
        if (cfg.get(EVAL_LATENT) && hasLatentWeights) {
          Pass latent = new Pass(false, KernelView.LATENT_REAL, cfg.get(BN_MOMENTUM));
          latentAcc = evaluate(net, data.test(), latent, evalBatch, manager)[1];
          latentBnAcc = evaluateWithReestimatedBn(net, train, data.test(), evalBatch, manager);
        }
        double evalSeconds = seconds(tEval);

        long samples = (long) stepsPerEpoch * batch;
        Map<String, Long> flipsByLayer = new LinkedHashMap<>();
        Map<String, Double> ratioByLayer = new LinkedHashMap<>();
        long totalFlips = 0;
        long totalWeights = 0;
        for (int i = 0; i < kernels.size(); i++) {
          flipsByLayer.put(kernels.get(i).layer(), layerFlips[i]);
          ratioByLayer.put(kernels.get(i).layer(), layerFlips[i] / ((double) kernelSizes[i] * stepsPerEpoch));
          totalFlips += layerFlips[i];
          totalWeights += kernelSizes[i];
        }
        double lastRatio = ratioByLayer.get(kernels.get(kernels.size() - 1).layer());
        EpochRecord record = new EpochRecord(epoch + 1, stepsPerEpoch, lossSum / stepsPerEpoch,
            correct / (double) samples, test[0], test[1], val == null ? null : val[0], val == null ? null : val[1],
            latentAcc, latentBnAcc, totalFlips, totalFlips / ((double) totalWeights * stepsPerEpoch), flipsByLayer,
            ratioByLayer, EpochRecord.pi(lastRatio),
            scheduledAtStart.get("gamma"), scheduledAtStart.getOrDefault("lr", Double.NaN), trainSeconds, evalSeconds,
            samples / trainSeconds, signHash(kernels));
        records.add(record);
        options.checkpoints().save(snapshot(cfg, globalStep, records, net, optimizer));
        options.listener().onEpoch(cfg, record);
        if (epoch + 1 < cfg.get(EPOCHS) && options.listener().stopAfter(cfg, record)) {
          return new TrialOutcome(TrialStatus.STOPPED, records, data.variant(), start[0],
              "stopped after epoch " + (epoch + 1), seconds(t0));
        }
      }
      options.listener().onFinalModel(cfg, SavedModel.of(cfg.canonicalJson(), net));
    }
    return new TrialOutcome(TrialStatus.DONE, records, data.variant(), start[0], null, seconds(t0));
  }

  /**
   * Two training steps and an evaluation of a tiny network on random data, on this thread: loads
   * and compiles what the first steps of every trial use (libtorch's operators, the optimizer and
   * sign kernels, the Vector API). Sets this thread's libtorch settings as a trial thread does
   * (one intra-op thread, grad mode off); changes nothing that a trial reads.
   */
  public static void warmUp() {
    TorchRuntime.enter(1);
    TrialConfig cfg = TrialConfig.of(Map.of("model", "mlp", "width", 16.0, "batch_size", 8));
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Network net = Models.build(cfg, 1, 8, 10, TrialOptimizer.kernelStart(cfg), manager);
      TrialOptimizer optimizer = new TrialOptimizer(cfg, net, manager, 2);
      Pass pass = new Pass(true, KernelView.BINARY, cfg.get(BN_MOMENTUM));
      float[] x = new float[8 * 64];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i * 37 % 17 - 8) / 4f;
      }
      for (int step = 0; step < 2; step++) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          TrainStep.run(net, optimizer, pass, manager.create(x, new Shape(8, 1, 8, 8)),
              manager.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7}), null);
        }
      }
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        net.forward(manager.create(x, new Shape(8, 1, 8, 8)), new Pass(false, KernelView.BINARY, 0)).argMax(1);
      }
    }
  }

  /** SHA-256 over the sign bits of every binary kernel, first 16 hex digits. */
  static String signHash(List<Param> kernels) {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Param p : kernels) {
      try (NDArray positive = p.value().gte(0f)) {
        md.update(positive.toByteArray());
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest(), 0, 8);
  }

  static int defaultEvalBatch(TrialConfig cfg) {
    switch (cfg.get(MODEL)) {
      case MLP:
        return 1000;
      case CONVNET:
        return 500;
      default:
        return 100;
    }
  }

  /** {mean loss, accuracy} over a set, in chunks, without gradients. */
  static double[] evaluate(Network net, Images set, Pass pass, int chunk, NDManager manager) {
    int n = set.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[] buffer = new float[Math.min(chunk, n) * set.imageFloats()];
    double lossSum = 0;
    long correct = 0;
    for (int from = 0; from < n; from += chunk) {
      int count = Math.min(chunk, n - from);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        float[] buf = count * set.imageFloats() == buffer.length ? buffer : new float[count * set.imageFloats()];
        set.fill(order, from, count, buf, null);
        long[] labels = new long[count];
        for (int k = 0; k < count; k++) {
          labels[k] = set.label(from + k);
        }
        NDArray x = manager.create(buf, new Shape(count, set.channels(), set.height(), set.width()));
        NDArray y = manager.create(labels);
        NDArray logits = net.forward(x, pass);
        lossSum += TrainStep.crossEntropy(logits, y).getFloat() * (double) count;
        correct += logits.argMax(1).eq(y).sum().getLong();
      }
    }
    return new double[] {lossSum / n, correct / (double) n};
  }

  /**
   * Test accuracy with the latent real weights after re-estimating every BN layer's statistics
   * over the training set (cumulative average); the trained statistics are put back afterwards.
   */
  static double evaluateWithReestimatedBn(Network net, Images train, Images test, int chunk, NDManager manager) {
    List<BatchNormLayer> bns = net.batchNorms();
    List<NDArray[]> saved = new ArrayList<>();
    for (BatchNormLayer bn : bns) {
      saved.add(new NDArray[] {bn.runningMean().duplicate(), bn.runningVar().duplicate()});
      bn.runningMean().muli(0f);
      bn.runningVar().muli(0f).addi(1f);
    }
    try {
      int n = train.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      float[] buffer = new float[chunk * train.imageFloats()];
      int k = 0;
      for (int from = 0; from + chunk <= n; from += chunk, k++) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          train.fill(order, from, chunk, buffer, null);
          NDArray x = manager.create(buffer, new Shape(chunk, train.channels(), train.height(), train.width()));
          net.forward(x, new Pass(true, KernelView.LATENT_REAL, 1.0 / (k + 1)));
        }
      }
      return evaluate(net, test, new Pass(false, KernelView.LATENT_REAL, 0), chunk, manager)[1];
    } finally {
      for (int i = 0; i < bns.size(); i++) {
        bns.get(i).runningMean().muli(0f).addi(saved.get(i)[0]);
        bns.get(i).runningVar().muli(0f).addi(saved.get(i)[1]);
        saved.get(i)[0].close();
        saved.get(i)[1].close();
      }
    }
  }

  static Checkpoint snapshot(TrialConfig cfg, long globalStep, List<EpochRecord> records, Network net,
      TrialOptimizer optimizer) {
    Map<String, Checkpoint.Tensor> arrays = new LinkedHashMap<>();
    for (Param p : net.params()) {
      arrays.put(p.name(), host(p.value()));
    }
    net.state().forEach((name, a) -> arrays.put(name, host(a)));
    optimizer.stateArrays().forEach((name, a) -> arrays.put(name, host(a)));
    return new Checkpoint(cfg.canonicalJson(), globalStep, List.copyOf(records), arrays, optimizer.counters());
  }

  private static Checkpoint.Tensor host(NDArray a) {
    return new Checkpoint.Tensor(a.getDataType().asNumpy(), a.getShape().getShape(), a.toByteArray());
  }

  private static void restore(Checkpoint ck, Network net, TrialOptimizer optimizer) {
    Map<String, NDArray> targets = new LinkedHashMap<>();
    for (Param p : net.params()) {
      targets.put(p.name(), p.value());
    }
    targets.putAll(net.state());
    targets.putAll(optimizer.stateArrays());
    if (!targets.keySet().equals(ck.arrays().keySet())) {
      throw new IllegalStateException("checkpoint arrays " + ck.arrays().keySet() + " do not match the model");
    }
    for (Map.Entry<String, NDArray> e : targets.entrySet()) {
      Checkpoint.Tensor t = ck.arrays().get(e.getKey());
      NDArray target = e.getValue();
      if (!t.dtype().equals(target.getDataType().asNumpy())
          || !java.util.Arrays.equals(t.shape(), target.getShape().getShape())) {
        throw new IllegalStateException("checkpoint array " + e.getKey() + " has another type or shape");
      }
      ByteBuffer bytes = ByteBuffer.wrap(t.data()).order(ByteOrder.nativeOrder());
      if (target.getDataType() == DataType.FLOAT64) {
        target.set(bytes.asDoubleBuffer());
      } else {
        target.set(bytes.asFloatBuffer());
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
