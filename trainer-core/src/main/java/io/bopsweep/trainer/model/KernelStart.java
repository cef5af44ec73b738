package io.bopsweep.trainer.model;

/**
 * What a binary kernel holds when the network is built, as the optimizer that updates it needs:
 * the initial values themselves, their signs, or their signs with the initial values kept as
 * latent real weights (float32 or float64).
 */
public enum KernelStart {
  VALUES(false, false, false),
  SIGNS(true, false, false),
  SIGNS_LATENT_FLOAT32(true, true, false),
  SIGNS_LATENT_FLOAT64(true, true, true);

  private final boolean signs;
  private final boolean latent;
  private final boolean latent64;

  KernelStart(boolean signs, boolean latent, boolean latent64) {
    this.signs = signs;
    this.latent = latent;
    this.latent64 = latent64;
  }

  boolean signs() { return signs; }

  boolean latent() { return latent; }

  boolean latent64() { return latent64; }
}
