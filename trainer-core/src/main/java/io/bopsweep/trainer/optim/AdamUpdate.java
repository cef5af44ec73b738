package io.bopsweep.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Adam as in Keras (epsilon 1e-7, bias correction folded into the step size), for one array. */
public final class AdamUpdate {
  static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  static final float EPSILON = 1e-7f;

  private final NDArray m;
  private final NDArray v;
  private long t;

  public AdamUpdate(NDManager manager, NDArray param) {
    this.m = manager.zeros(param.getShape());
    this.v = manager.zeros(param.getShape());
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

  public void step(NDArray w, NDArray grad, double lr) {
    t++;
    m.muli(BETA1).addi(grad.mul(1 - BETA1));
    v.muli(BETA2).addi(grad.square().muli(1 - BETA2));
    double lrT = lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    w.subi(m.div(v.sqrt().addi(EPSILON)).muli(lrT));
  }
}
