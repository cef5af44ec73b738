package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialTableTest {
  private static Map<String, Object> row(String id, String status, double gamma, Double acc) {
    Map<String, Object> r = new HashMap<>();
    r.put("trial_id", id);
    r.put("status", status);
    r.put("gamma", gamma);
    r.put("final_test_acc", acc);
    r.put("config_json", "{}");
    return r;
  }

  private static final List<Map<String, Object>> ROWS = List.of(row("a", "DONE", 1e-3, 0.9), row("b", "FAILED", 1e-2, null),
      row("c", "DONE", 1e-2, 0.95), row("d", "DIVERGED", 1e-4, 0.1));

  private static List<Object> ids(TrialTable t) {
    List<Object> out = new ArrayList<>();
    t.rows().forEach(r -> out.add(r.get("trial_id")));
    return out;
  }

  @Test
  void sortsNumbersByValueWithEmptyCellsLastBothWays() {
    assertEquals(List.of("d", "a", "c", "b"), ids(TrialTable.page(ROWS, "", "final_test_acc", false, 0, 10)));
    assertEquals(List.of("c", "a", "d", "b"), ids(TrialTable.page(ROWS, "", "final_test_acc", true, 0, 10)));
  }

  @Test
  void filtersByColumnConditionsAndText() {
    assertEquals(List.of("a", "c"), ids(TrialTable.page(ROWS, "status=DONE", "trial_id", false, 0, 10)));
    assertEquals(List.of("c"), ids(TrialTable.page(ROWS, "status=DONE gamma=0.01", "trial_id", false, 0, 10)));
    assertEquals(List.of("b", "c"), ids(TrialTable.page(ROWS, "gamma>0.001", "trial_id", false, 0, 10)));
    assertEquals(List.of("d"), ids(TrialTable.page(ROWS, "final_test_acc<0.5", "trial_id", false, 0, 10)));
    assertEquals(List.of("d"), ids(TrialTable.page(ROWS, "diverg", "trial_id", false, 0, 10)));
  }

  @Test
  void pagesCountTheFilteredRowsAndHideTheConfigJson() {
    TrialTable t = TrialTable.page(ROWS, "status=DONE", "trial_id", false, 1, 1);
    assertEquals(2, t.total());
    assertEquals(List.of("c"), ids(t));
    assertEquals(List.of("trial_id", "status", "final_test_acc", "gamma"), t.columns());
  }
}
