package io.bopsweep.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** trainer-core's packages depend on each other without a cycle, read from the main sources. */
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src", "main", "java", "io", "bopsweep", "trainer");
  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.bopsweep\\.trainer\\.([a-z][a-z0-9]*)\\.");

  /** Package -> the other trainer-core packages its sources name (imports and qualified names). */
  static Map<String, Set<String>> dependencies(Path root) {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = root.relativize(file.getParent()).toString().replace(java.io.File.separatorChar, '.');
        Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            uses.add(m.group(1));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** Every cycle found by a depth-first search, each as the packages along it ending where it starts. */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    List<List<String>> found = new ArrayList<>();
    Set<String> done = new TreeSet<>();
    for (String start : graph.keySet()) {
      search(start, graph, new ArrayList<>(), done, found);
    }
    return found;
  }

  private static void search(String pkg, Map<String, Set<String>> graph, List<String> path, Set<String> done,
      List<List<String>> found) {
    int at = path.indexOf(pkg);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
      cycle.add(pkg);
      found.add(cycle);
      return;
    }
    if (done.contains(pkg)) {
      return;
    }
    path.add(pkg);
    for (String next : graph.getOrDefault(pkg, Set.of())) {
      search(next, graph, path, done, found);
    }
    path.remove(path.size() - 1);
    done.add(pkg);
  }

  @Test
  void trainerCoreHasNoPackageCycle() {
    Map<String, Set<String>> graph = dependencies(SOURCES);
    assertEquals(Set.of("bench", "config", "data", "kernels", "model", "optim", "train"), graph.keySet(),
        "the packages this test reads");
    assertEquals(List.of(), cycles(graph), "package cycles; dependencies: " + graph);
  }

  @Test
  void theSearchFindsACycleThroughSeveralPackages(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    write(tmp, "a", "import io.bopsweep.trainer.b.B;");
    write(tmp, "b", "class B { io.bopsweep.trainer.c.C c; }");
    write(tmp, "c", "import io.bopsweep.trainer.a.A;");
    write(tmp, "d", "import io.bopsweep.trainer.a.A;");
    Map<String, Set<String>> graph = dependencies(tmp);
    assertEquals(Set.of("b"), graph.get("a"));
    assertEquals(List.of(List.of("a", "b", "c", "a")), cycles(graph));
  }

  private static void write(Path root, String pkg, String body) throws IOException {
    Path dir = Files.createDirectories(root.resolve(pkg));
    Files.writeString(dir.resolve(pkg.toUpperCase() + ".java"), "package io.bopsweep.trainer." + pkg + ";\n" + body);
  }
}
