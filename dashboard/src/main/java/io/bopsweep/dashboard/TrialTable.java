package io.bopsweep.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One page of the trials table: the rows that pass a filter, sorted by a column; {@code indexing}
 * where the trials files are still being read (the rows are those read so far), and the files that
 * could not be read.
 *
 * <p>The filter is words separated by spaces, all of which must hold: {@code column=value},
 * {@code column>number}, {@code column<number}, or text found in any cell (case ignored).
 */
record TrialTable(List<String> columns, int total, int offset, List<Map<String, Object>> rows,
    TrialIndex.Progress indexing, List<String> unreadable) {
  /** Columns shown first; the rest follow in the order of the stored schema. */
  static final List<String> LEADING = List.of("trial_id", "sweep", "status", "attempt", "epochs_done", "final_test_acc",
      "best_test_acc", "final_test_loss", "final_train_acc", "final_pi_last", "best_epoch", "seconds", "swept", "error");
  /** Stored but not shown: the same settings as the columns, as JSON. */
  static final Set<String> HIDDEN = Set.of("config_json");

  static TrialTable page(List<Map<String, Object>> all, String filter, String sortColumn, boolean descending, int offset,
      int limit) {
    Set<String> columns = new LinkedHashSet<>();
    Set<String> present = new LinkedHashSet<>();
    all.forEach(r -> present.addAll(r.keySet()));
    LEADING.stream().filter(present::contains).forEach(columns::add);
    present.stream().filter(c -> !HIDDEN.contains(c)).forEach(columns::add);
    List<Condition> conditions = Condition.parse(filter);
    List<Map<String, Object>> kept = new ArrayList<>();
    for (Map<String, Object> r : all) {
      if (conditions.stream().allMatch(c -> c.test(r))) {
        kept.add(r);
      }
    }
    if (sortColumn != null && !sortColumn.isEmpty()) {
      Comparator<Map<String, Object>> byColumn = (a, b) -> compareCells(a.get(sortColumn), b.get(sortColumn));
      kept.sort(descending ? (a, b) -> {
        Object x = a.get(sortColumn);
        Object y = b.get(sortColumn);
        return x == null || y == null ? compareCells(x, y) : byColumn.compare(b, a);
      } : byColumn);
    }
    int from = Math.min(Math.max(offset, 0), kept.size());
    int to = Math.min(from + Math.max(limit, 0), kept.size());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : kept.subList(from, to)) {
      Map<String, Object> shown = new java.util.LinkedHashMap<>();
      columns.forEach(c -> shown.put(c, r.get(c)));
      rows.add(shown);
    }
    return new TrialTable(List.copyOf(columns), kept.size(), from, rows, null, List.of());
  }

  TrialTable indexed(TrialIndex.Progress progress, List<String> unreadableFiles) {
    return new TrialTable(columns, total, offset, rows, progress, unreadableFiles);
  }

  /** Numbers by value, the rest as text; empty cells last. */
  static int compareCells(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  /** One word of a filter. */
  record Condition(String column, char op, String value) {
    static List<Condition> parse(String filter) {
      List<Condition> out = new ArrayList<>();
      if (filter == null) {
        return out;
      }
      for (String word : filter.trim().split("\\s+")) {
        if (word.isEmpty()) {
          continue;
        }
        int at = indexOfOperator(word);
        out.add(at > 0 ? new Condition(word.substring(0, at), word.charAt(at), word.substring(at + 1))
            : new Condition(null, '~', word.toLowerCase(Locale.ROOT)));
      }
      return out;
    }

    private static int indexOfOperator(String word) {
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        if (c == '=' || c == '<' || c == '>') {
          return i;
        }
      }
      return -1;
    }

    boolean test(Map<String, Object> row) {
      if (column == null) {
        return row.values().stream().anyMatch(v -> v != null && String.valueOf(v).toLowerCase(Locale.ROOT).contains(value));
      }
      Object cell = row.get(column);
      if (cell == null) {
        return false;
      }
      Double number = parseDouble(value);
      if (op == '=') {
        return cell instanceof Number n && number != null ? n.doubleValue() == number : String.valueOf(cell).equals(value);
      }
      if (!(cell instanceof Number n) || number == null) {
        return false;
      }
      return op == '<' ? n.doubleValue() < number : n.doubleValue() > number;
    }

    private static Double parseDouble(String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
