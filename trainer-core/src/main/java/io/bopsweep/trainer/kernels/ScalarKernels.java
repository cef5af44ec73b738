package io.bopsweep.trainer.kernels;

import java.nio.ByteBuffer;

/**
 * Plain loops, for JVMs without the Vector API module. Written without data-dependent branches on
 * the signs of weights: those are close to random, and mispredicted branches made these loops
 * three to four times slower.
 */
final class ScalarKernels implements HostKernels {
  static final int ONE = Float.floatToRawIntBits(1f);

  @Override
  public long bop(ByteBuffer w, ByteBuffer m, ByteBuffer g, int from, int to, float decay, float rate, float tau,
      boolean copyGrad, boolean strict, float settledAbove) {
    long flips = 0;
    for (int i = from; i < to; i++) {
      int off = i << 2;
      float gi = g.getFloat(off);
      float mi = copyGrad ? gi : m.getFloat(off) * decay + gi * rate;
      m.putFloat(off, mi);
      float wi = w.getFloat(off);
      int sBits = ONE | ((wi < 0f ? 1 : 0) << 31); // larq sign: +1 for 0 and -0
      int flip;
      int next;
      if (strict) {
        float z = wi * mi;
        flip = z > tau ? 1 : 0;
        next = sBits ^ (flip << 31);
        if (flip == 0 && !(z < tau)) {
          next = ONE; // w m == tau (or NaN): the authors' formula gives +1
        }
      } else {
        float agree = Float.intBitsToFloat(sBits) * mi;
        flip = agree >= tau && agree > 0f ? 1 : 0;
        next = sBits ^ (flip << 31);
      }
      flips += next != sBits ? 1 : 0;
      w.putFloat(off, Float.intBitsToFloat(next));
    }
    return flips;
  }

  @Override
  public long adam(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, ByteBuffer binary, int from, int to,
      float lrT, boolean clip) {
    float a1 = 1 - AdamUpdate.BETA1;
    float a2 = 1 - AdamUpdate.BETA2;
    long flips = 0;
    for (int i = from; i < to; i++) {
      int off = i << 2;
      float gi = g.getFloat(off);
      float mi = m.getFloat(off) * AdamUpdate.BETA1 + gi * a1;
      float vi = v.getFloat(off) * AdamUpdate.BETA2 + (gi * gi) * a2;
      m.putFloat(off, mi);
      v.putFloat(off, vi);
      float wi = w.getFloat(off) - (mi / ((float) Math.sqrt(vi) + AdamUpdate.EPSILON)) * lrT;
      if (clip) {
        wi = Math.min(Math.max(wi, -1f), 1f); // branch-free; NaN and -0 pass through as with comparisons
      }
      w.putFloat(off, wi);
      if (binary != null) {
        flips += putSign(wi, binary, off);
      }
    }
    return flips;
  }

  @Override
  public long copySigns(ByteBuffer latent, ByteBuffer binary, int from, int to) {
    long flips = 0;
    for (int i = from; i < to; i++) {
      int off = i << 2;
      flips += putSign(latent.getFloat(off), binary, off);
    }
    return flips;
  }

  @Override
  public void sign(ByteBuffer x, ByteBuffer out, int from, int to) {
    for (int i = from; i < to; i++) {
      int off = i << 2;
      out.putInt(off, ONE | ((x.getFloat(off) >= 0f ? 0 : 1) << 31));
    }
  }

  @Override
  public void steMask(ByteBuffer g, ByteBuffer x, ByteBuffer out, int from, int to) {
    for (int i = from; i < to; i++) {
      int off = i << 2;
      int keep = Math.abs(x.getFloat(off)) <= 1f ? -1 : 0; // a conditional move, not a branch
      out.putInt(off, g.getInt(off) & keep);
    }
  }

  /** Writes sign(x) (+1 where x >= 0, -1 elsewhere, NaN included) at off; 1 if that changed the value. */
  private static int putSign(float x, ByteBuffer binary, int off) {
    int s = ONE | ((x >= 0f ? 0 : 1) << 31);
    int old = Float.floatToRawIntBits(binary.getFloat(off));
    binary.putFloat(off, Float.intBitsToFloat(s));
    return s != old ? 1 : 0;
  }

  @Override
  public String describe() {
    return "scalar";
  }
}
