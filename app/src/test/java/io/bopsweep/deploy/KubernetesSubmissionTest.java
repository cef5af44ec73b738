package io.bopsweep.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SecurityManager;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.k8s.KubernetesConf;
import org.apache.spark.deploy.k8s.KubernetesExecutorConf;
import org.apache.spark.deploy.k8s.KubernetesExecutorSpec;
import org.apache.spark.deploy.k8s.submit.KubernetesClientApplication;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spark's own Kubernetes submission client, with the shipped k8s-gpu profile, against a mock
 * Kubernetes API server on 127.0.0.1: the driver pod it creates and the executor pod it would
 * ask for (GPU limit, pod template) are what the deployment docs promise.
 */
class KubernetesSubmissionTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  KubernetesMockServer server;

  @BeforeEach
  void start() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ApplyAsCreate(), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
  }

  /**
   * Spark creates the driver's service and config maps by server-side apply (PATCH); the CRUD mock
   * only patches what exists, so an apply of something new is stored as a create.
   */
  static final class ApplyAsCreate extends KubernetesCrudDispatcher {
    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      String path = request.getPath();
      String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      String type = String.valueOf(request.getHeader("Content-Type"));
      if (type.contains("apply-patch") && handleGet(plain).code() == 404) {
        String collection = plain.substring(0, plain.lastIndexOf('/'));
        return handleCreate(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collection, request.getHeaders(),
            request.getBody()));
      }
      return super.handlePatch(request);
    }
  }

  @AfterEach
  void stop() {
    server.destroy();
    // Spark caches the default resource profile (here: one GPU per task) for the whole JVM; other
    // tests in this JVM run local-mode jobs that must not wait for GPUs
    org.apache.spark.resource.ResourceProfile$.MODULE$.clearDefaultProfile();
  }

  SparkConf profile() throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(ROOT.resolve("conf/spark/k8s-gpu.properties").toFile())) {
      p.load(in);
    }
    SparkConf conf = new SparkConf(false);
    p.forEach((k, v) -> conf.set((String) k, ((String) v).strip()));
    return conf
        .set("spark.master", "k8s://http://127.0.0.1:" + server.getPort())
        .set("spark.submit.deployMode", "cluster")
        .set("spark.app.name", "bopsweep-quickstart")
        .set("spark.kubernetes.submission.waitAppCompletion", "false")
        // the image's path of the templates is /opt/bopsweep/k8s/...; here, the files in the repository
        .set("spark.kubernetes.driver.podTemplateFile", ROOT.resolve("k8s/driver-pod-template.yaml").toString())
        .set("spark.kubernetes.executor.podTemplateFile", ROOT.resolve("k8s/executor-pod-template.yaml").toString());
  }

  @Test
  void driverPodCarriesImageServiceAccountAndGpuSettings() throws Exception {
    SparkConf conf = profile();
    new KubernetesClientApplication().start(new String[] {
      "--primary-java-resource", "local:///opt/bopsweep/bopsweep-app.jar",
      "--main-class", "io.bopsweep.cli.Main",
      "--arg", "sweep", "--arg", "/opt/bopsweep/conf/sweeps/quickstart.yaml"}, conf);

    NamespacedKubernetesClient client = server.createClient();
    List<Pod> pods = client.pods().inNamespace("bopsweep").list().getItems();
    assertEquals(1, pods.size(), "one driver pod");
    Pod driver = pods.get(0);
    assertEquals("bopsweep-driver", driver.getSpec().getServiceAccountName());
    Container c = driver.getSpec().getContainers().get(0);
    assertEquals("registry.example.org/bopsweep:0.1.0", c.getImage());
    assertTrue(c.getArgs().contains("io.bopsweep.cli.Main"), c.getArgs().toString());
    assertTrue(c.getArgs().contains("local:///opt/bopsweep/bopsweep-app.jar"), c.getArgs().toString());
    assertTrue(c.getArgs().contains("sweep"), c.getArgs().toString());
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("PYTORCH_LIBRARY_PATH")
        && e.getValue().equals("/opt/libtorch/lib")), "CUDA libtorch path for DJL");
    assertTrue(c.getResources().getRequests().containsKey("memory"));
    assertTrue(driver.getSpec().getSecurityContext().getRunAsNonRoot(), "from the driver template");
    assertEquals("RuntimeDefault", driver.getSpec().getSecurityContext().getSeccompProfile().getType());
    assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), "a writable /tmp");

    String properties = client.configMaps().inNamespace("bopsweep").list().getItems().stream()
        .map(ConfigMap::getData).filter(d -> d.containsKey("spark.properties")).map(d -> d.get("spark.properties"))
        .findFirst().orElseThrow();
    for (String expected : List.of("spark.executor.resource.gpu.amount=1", "spark.executor.resource.gpu.vendor=nvidia.com",
        "spark.task.resource.gpu.amount=1", "spark.speculation=false",
        "spark.executor.resource.gpu.discoveryScript=/opt/bopsweep/conf/spark/gpu-discovery.sh")) {
      assertTrue(properties.contains(expected), "driver's spark.properties lacks " + expected);
    }
  }

  @Test
  void executorPodAsksForOneGpuOnGpuNodes() throws Exception {
    SparkConf conf = profile().set("spark.app.id", "spark-test-app");
    KubernetesExecutorConf executorConf = KubernetesConf.createExecutorConf(conf, "1", "spark-test-app",
        scala.Option.empty(), ResourceProfile.DEFAULT_RESOURCE_PROFILE_ID());
    SecurityManager security = new SecurityManager(conf, scala.Option.empty(),
        org.apache.spark.internal.config.package$.MODULE$.AUTH_SECRET_FILE_EXECUTOR());
    security.initializeAuth();
    KubernetesExecutorSpec spec = new KubernetesExecutorBuilder().buildFromFeatures(executorConf, security,
        server.createClient(), org.apache.spark.resource.ResourceProfile$.MODULE$.getOrCreateDefaultProfile(conf));
    Pod pod = spec.pod().pod();
    Container c = spec.pod().container();
    assertEquals("1", c.getResources().getLimits().get("nvidia.com/gpu").getAmount(), "one GPU per executor");
    assertEquals("true", pod.getSpec().getNodeSelector().get("nvidia.com/gpu.present"), "from the pod template");
    assertTrue(pod.getSpec().getTolerations().stream().anyMatch(t -> "nvidia.com/gpu".equals(t.getKey())));
    assertEquals("registry.example.org/bopsweep:0.1.0", c.getImage());
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("PYTORCH_LIBRARY_PATH")));
    assertEquals("bopsweep-executor", pod.getSpec().getServiceAccountName(), "not the driver's account");
    assertEquals(false, pod.getSpec().getAutomountServiceAccountToken());
    assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("_SPARK_AUTH_SECRET")),
        "RPC authentication: the executor gets the driver's secret");
    assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
  }
}
