package io.bopsweep.trainer.model;

/**
 * How one forward pass treats the network.
 *
 * @param training batch statistics in BatchNorm (and their running averages updated) and a graph for backward
 * @param kernels what the quantized layers multiply by
 * @param bnMomentum weight of this batch in the BN running statistics, when training
 */
public record Pass(boolean training, KernelView kernels, double bnMomentum) {

  /** What a quantized layer uses as its kernel. */
  public enum KernelView {
    /** The binary kernel (under Bop, before the first step, the real initial values). */
    BINARY,
    /** The latent real weights instead of their signs (the paper's approximation view). */
    LATENT_REAL
  }
}
