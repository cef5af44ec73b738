package io.bopsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The sweep package (specs, identity, the Spark job, the store, resume) names neither the CLI nor the
 * modules that read results (analysis, dashboard): those sit above it (the CLI in the app module), and
 * sweep-driver depends on neither analysis nor dashboard.
 */
class SweepPackageSeamTest {
  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.bopsweep\\.(cli|analysis|dashboard)\\.\\w+");

  /** Source file name -> the references to the layers above that it holds (imports and qualified names). */
  static Map<String, Set<String>> referencesAbove(Path dir) throws IOException {
    Map<String, Set<String>> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = REFERENCE.matcher(Files.readString(f));
        Set<String> refs = new TreeSet<>();
        while (m.find()) {
          refs.add(m.group());
        }
        found.put(f.getFileName().toString(), refs);
      }
    }
    return found;
  }

  @Test
  void theSweepPackageNamesNeitherTheCliNorAnalysisNorTheDashboard() throws IOException {
    Map<String, Set<String>> refs = referencesAbove(Path.of("src/main/java/io/bopsweep/sweep"));
    assertTrue(refs.containsKey("SweepRunner.java") && refs.containsKey("ResultStore.java"), refs.keySet().toString());
    refs.values().removeIf(Set::isEmpty);
    assertEquals(Map.of(), refs, "the sweep package names a layer above it");
  }

  @Test
  void theCheckFindsSuchReferences() throws IOException {
    // the CLI (in the app module) does name analysis: the same reading finds it there
    Map<String, Set<String>> refs = referencesAbove(Path.of("../app/src/main/java/io/bopsweep/cli"));
    assertTrue(refs.get("ReportCommand.java").contains("io.bopsweep.analysis.Report"), refs.get("ReportCommand.java").toString());
    assertTrue(refs.get("ReportScopes.java").contains("io.bopsweep.analysis.ReportScope"));
    assertFalse(refs.get("BadInputException.java").iterator().hasNext());
  }

  /** The artifactIds of the dependencies a pom declares, whatever their scope. */
  static Set<String> declaredDependencies(Path pom) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    NodeList ids = (NodeList) XPathFactory.newInstance().newXPath()
        .evaluate("/*[local-name()='project']/*[local-name()='dependencies']/*[local-name()='dependency']"
            + "/*[local-name()='artifactId']", doc, XPathConstants.NODESET);
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < ids.getLength(); i++) {
      out.add(ids.item(i).getTextContent().trim());
    }
    return out;
  }

  @Test
  void sweepDriverNeitherDeclaresNorLoadsAnalysisOrTheDashboard() throws Exception {
    Set<String> declared = declaredDependencies(Path.of("pom.xml"));
    assertTrue(declared.contains("trainer-core"), declared.toString());
    assertFalse(declared.contains("analysis") || declared.contains("dashboard"), declared.toString());
    // nor through another dependency: their classes are not on this module's test classpath, where a
    // dependency's class is found
    assertEquals("StoreFormat", Class.forName("io.bopsweep.store.StoreFormat").getSimpleName());
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.bopsweep.analysis.Results"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.bopsweep.dashboard.Dashboard"));
  }

  @Test
  void theAppModuleHoldsThoseDependencies() throws Exception {
    Set<String> declared = declaredDependencies(Path.of("../app/pom.xml"));
    assertTrue(declared.containsAll(Set.of("sweep-driver", "analysis", "dashboard")), declared.toString());
  }
}
