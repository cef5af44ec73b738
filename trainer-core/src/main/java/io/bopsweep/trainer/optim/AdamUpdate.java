package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Adam as in Keras (epsilon 1e-7, bias correction folded into the step size) for one array,
 * optionally clipping the result to [-1, 1]. On the CPU it runs as one pass over the tensors'
 * memory; elsewhere as tensor operations. Both round after every operation in the same order.
 */
public final class AdamUpdate {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-7f;
  private static final int CHUNK = 1 << 16;

  private final NDArray m;
  private final NDArray v;
  private final boolean hostPath;
  private long t;

  public AdamUpdate(NDManager manager, NDArray param) {
    this(manager, param, true);
  }

  AdamUpdate(NDManager manager, NDArray param, boolean hostPath) {
    this.m = manager.zeros(param.getShape(), param.getDataType());
    this.v = manager.zeros(param.getShape(), param.getDataType());
    this.hostPath = hostPath;
  }

  public NDArray firstMoment() {
    return m;
  }

  public NDArray secondMoment() {
    return v;
  }

  public long steps() {
    return t;
  }

  public void restore(long steps) {
    this.t = steps;
  }

  public void step(NDArray w, NDArray grad, double lr, boolean clip) {
    t++;
    double lrT = lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    if (hostPath && HostBuffers.usable(w) && HostBuffers.usable(grad)) {
      fused(HostBuffers.floats(w), HostBuffers.floats(grad), HostBuffers.floats(m), HostBuffers.floats(v),
          (float) lrT, clip);
      return;
    }
    m.muli(BETA1).addi(grad.mul(1 - BETA1));
    v.muli(BETA2).addi(grad.square().muli(1 - BETA2));
    w.subi(m.div(v.sqrt().addi(EPSILON)).muli((float) lrT));
    if (clip) {
      NDArray clipped = w.clip(-1f, 1f);
      w.muli(0f).addi(clipped);
    }
  }

  private static void fused(FloatBuffer w, FloatBuffer g, FloatBuffer m, FloatBuffer v, float lrT, boolean clip) {
    int n = w.capacity();
    int chunks = (n + CHUNK - 1) / CHUNK;
    IntStream range = IntStream.range(0, chunks);
    (chunks > 1 ? range.parallel() : range).forEach(c -> {
      int to = Math.min(n, (c + 1) * CHUNK);
      float a1 = 1 - BETA1;
      float a2 = 1 - BETA2;
      for (int i = c * CHUNK; i < to; i++) {
        float gi = g.get(i);
        float mi = m.get(i) * BETA1 + gi * a1;
        float vi = v.get(i) * BETA2 + (gi * gi) * a2;
        m.put(i, mi);
        v.put(i, vi);
        float wi = w.get(i) - (mi / ((float) Math.sqrt(vi) + EPSILON)) * lrT;
        if (clip) {
          wi = wi > 1f ? 1f : (wi < -1f ? -1f : wi);
        }
        w.put(i, wi);
      }
    });
  }
}
