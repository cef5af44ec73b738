package io.bopsweep.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import io.bopsweep.trainer.TorchTest;
import io.bopsweep.trainer.model.Binarize;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The straight-through sign's forward and backward kernels against plain Java and libtorch's own ops. */
class ActivationKernelsTest extends TorchTest {
  private static final float[] EDGES = {Float.NaN, -0f, 0f, 1f, -1f, Math.nextUp(1f), Math.nextDown(-1f),
      Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};

  private static float[] inputs(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i < EDGES.length * 3 ? EDGES[i % EDGES.length] : (float) (rnd.nextGaussian() * 1.5);
    }
    return x;
  }

  private static ByteBuffer buffer(float[] a) {
    ByteBuffer b = ByteBuffer.allocateDirect(a.length * 4).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(a);
    return b;
  }

  private static int[] bits(ByteBuffer b, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = b.getInt(i << 2);
    }
    return out;
  }

  @Test
  void kernelsMatchPlainJavaBitForBit() {
    int n = 70_003; // more than one chunk, and a tail shorter than a vector
    float[] x = inputs(n, 1);
    float[] g = inputs(n, 2);
    for (int i = 0; i < EDGES.length; i++) {
      g[i] = -0f; // a negative zero passes through where |x| <= 1 and becomes +0 elsewhere
    }
    int[] sign = new int[n];
    int[] masked = new int[n];
    for (int i = 0; i < n; i++) {
      sign[i] = Float.floatToRawIntBits(x[i] >= 0 ? 1f : -1f);
      masked[i] = Float.floatToRawIntBits(Math.abs(x[i]) <= 1 ? g[i] : 0f);
    }
    for (HostKernels k : new HostKernels[] {HostKernels.vector(), HostKernels.scalar()}) {
      ByteBuffer xb = buffer(x);
      ByteBuffer out = buffer(new float[n]);
      HostBuffers.overChunks(n, (from, to) -> {
        k.sign(xb, out, from, to);
        return 0;
      });
      assertArrayEquals(sign, bits(out, n), "sign, " + k.describe());
      ByteBuffer out2 = buffer(new float[n]);
      ByteBuffer gb = buffer(g);
      HostBuffers.overChunks(n, (from, to) -> {
        k.steMask(gb, xb, out2, from, to);
        return 0;
      });
      assertArrayEquals(masked, bits(out2, n), "straight-through backward, " + k.describe());
    }
  }

  /** Arrays the host kernels do not take (here float64; on a GPU every array) go through tensor operations. */
  @Test
  void tensorFallbackMatchesPlainJava() {
    float[] x = inputs(3_000, 5);
    float[] g = inputs(3_000, 6);
    NDArray xs = manager.create(x).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
    NDArray gs = manager.create(g).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
    float[] signs = Binarize.signLeaf(xs).toFloatArray();
    double[] back = Binarize.steBackward(gs, xs).toDoubleArray();
    for (int i = 0; i < x.length; i++) {
      assertEquals(x[i] >= 0 ? 1f : -1f, signs[i], 0f, "sign at " + x[i]);
      assertEquals(Math.abs(x[i]) <= 1 ? (double) g[i] : 0.0, back[i], 0.0, "backward at " + x[i]);
    }
  }

  @Test
  void hostAndTensorPathsAgree() {
    float[] x = inputs(5_000, 3);
    float[] g = inputs(5_000, 4);
    NDArray xs = manager.create(x);
    NDArray gs = manager.create(g);
    assertArrayEquals(Binarize.sign(xs).toFloatArray(), ActivationKernels.sign(xs).toFloatArray(), 0f);
    NDArray tensor = NDArrays.where(xs.abs().lte(1f), gs, gs.zerosLike());
    assertArrayEquals(tensor.toFloatArray(), Binarize.steBackward(gs, xs).toFloatArray(), 0f);
    NDArray leaf = Binarize.signLeaf(xs);
    assertEquals(true, leaf.hasGradient(), "the signs collect a gradient");
  }
}
