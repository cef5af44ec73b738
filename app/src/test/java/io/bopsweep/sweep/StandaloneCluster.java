package io.bopsweep.sweep;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: one Master and N Workers, each its own
 * JVM started from the Maven jars (a SPARK_HOME whose jars/ links the test classpath's Spark
 * jars), so no Spark distribution needs installing.
 */
final class StandaloneCluster implements AutoCloseable {
  static final List<String> OPENS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true");

  final Path dir;
  final Path sparkHome;
  final int port;
  private final Process master;
  final List<Process> workers = new ArrayList<>();

  StandaloneCluster(Path dir, int workerCount) throws Exception {
    this.dir = dir;
    this.sparkHome = Files.createDirectories(dir.resolve("spark-home"));
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : cp.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      String s = p.toString();
      if (s.endsWith(".jar") && !s.contains("/ai/djl/") && !s.contains("bopsweep") && !s.contains("/target/") && !s.contains("junit")
          && !s.contains("surefire") && !s.contains("failsafe") && Files.exists(p)) {
        Path link = jars.resolve(p.getFileName());
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    this.port = freePort();
    master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--webui-port", "0");
    waitForPort(port, 60);
    for (int i = 0; i < workerCount; i++) {
      addWorker();
    }
    waitForLog(dir.resolve("master.log"), "Registering worker", workerCount, 90);
  }

  Process addWorker() throws IOException {
    int i = workers.size();
    Path work = Files.createDirectories(dir.resolve("work-" + i));
    Process p = start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", "0",
        "--webui-port", "0", "--cores", "1", "--memory", "2g", "--work-dir", work.toString(), masterUrl());
    workers.add(p);
    return p;
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  List<String> java(String mainClass, List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(OPENS);
    cmd.add("-Dspark.master.rest.enabled=false");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  ProcessBuilder builder(List<String> cmd, String logName) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve(logName + ".log").toFile());
    return pb;
  }

  private Process start(String name, String mainClass, String... args) throws IOException {
    return builder(java(mainClass, List.of("-Xmx512m"), List.of(args)), name).start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void waitForPort(int port, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + seconds + " s");
  }

  static void waitForLog(Path log, String text, int times, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (Files.exists(log)) {
        String s = Files.readString(log);
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
          n++;
        }
        if (n >= times) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(log + " did not show '" + text + "' " + times + " times in " + seconds + " s");
  }

  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (Process w : workers) {
      kill(w);
    }
    kill(master);
    // remove the links to the Maven jars ourselves (JUnit's temp-dir cleanup warns about each one)
    try (var links = Files.list(sparkHome.resolve("jars"))) {
      for (Path link : links.toList()) {
        Files.deleteIfExists(link);
      }
    } catch (IOException e) {
      // the temp dir cleanup deals with what is left
    }
  }
}
