package io.bopsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceSummaryTest {
  @TempDir Path tmp;

  @Test
  void sumsCompleteEventsByNamePerStepLargestFirst() throws Exception {
    // two steps: aten::mm 3 x (1,500 + 2,500 + 2,000) us, aten::add_ 2 x 500 us, an instant event and metadata ignored
    Path trace = tmp.resolve("t.json");
    Files.writeString(trace, """
        {"traceEvents": [
          {"ph": "X", "name": "aten::mm", "dur": 1500, "ts": 0},
          {"ph": "X", "name": "aten::add_", "dur": 500, "ts": 10},
          {"ph": "X", "name": "aten::mm", "dur": 2500, "ts": 20},
          {"ph": "i", "name": "aten::mm", "ts": 25},
          {"ph": "M", "name": "process_name", "args": {"name": "x"}},
          {"ph": "X", "name": "aten::add_", "dur": 500, "ts": 30},
          {"ph": "X", "name": "aten::mm", "dur": 2000, "ts": 40}
        ]}""");
    List<TraceSummary.Op> top = TraceSummary.top(trace, 2, 5);
    assertEquals(2, top.size());
    assertEquals(new TraceSummary.Op("aten::mm", 3.0, 1.5), top.get(0));
    assertEquals(new TraceSummary.Op("aten::add_", 0.5, 1.0), top.get(1));
    assertEquals(1, TraceSummary.top(trace, 2, 1).size());
  }

  @Test
  void readsABareArrayOfEventsToo() throws Exception {
    Path trace = tmp.resolve("a.json");
    Files.writeString(trace, "[{\"ph\": \"X\", \"name\": \"conv\", \"dur\": 4000}]");
    assertEquals(List.of(new TraceSummary.Op("conv", 4.0, 1.0)), TraceSummary.top(trace, 1, 3));
  }
}
