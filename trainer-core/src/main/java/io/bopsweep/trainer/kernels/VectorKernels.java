package io.bopsweep.trainer.kernels;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels with the Vector API (jdk.incubator.vector): the CPU's widest float lanes, masks and
 * blends instead of branches, and binary weights stored only where a lane changed (flips are rare,
 * so most of those stores are skipped). Lane operations round exactly like the scalar ones; the
 * elements past the last full vector go through {@link ScalarKernels}.
 */
final class VectorKernels implements HostKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ScalarKernels TAIL = new ScalarKernels();
  private static int vectorEnd(int from, int to) {
    return from + (to - from) / S.length() * S.length();
  }

  private static FloatVector load(ByteBuffer b, int i) {
    return FloatVector.fromByteBuffer(S, b, i << 2, ORDER);
  }

  @Override
  public long bop(ByteBuffer w, ByteBuffer m, ByteBuffer g, int from, int to, float decay, float rate, float tau,
      boolean copyGrad, boolean strict, float settledAbove) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector minusOne = FloatVector.broadcast(S, -1f);
    boolean skip = !copyGrad && settledAbove >= 0f && tau >= 0f;
    int end = vectorEnd(from, to);
    long flips = 0;
    for (int i = from; i < end; i += S.length()) {
      FloatVector gi = load(g, i);
      FloatVector previous = copyGrad ? null : load(m, i);
      FloatVector mi = copyGrad ? gi : previous.mul(decay).add(gi.mul(rate));
      mi.intoByteBuffer(m, i << 2, ORDER);
      if (skip && previous.abs().compare(GT, settledAbove).and(previous.mul(mi).compare(GT, 0f))
          .or(mi.abs().compare(LT, tau)).allTrue()) {
        continue; // every lane settled in its sign, or below tau: none can change, so w is not read
      }
      FloatVector wi = load(w, i);
      FloatVector s = one.blend(minusOne, wi.compare(LT, 0f));
      FloatVector next;
      if (strict) {
        FloatVector z = wi.mul(mi);
        // below tau: keep; above: flip; equal (or NaN): +1, as the authors' formula gives
        next = one.blend(s, z.compare(LT, tau)).blend(s.neg(), z.compare(GT, tau));
      } else {
        FloatVector agree = s.mul(mi);
        next = s.blend(s.neg(), agree.compare(GE, tau).and(agree.compare(GT, 0f)));
      }
      flips += next.compare(NE, s).trueCount();
      if (next.compare(NE, wi).anyTrue()) {
        next.intoByteBuffer(w, i << 2, ORDER);
      }
    }
    return flips + TAIL.bop(w, m, g, end, to, decay, rate, tau, copyGrad, strict, settledAbove);
  }

  @Override
  public long adam(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer binary, int from, int to,
      float lrT, boolean clip) {
    float a1 = 1 - AdamUpdate.BETA1;
    float a2 = 1 - AdamUpdate.BETA2;
    int end = vectorEnd(from, to);
    long flips = 0;
    for (int i = from; i < end; i += S.length()) {
      FloatVector gi = load(g, i);
      FloatVector mi = load(m, i).mul(AdamUpdate.BETA1).add(gi.mul(a1));
      FloatVector vi = load(v, i).mul(AdamUpdate.BETA2).add(gi.mul(gi).mul(a2));
      mi.intoByteBuffer(m, i << 2, ORDER);
      vi.intoByteBuffer(v, i << 2, ORDER);
      FloatVector wi = load(w, i).sub(mi.div(vi.sqrt().add(AdamUpdate.EPSILON)).mul(lrT));
      if (clip) {
        wi = wi.max(-1f).min(1f);
      }
      wi.intoByteBuffer(w, i << 2, ORDER);
      if (binary != null) {
        flips += storeSigns(wi, binary, i);
      }
    }
    return flips + TAIL.adam(w, g, m, v, binary, end, to, lrT, clip);
  }

  @Override
  public long copySigns(ByteBuffer latent, ByteBuffer binary, int from, int to) {
    int end = vectorEnd(from, to);
    long flips = 0;
    for (int i = from; i < end; i += S.length()) {
      flips += storeSigns(load(latent, i), binary, i);
    }
    return flips + TAIL.copySigns(latent, binary, end, to);
  }

  @Override
  public void sign(ByteBuffer x, ByteBuffer out, int from, int to) {
    FloatVector minusOne = FloatVector.broadcast(S, -1f);
    int end = vectorEnd(from, to);
    for (int i = from; i < end; i += S.length()) {
      minusOne.blend(1f, load(x, i).compare(GE, 0f)).intoByteBuffer(out, i << 2, ORDER);
    }
    TAIL.sign(x, out, end, to);
  }

  @Override
  public void steMask(ByteBuffer g, ByteBuffer x, ByteBuffer out, int from, int to) {
    FloatVector zero = FloatVector.zero(S);
    int end = vectorEnd(from, to);
    for (int i = from; i < end; i += S.length()) {
      zero.blend(load(g, i), load(x, i).abs().compare(LE, 1f)).intoByteBuffer(out, i << 2, ORDER);
    }
    TAIL.steMask(g, x, out, end, to);
  }

  /** binary[i..] = sign(x) (+1 where x >= 0, -1 elsewhere, NaN included); returns how many lanes changed. */
  private static int storeSigns(FloatVector x, ByteBuffer binary, int i) {
    FloatVector s = FloatVector.broadcast(S, -1f).blend(1f, x.compare(GE, 0f));
    VectorMask<Float> changed = s.compare(NE, load(binary, i));
    if (changed.anyTrue()) {
      s.intoByteBuffer(binary, i << 2, ORDER);
    }
    return changed.trueCount();
  }

  @Override
  public String describe() {
    return "vector (" + S.vectorBitSize() + "-bit, " + S.length() + " floats)";
  }
}
