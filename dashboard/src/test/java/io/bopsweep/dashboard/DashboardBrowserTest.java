package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Each page in headless Chromium (Debian's chromium and chromium-driver) against a copy of the
 * committed quick-start store, with one made-up failed trial whose error text is markup and one
 * running trial whose progress the test writes. With -Dbopsweep.screenshots=DIR it saves a
 * screenshot of each page there (docs/dashboard/ holds the committed ones).
 */
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String HOSTILE = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 1\">";
  static final String RUNNING_ID = "00running0trial0";

  /** The committed quick-start store's trials and epoch rows, counted from its files (the failed trial is added). */
  static int storedTrials;
  static long storedEpochs;

  static void countStored(Path store) throws IOException {
    try (Stream<Path> files = Files.list(store.resolve("trials"))) {
      storedTrials = (int) files.filter(f -> f.toString().endsWith(".parquet")).count();
    }
    storedEpochs = 0;
    try (Stream<Path> files = Files.list(store.resolve("epochs"))) {
      for (Path f : files.filter(x -> x.toString().endsWith(".parquet")).toList()) {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
            new org.apache.hadoop.fs.Path(f.toUri())).withConf(new Configuration()).build()) {
          while (reader.read() != null) {
            storedEpochs++;
          }
        }
      }
    }
  }

  @TempDir static Path dir;
  static Path store;
  static SparkSession spark;
  static DashboardServer server;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("headless Chromium is missing: " + CHROMIUM + " and " + CHROMEDRIVER
          + " are needed (Debian: apt-get install -y chromium chromium-driver; .ci/run installs them)");
    }
    store = dir.resolve("store");
    copy(Path.of("..", "docs", "results", "quickstart", "store"), store);
    countStored(store);
    addFailedTrial(store, HOSTILE);
    writeProgress(1, 0.5);
    spark = SparkSession.builder().master("local[2]").appName("dashboard-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate();
    server = DashboardServer.start(new Dashboard(StoreAccess.open(store.toString(), new Configuration()), () -> spark),
        "127.0.0.1", 0);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,900",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (spark != null) {
      spark.stop();
    }
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.sorted().toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** A FAILED copy of the first quick-start trial, with another id, no final metrics and the given error text. */
  static void addFailedTrial(Path store, String error) throws IOException {
    Configuration conf = new Configuration();
    Path source;
    try (Stream<Path> files = Files.list(store.resolve("trials"))) {
      source = files.sorted().findFirst().orElseThrow();
    }
    Group row;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
        new org.apache.hadoop.fs.Path(source.toUri())).withConf(conf).build()) {
      row = reader.read();
    }
    MessageType schema = (MessageType) row.getType();
    Group failed = new SimpleGroupFactory(schema).newGroup();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Type t = schema.getType(i);
      String name = t.getName();
      if (name.equals("trial_id")) {
        failed.add(i, "ffffffffffffffff");
      } else if (name.equals("status")) {
        failed.add(i, "FAILED");
      } else if (name.equals("error")) {
        failed.add(i, error);
      } else if (name.equals("epochs_done")) {
        failed.add(i, 0);
      } else if (row.getFieldRepetitionCount(i) > 0 && !name.startsWith("final_") && !name.startsWith("best_")) {
        switch (t.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> failed.add(i, row.getInteger(i, 0));
          case INT64 -> failed.add(i, row.getLong(i, 0));
          case DOUBLE -> failed.add(i, row.getDouble(i, 0));
          case BOOLEAN -> failed.add(i, row.getBoolean(i, 0));
          default -> failed.add(i, row.getString(i, 0));
        }
      }
    }
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(store.resolve("trials/ffffffffffffffff.parquet").toUri());
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(out, conf)).withType(schema)
        .withConf(conf).build()) {
      w.write(failed);
    }
  }

  /** The progress file of a running trial, written the way a sweep writes it (a whole new file renamed over). */
  static void writeProgress(int epoch, double testAcc) throws IOException {
    Path d = Files.createDirectories(store.resolve("_checkpoints/" + RUNNING_ID));
    Path tmp = d.resolve(".progress.json.tmp");
    Files.writeString(tmp, "{\"epoch\":" + epoch + ",\"epochs\":10,\"time\":\"2026-11-26T12:00:0" + epoch
        + "Z\",\"test_acc\":" + testAcc + ",\"epoch_seconds\":4.0}");
    Files.move(tmp, d.resolve("progress.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  static void open(String path) {
    browser.get(server.url() + path.substring(1));
  }

  static void waitFor(String condition) {
    new WebDriverWait(browser, Duration.ofSeconds(120)).until(d -> Boolean.TRUE.equals(js("return !!(" + condition + ")")));
  }

  static void screenshot(String name) throws IOException {
    String target = System.getProperty("bopsweep.screenshots");
    if (target != null) {
      Files.createDirectories(Path.of(target));
      Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of(target, name + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static List<List<String>> tableCells(String selector) {
    List<List<String>> rows = new ArrayList<>();
    for (WebElement tr : browser.findElements(By.cssSelector(selector + " tbody tr"))) {
      rows.add(tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList());
    }
    return rows;
  }

  @Test
  void sweepsPageCountsTrialsByStatusAndShowsTheRunningTrialWithAnEta() throws IOException {
    writeProgress(1, 0.5);
    open("/?poll=0");
    waitFor("window.bopsweep.sweeps");
    WebElement sweeps = browser.findElements(By.cssSelector("main .scroll")).get(0);
    List<String> headers = sweeps.findElements(By.tagName("th")).stream().map(WebElement::getText).toList();
    assertEquals(List.of("sweep", "trials", "DONE", "FAILED", "epochs"), headers);
    List<String> quickstart = sweeps.findElement(By.cssSelector("tbody tr")).findElements(By.tagName("td")).stream()
        .map(WebElement::getText).toList();
    assertEquals(List.of("quickstart", String.valueOf(storedTrials + 1), String.valueOf(storedTrials), "1",
        String.valueOf(storedEpochs)), quickstart);
    waitFor("document.getElementById('eta')");
    assertTrue(browser.findElement(By.id("eta")).getText().contains("0m36s"), browser.findElement(By.id("eta")).getText());
    assertTrue(browser.findElement(By.tagName("main")).getText().contains(RUNNING_ID));
    screenshot("sweeps");
  }

  @Test
  void trialsPageListsEverySettingAndSortsAndFiltersAndShowsMarkupAsText() throws IOException {
    open("/trials");
    waitFor("window.bopsweep.trials && document.querySelectorAll('tbody tr').length");
    @SuppressWarnings("unchecked")
    List<String> columns = (List<String>) js("return window.bopsweep.trials.columns");
    for (String c : List.of("trial_id", "status", "attempt", "final_test_acc", "gamma", "tau", "seed", "code_version", "host")) {
      assertTrue(columns.contains(c), c + " in " + columns);
    }
    assertEquals(storedTrials + 1, browser.findElements(By.cssSelector("tbody tr")).size());
    // the error text is shown as text: no script ran, no image was made from it
    assertTrue(browser.findElement(By.tagName("tbody")).getText().contains(HOSTILE));
    assertNull(js("return window.__pwned"));
    assertTrue(browser.findElements(By.cssSelector("tbody img")).isEmpty());
    screenshot("trials");

    browser.findElement(By.cssSelector("th[data-column=final_test_acc]")).click();
    waitFor("document.getElementById('count').textContent.endsWith('sorted by final_test_acc')");
    browser.findElement(By.cssSelector("th[data-column=final_test_acc]")).click();
    waitFor("window.bopsweep.trials && document.getElementById('count').textContent.includes('descending')");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) js("return window.bopsweep.trials.rows");
    List<Double> acc = rows.stream().map(r -> (Double) r.get("final_test_acc")).filter(v -> v != null).toList();
    assertEquals(storedTrials, acc.size());
    assertEquals(acc.stream().sorted(Comparator.reverseOrder()).toList(), acc);

    WebElement filter = browser.findElement(By.id("filter"));
    filter.sendKeys("status=FAILED\n");
    waitFor("window.bopsweep.trials.total === 1");
    assertEquals("ffffffffffffffff", tableCells("#table").get(0).get(1));
  }

  @Test
  void curvesOfSelectedTrialsDrawTheStoredEpochs() throws IOException {
    open("/trials");
    waitFor("document.querySelectorAll('input.pick').length === " + (storedTrials + 1));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) js("return window.bopsweep.trials.rows");
    for (WebElement box : browser.findElements(By.cssSelector("input.pick"))) {
      if (!box.getAttribute("value").equals("ffffffffffffffff")) {
        box.click();
      }
    }
    browser.findElement(By.id("show-curves")).click();
    waitFor("window.bopsweep.drawn && window.bopsweep.drawn.pi_last !== undefined");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> curves = (List<Map<String, Object>>) js("return window.bopsweep.curves.curves");
    assertEquals(storedTrials, curves.size());
    long points = 0;
    for (Map<String, Object> c : curves) {
      @SuppressWarnings("unchecked")
      Map<String, List<Number>> s = (Map<String, List<Number>>) c.get("series");
      Map<String, Object> row = rows.stream().filter(r -> r.get("trial_id").equals(c.get("trialId"))).findFirst().orElseThrow();
      // the curve comes from the epochs file; its last epoch is what the trials file says of the trial
      assertEquals(((Number) row.get("epochs_done")).intValue(), s.get("epoch").size());
      assertEquals(((Number) row.get("final_test_acc")).doubleValue(), s.get("testAcc").get(s.get("testAcc").size() - 1).doubleValue(), 1e-12);
      assertEquals(((Number) row.get("final_pi_last")).doubleValue(), s.get("piLast").get(s.get("piLast").size() - 1).doubleValue(), 1e-12);
      points += s.get("epoch").size();
    }
    for (String metric : List.of("test_acc", "test_loss", "pi_last")) {
      assertEquals(points, ((Number) js("return window.bopsweep.drawn['" + metric + "']")).longValue(), metric);
      assertEquals(String.valueOf(points), browser.findElement(By.id("chart-" + metric)).getAttribute("data-points"));
    }
    assertFalse(browser.findElements(By.cssSelector("#chart-test_acc canvas")).isEmpty());
    screenshot("curves");
  }

  @Test
  void groupCurvesHaveMeanAndStdBands() throws IOException {
    open("/curves?sweep=quickstart&poll=0");
    waitFor("window.bopsweep.drawn && window.bopsweep.drawn.pi_last !== undefined");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups = (List<Map<String, Object>>) js("return window.bopsweep.curves.groups");
    // the failed trial has no epochs file: its group has no points; the four others are one per configuration
    long withPoints = groups.stream().filter(g -> !((List<?>) ((Map<?, ?>) ((Map<?, ?>) g.get("bands")).get("test_acc"))
        .get("epoch")).isEmpty()).count();
    assertEquals(4, withPoints);
    screenshot("groups");
  }

  @Test
  void aRunningTrialsNewEpochAppearsWithoutAReload() throws IOException {
    writeProgress(1, 0.5);
    open("/curves?ids=" + RUNNING_ID + "&poll=300");
    waitFor("window.bopsweep.drawn && window.bopsweep.drawn.test_acc === 1");
    js("window.__samePage = true");
    writeProgress(2, 0.75);
    waitFor("window.bopsweep.drawn.test_acc === 2");
    assertEquals(Boolean.TRUE, js("return window.__samePage"));
    assertEquals(List.of(0.5, 0.75), js("return window.bopsweep.curves.curves[0].series.testAcc"));
  }

  @Test
  void queryBoxAnswersSelectsWithARowLimitAndRefusesOtherStatementsWithOneLine() throws IOException {
    open("/query");
    waitFor("document.getElementById('sql')");
    WebElement sql = browser.findElement(By.id("sql"));
    sql.clear();
    sql.sendKeys("SELECT trial_id, status, error FROM trials ORDER BY trial_id");
    WebElement limit = browser.findElement(By.id("limit"));
    limit.clear();
    limit.sendKeys("3");
    browser.findElement(By.id("run")).click();
    waitFor("window.bopsweep.query");
    assertEquals(Boolean.TRUE, js("return window.bopsweep.query.truncated"));
    assertEquals(3, tableCells("#result").size());

    sql.clear();
    sql.sendKeys("SELECT error FROM trials WHERE status = 'FAILED'");
    browser.findElement(By.id("run")).click();
    waitFor("window.bopsweep.query && window.bopsweep.query.rows");
    assertEquals(List.of(List.of(HOSTILE)), tableCells("#result"));
    assertNull(js("return window.__pwned"));
    screenshot("query");

    sql.clear();
    sql.sendKeys("SELECT * FROM parquet.`" + store.resolve("trials") + "`");
    browser.findElement(By.id("run")).click();
    waitFor("window.bopsweep.query && window.bopsweep.query.error");
    String error = browser.findElement(By.id("error")).getText();
    assertTrue(error.startsWith("refused: "), error);
    assertEquals(1, error.lines().count());
    assertTrue(tableCells("#result").isEmpty());
  }

  @Test
  void reportPageShowsTheAnalysisTablesAndImages() throws IOException {
    open("/report?sweep=quickstart");
    waitFor("window.bopsweep.report");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tables = (List<Map<String, Object>>) js("return window.bopsweep.report.tables");
    List<Object> names = tables.stream().map(t -> t.get("name")).toList();
    assertTrue(names.contains("table-5.1-gamma-tau") && names.contains("summary"), names.toString());
    waitFor("[...document.querySelectorAll('img.report')].every(i => i.complete && i.naturalWidth > 0)");
    assertTrue(browser.findElements(By.cssSelector("img.report")).size() >= 2);
    screenshot("report");
  }
}
