package io.bopsweep.trainer.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** main(x) + shortcut(x), each a sequence of layers; an empty shortcut is the identity. */
final class ResidualLayer implements Layer {
  private final List<Layer> main;
  private final List<Layer> shortcut;

  ResidualLayer(List<Layer> main, List<Layer> shortcut) {
    this.main = List.copyOf(main);
    this.shortcut = List.copyOf(shortcut);
  }

  @Override
  public NDArray forward(NDArray x, Pass pass) {
    NDArray m = x;
    for (Layer l : main) {
      m = l.forward(m, pass);
    }
    NDArray s = x;
    for (Layer l : shortcut) {
      s = l.forward(s, pass);
    }
    return m.add(s);
  }

  @Override
  public List<Layer> inner() {
    List<Layer> all = new ArrayList<>(main);
    all.addAll(shortcut);
    return all;
  }

  @Override
  public long macs() {
    return inner().stream().mapToLong(Layer::macs).sum();
  }
}
