package io.bopsweep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The operators of a Chrome trace (libtorch's profiler output) with the most total time. */
final class TraceSummary {
  record Op(String name, double msPerStep, double callsPerStep) {}

  private TraceSummary() {}

  /** Complete events ("ph": "X") summed by name, divided by the number of profiled steps; the k largest. */
  static List<Op> top(Path trace, int steps, int k) throws IOException {
    JsonNode root = new ObjectMapper().readTree(trace.toFile());
    JsonNode events = root.isArray() ? root : root.path("traceEvents");
    Map<String, double[]> sums = new HashMap<>();
    for (JsonNode e : events) {
      if ("X".equals(e.path("ph").asText())) {
        double[] s = sums.computeIfAbsent(e.path("name").asText(), n -> new double[2]);
        s[0] += e.path("dur").asDouble() / 1000.0; // microseconds
        s[1] += 1;
      }
    }
    List<Op> ops = new ArrayList<>();
    sums.forEach((name, s) -> ops.add(new Op(name, s[0] / steps, s[1] / steps)));
    ops.sort(Comparator.comparingDouble(Op::msPerStep).reversed().thenComparing(Op::name));
    return ops.subList(0, Math.min(k, ops.size()));
  }
}
