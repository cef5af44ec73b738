package io.bopsweep.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Mean and sample standard deviation of one metric over a group of trials (seeds), per epoch.
 * An epoch's std is null where fewer than two trials have a value.
 */
public record Bands(List<Integer> epoch, List<Double> mean, List<Double> std, List<Integer> n) {
  public static Bands of(List<EpochSeries> trials, String metric) {
    TreeMap<Integer, List<Double>> byEpoch = new TreeMap<>();
    for (EpochSeries s : trials) {
      List<Double> values = s.metric(metric);
      for (int i = 0; i < s.epoch().size(); i++) {
        Double v = values.get(i);
        if (v != null && Double.isFinite(v)) {
          byEpoch.computeIfAbsent(s.epoch().get(i), k -> new ArrayList<>()).add(v);
        }
      }
    }
    List<Integer> epochs = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> stds = new ArrayList<>();
    List<Integer> ns = new ArrayList<>();
    byEpoch.forEach((e, vs) -> {
      double mean = vs.stream().mapToDouble(Double::doubleValue).sum() / vs.size();
      Double std = null;
      if (vs.size() > 1) {
        double ss = vs.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        std = Math.sqrt(ss / (vs.size() - 1));
      }
      epochs.add(e);
      means.add(mean);
      stds.add(std);
      ns.add(vs.size());
    });
    return new Bands(epochs, means, stds, ns);
  }
}
