package io.bopsweep.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Kubernetes manifests and Spark profiles parse and hold the fields that matter. */
class ManifestsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A property of the parent pom, such as spark.version: the version the build uses. */
  static String pomProperty(String name) throws Exception {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(m.find(), "pom.xml defines " + name);
    return m.group(1).strip();
  }

  static List<JsonNode> documents(String file) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(ROOT.resolve(file).toFile())) {
      var it = YAML.readValues(p, JsonNode.class);
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
    return docs;
  }

  @Test
  void rbacGivesTheDriverOnlyNamespacedPodRightsAndTheExecutorsNone() throws Exception {
    List<JsonNode> docs = documents("k8s/rbac.yaml");
    assertEquals(List.of("Namespace", "ServiceAccount", "ServiceAccount", "Role", "RoleBinding"),
        docs.stream().map(d -> d.get("kind").asText()).toList());
    JsonNode executor = docs.get(2);
    assertEquals("bopsweep-executor", executor.at("/metadata/name").asText());
    assertEquals(false, executor.at("/automountServiceAccountToken").asBoolean(true), "no API token");
    JsonNode role = docs.get(3);
    assertEquals("bopsweep", role.at("/metadata/namespace").asText());
    assertTrue(role.at("/rules/0/resources").toString().contains("pods"));
    JsonNode binding = docs.get(4);
    assertEquals("bopsweep-driver", binding.at("/subjects/0/name").asText());
    assertEquals(1, binding.at("/subjects").size(), "the executors' account is bound to nothing");
    assertEquals("Role", binding.at("/roleRef/kind").asText(), "no ClusterRole");
  }

  /** The restricted Pod Security profile, for a pod template and its named container. */
  static void assertRestricted(JsonNode pod, String container) {
    assertTrue(pod.at("/spec/securityContext/runAsNonRoot").asBoolean(), "runAsNonRoot");
    assertEquals("RuntimeDefault", pod.at("/spec/securityContext/seccompProfile/type").asText());
    JsonNode c = pod.at("/spec/containers/0");
    assertEquals(container, c.at("/name").asText(), "Spark takes its container by this name");
    assertEquals(false, c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
    assertEquals("[\"ALL\"]", c.at("/securityContext/capabilities/drop").toString());
    assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
    String tmpVolume = null;
    for (JsonNode m : c.at("/volumeMounts")) {
      if (m.at("/mountPath").asText().equals("/tmp")) {
        tmpVolume = m.at("/name").asText();
      }
    }
    assertTrue(tmpVolume != null, "/tmp is writable");
    boolean emptyDir = false;
    for (JsonNode v : pod.at("/spec/volumes")) {
      emptyDir |= v.at("/name").asText().equals(tmpVolume) && v.has("emptyDir");
    }
    assertTrue(emptyDir, "/tmp is an emptyDir");
  }

  @Test
  void podTemplatesMeetTheRestrictedProfile() throws Exception {
    assertRestricted(documents("k8s/driver-pod-template.yaml").get(0), "spark-kubernetes-driver");
    JsonNode executor = documents("k8s/executor-pod-template.yaml").get(0);
    assertRestricted(executor, "spark-kubernetes-executor");
    assertEquals(false, executor.at("/spec/automountServiceAccountToken").asBoolean(true));
  }

  @Test
  void sparkApplicationRunsTheJarWithGpuExecutors() throws Exception {
    JsonNode app = documents("k8s/spark-application.yaml").get(0);
    assertEquals("SparkApplication", app.get("kind").asText());
    assertEquals("io.bopsweep.cli.Main", app.at("/spec/mainClass").asText());
    assertEquals("local:///opt/bopsweep/bopsweep-app.jar", app.at("/spec/mainApplicationFile").asText());
    assertEquals(pomProperty("spark.version"), app.at("/spec/sparkVersion").asText(), "the built Spark version");
    assertEquals("nvidia.com/gpu", app.at("/spec/executor/gpu/name").asText());
    assertEquals(1, app.at("/spec/executor/gpu/quantity").asInt());
    assertEquals("false", app.at("/spec/sparkConf/spark.speculation").asText());
    assertEquals("bopsweep-driver", app.at("/spec/driver/serviceAccount").asText());
    assertEquals("bopsweep-executor", app.at("/spec/executor/serviceAccount").asText());
    assertEquals("bopsweep-executor",
        app.at("/spec/sparkConf/spark.kubernetes.authenticate.executor.serviceAccountName").asText());
    assertEquals("/opt/bopsweep/k8s/driver-pod-template.yaml",
        app.at("/spec/sparkConf/spark.kubernetes.driver.podTemplateFile").asText());
    assertEquals("true", app.at("/spec/sparkConf/spark.authenticate").asText());
    assertEquals("true", app.at("/spec/sparkConf/spark.network.crypto.enabled").asText());
    assertTrue(app.at("/spec/arguments").toString().contains("sweep"));
  }

  @Test
  void executorTemplateTargetsGpuNodesAsNonRoot() throws Exception {
    JsonNode pod = documents("k8s/executor-pod-template.yaml").get(0);
    assertEquals("true", pod.at("/spec/nodeSelector/nvidia.com~1gpu.present").asText());
    assertEquals("nvidia.com/gpu", pod.at("/spec/tolerations/0/key").asText());
    assertTrue(pod.at("/spec/securityContext/runAsNonRoot").asBoolean());
    assertEquals("1", pod.at("/spec/containers/0/resources/limits/nvidia.com~1gpu").asText());
  }

  @Test
  void imageIsTheOfficialSparkImageOfTheBuiltVersionPinnedAndChecksummedWithoutSecrets() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("k8s/Dockerfile"));
    String image = "ARG SPARK_IMAGE=apache/spark:" + pomProperty("spark.version") + "-scala"
        + pomProperty("scala.binary.version") + "-java17";
    assertTrue(dockerfile.contains(image), "same Spark version as the build: " + image);
    assertTrue(dockerfile.contains("FROM ${SPARK_IMAGE}@${SPARK_IMAGE_DIGEST}"), "pinned by digest");
    long downloads = dockerfile.lines().filter(l -> l.contains("curl -fsSL -o")).count();
    long checks = dockerfile.lines().filter(l -> l.contains("| sha256sum -c -")).count();
    assertEquals(3, downloads);
    assertEquals(downloads, checks, "every download checked");
    for (String pin : List.of("LIBTORCH_SHA256", "HADOOP_AWS_SHA256", "AWS_SDK_SHA256")) {
      assertTrue(dockerfile.contains("ARG " + pin + "=") && dockerfile.contains(pin + "=\"$" + pin + "\""),
          pin + " declared and required");
    }
    assertTrue(dockerfile.contains("k8s/driver-pod-template.yaml"), "the driver template is in the image");
    assertTrue(dockerfile.contains("USER spark"), "non-root");
    assertTrue(dockerfile.contains("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib"));
    for (String secret : List.of("AWS_SECRET", "aws_secret_access_key", "PASSWORD", "TOKEN=")) {
      assertTrue(!dockerfile.contains(secret), "no secrets baked in: " + secret);
    }
  }

  @Test
  void sparkProfilesTurnSpeculationOffAndDeclareGpus() throws Exception {
    for (String profile : List.of("local", "standalone", "k8s-gpu")) {
      Properties p = new Properties();
      try (var in = Files.newInputStream(ROOT.resolve("conf/spark/" + profile + ".properties"))) {
        p.load(in);
      }
      assertEquals("false", p.getProperty("spark.speculation").strip(), profile);
      assertTrue(p.getProperty("spark.task.maxFailures") != null, profile);
    }
    Properties gpu = new Properties();
    try (var in = Files.newInputStream(ROOT.resolve("conf/spark/k8s-gpu.properties"))) {
      gpu.load(in);
    }
    assertEquals("nvidia.com", gpu.getProperty("spark.executor.resource.gpu.vendor").strip());
    assertEquals("/opt/bopsweep/conf/spark/gpu-discovery.sh", gpu.getProperty("spark.executor.resource.gpu.discoveryScript").strip());
    assertTrue(Files.isExecutable(ROOT.resolve("conf/spark/gpu-discovery.sh")));
    for (String key : List.of("spark.authenticate", "spark.network.crypto.enabled", "spark.io.encryption.enabled")) {
      assertEquals("true", gpu.getProperty(key, "").strip(), key);
    }
    assertEquals("bopsweep-executor", gpu.getProperty("spark.kubernetes.authenticate.executor.serviceAccountName").strip());
    String standalone = Files.readString(ROOT.resolve("conf/spark/standalone.properties"));
    assertTrue(standalone.contains("# spark.authenticate                 true"), "documented option");
  }
}
