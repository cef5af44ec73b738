package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequential binarized network: its layers, its trainable parameters and its state arrays
 * (BatchNorm running statistics). All arrays belong to the NDManager it was built with.
 */
public final class Network {
  private final String name;
  private final List<Layer> layers;
  private final List<Param> params;
  private final Map<String, NDArray> state;

  Network(String name, List<Layer> layers, List<Param> params, Map<String, NDArray> state) {
    this.name = name;
    this.layers = List.copyOf(layers);
    this.params = List.copyOf(params);
    this.state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
  }

  public String name() {
    return name;
  }

  /** Logits, shape (batch, classes). */
  public NDArray forward(NDArray x, Pass pass) {
    NDArray h = x;
    for (Layer layer : layers) {
      h = layer.forward(h, pass);
    }
    return h;
  }

  /** Where {@link #forwardCut} cut the graph: a straight-through sign's input and its output leaf. */
  public record Cut(NDArray input, NDArray signs) {}

  /**
   * A training forward pass whose graph is cut at the straight-through sign in front of each
   * quantized layer of this network's own sequence (not inside residual blocks): the signs become
   * a new leaf, added to {@code cuts}. The backward pass then runs segment by segment, last first,
   * with {@link Binarize#steBackward} between segments: one pass over the activations where the
   * composite estimator costs libtorch's clamp backward (four kernels, one a slow broadcasting
   * where), and a forward pass without the clip, subtract and add. The same values and gradients.
   */
  public NDArray forwardCut(NDArray x, Pass pass, List<Cut> cuts) {
    NDArray h = x;
    for (Layer layer : layers) {
      if (pass.training() && layer instanceof QuantLayer q && q.input() == QuantLayer.InputQuantizer.STE_SIGN) {
        NDArray signs = Binarize.signLeaf(h);
        cuts.add(new Cut(h, signs));
        h = q.multiply(signs, pass);
      } else {
        h = layer.forward(h, pass);
      }
    }
    return h;
  }

  public List<Param> params() {
    return params;
  }

  public List<Param> binaryKernels() {
    List<Param> out = new ArrayList<>();
    for (Param p : params) {
      if (p.isBinaryKernel()) {
        out.add(p);
      }
    }
    return out;
  }

  /** Names of the layers that hold binary kernels, first to last. */
  public List<String> binaryLayerNames() {
    return binaryKernels().stream().map(Param::layer).toList();
  }

  /** Non-trainable arrays that a checkpoint must keep (BN running statistics), by name. */
  public Map<String, NDArray> state() {
    return state;
  }

  /** Every BatchNorm layer, residual blocks' included, in forward order. */
  public List<BatchNormLayer> batchNorms() {
    List<BatchNormLayer> out = new ArrayList<>();
    collectBatchNorms(layers, out);
    return out;
  }

  private static void collectBatchNorms(List<Layer> layers, List<BatchNormLayer> out) {
    for (Layer l : layers) {
      if (l instanceof BatchNormLayer bn) {
        out.add(bn);
      }
      collectBatchNorms(l.inner(), out);
    }
  }

  /** Multiply-adds of one forward pass of one sample through the convolution and dense layers. */
  public long macsPerSample() {
    long total = 0;
    for (Layer l : layers) {
      total += l.macs();
    }
    return total;
  }

  /**
   * FLOPs of one training step per sample: each product forward and its two backward products
   * (weight and input gradient), 2 FLOPs a multiply-add, less the first layer's input gradient,
   * which is never computed (the input needs none).
   */
  public double trainingFlopsPerSample() {
    long first = layers.stream().mapToLong(Layer::macs).filter(m -> m > 0).findFirst().orElse(0);
    return 2.0 * (3.0 * macsPerSample() - first);
  }
}
