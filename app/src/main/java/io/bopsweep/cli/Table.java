package io.bopsweep.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as an aligned text table; the first row is the header. */
final class Table {
  private Table() {}

  static void print(PrintWriter out, List<List<String>> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int cols = rows.get(0).size();
    int[] width = new int[cols];
    for (List<String> r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    for (int k = 0; k < rows.size(); k++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        sb.append(String.format("%-" + width[i] + "s", rows.get(k).get(i)));
        if (i < cols - 1) {
          sb.append("  ");
        }
      }
      out.println(sb.toString().stripTrailing());
      if (k == 0) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cols; i++) {
          line.append("-".repeat(width[i]));
          if (i < cols - 1) {
            line.append("  ");
          }
        }
        out.println(line);
      }
    }
  }
}
