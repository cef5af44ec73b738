package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * running trial whose progress and live epochs the tests write. With -Dbopsweep.screenshots=DIR it saves a
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
    Dashboard dashboard = new Dashboard(StoreAccess.open(store.toString(), new Configuration()), () -> spark);
    dashboard.refresh();
    server = DashboardServer.start(dashboard, "127.0.0.1", 0);
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
    waitFor("window.bopsweep.sweeps && !window.bopsweep.sweeps.indexing");
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
    assertFalse(browser.findElement(By.id("indexing")).isDisplayed());

    // the quick start's manifest, as a block: its facts, the status of its trials, its spec
    Path manifest;
    try (Stream<Path> files = Files.list(store.resolve("_manifests/quickstart"))) {
      manifest = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    Map<?, ?> m = new ObjectMapper().readValue(manifest.toFile(), Map.class);
    WebElement block = browser.findElement(By.cssSelector(".manifest[data-name='quickstart/" + manifest.getFileName() + "']"));
    assertEquals(m.get("written_at"), fact(block, "written"));
    assertEquals(m.get("code_version"), fact(block, "code version"));
    assertEquals(m.get("spec_sha256"), fact(block, "spec SHA-256"));
    assertEquals(String.valueOf(storedTrials), fact(block, "trials"));
    assertEquals("DONE: " + storedTrials, fact(block, "status of its trials"));
    assertEquals(((String) m.get("spec_text")).strip(), block.findElement(By.tagName("pre")).getText());
    screenshot("sweeps");
  }

  static String fact(WebElement manifest, String key) {
    return manifest.findElement(By.cssSelector("dd[data-key='" + key + "']")).getText();
  }

  @Test
  void aManifestIsShownAsTextWithItsTrialsCountedByStatus() throws IOException {
    Path file = store.resolve("_manifests/zz-hostile/20261126T000000000Z-00000000.json");
    Files.createDirectories(file.getParent());
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("sweep", "zz-hostile");
    json.put("spec_sha256", HOSTILE);
    json.put("trial_ids", List.of("ffffffffffffffff", RUNNING_ID, "0123456789abcdef"));
    json.put("code_version", HOSTILE);
    json.put("written_at", "2026-11-26T00:00:00Z");
    json.put("spec_text", "name: zz-hostile\ndescription: " + HOSTILE);
    new ObjectMapper().writeValue(file.toFile(), json);
    try {
      writeProgress(1, 0.5);
      open("/?poll=0");
      waitFor("window.bopsweep.sweeps && document.querySelectorAll('.manifest').length === 2");
      WebElement block = browser.findElement(By.cssSelector(".manifest[data-name='zz-hostile/" + file.getFileName() + "']"));
      assertEquals("3", fact(block, "trials"));
      assertEquals("FAILED: 1, RUNNING: 1, not committed: 1", fact(block, "status of its trials"));
      assertEquals(HOSTILE, fact(block, "code version"));
      assertEquals(HOSTILE, fact(block, "spec SHA-256"));
      assertEquals("name: zz-hostile\ndescription: " + HOSTILE, block.findElement(By.tagName("pre")).getText());
      assertNull(js("return window.__pwned"));
      assertTrue(browser.findElements(By.cssSelector(".manifest img, .manifest script")).isEmpty());
    } finally {
      Files.delete(file);
      Files.delete(file.getParent());
    }
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
    // four configurations; the failed trial (a copy of one trial's settings) joins one group without epochs
    assertEquals(4, groups.size());
    for (Map<String, Object> g : groups) {
      Map<?, ?> acc = (Map<?, ?>) ((Map<?, ?>) g.get("bands")).get("test_acc");
      assertFalse(((List<?>) acc.get("epoch")).isEmpty(), g.get("label").toString());
      // the quick start's seeds: every epoch of every group has a std over them
      assertEquals(storedTrials / 4, ((List<?>) acc.get("n")).stream().mapToInt(n -> ((Number) n).intValue()).max().orElseThrow());
      ((List<?>) acc.get("std")).forEach(std -> assertTrue(std instanceof Number, g.get("label") + ": " + acc));
    }
    screenshot("groups");
  }

  @Test
  void aRunningTrialsNewEpochAppearsWithoutAReload() throws IOException {
    deleteTree(store.resolve("_live/" + RUNNING_ID));
    writeProgress(1, 0.5);
    StoreFiles.writeLiveEpoch(store, RUNNING_ID, 1, 1, 0.5, 1.4, -2.25);
    open("/curves?ids=" + RUNNING_ID + "&poll=300");
    waitFor("window.bopsweep.drawn && window.bopsweep.drawn.test_acc === 1");
    js("window.__samePage = true");
    // the next epoch ends: its row in _live/ (every metric), then the progress file
    StoreFiles.writeLiveEpoch(store, RUNNING_ID, 1, 2, 0.75, 1.1, -2.5);
    writeProgress(2, 0.75);
    waitFor("window.bopsweep.drawn.test_acc === 2");
    assertEquals(Boolean.TRUE, js("return window.__samePage"));
    assertEquals(Boolean.TRUE, js("return window.bopsweep.curves.curves[0].running"));
    assertEquals(List.of(1L, 2L), js("return window.bopsweep.curves.curves[0].series.epoch"));
    assertEquals(List.of(0.5, 0.75), js("return window.bopsweep.curves.curves[0].series.testAcc"));
    assertEquals(List.of(1.4, 1.1), js("return window.bopsweep.curves.curves[0].series.testLoss"));
    assertEquals(List.of(-2.25, -2.5), js("return window.bopsweep.curves.curves[0].series.piLast"));
    assertEquals(2L, js("return window.bopsweep.drawn.test_loss"));
    assertEquals(2L, js("return window.bopsweep.drawn.pi_last"));
  }

  static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void aPageRequestedBeforeTheIndexIsReadSaysSoAndFillsInWithoutAReload() throws IOException {
    Path second = dir.resolve("indexed-late");
    copy(Path.of("..", "docs", "results", "quickstart", "store"), second);
    int trials = storedTrials;
    StoreFiles.HeldExecutor readers = new StoreFiles.HeldExecutor();
    Dashboard late = new Dashboard(StoreAccess.open(second.toString(), new Configuration()), () -> {
      throw new AssertionError("no Spark for the trials and sweeps pages");
    }, readers, TrialIndex.defaultReaders("bopsweep-dashboard-curves"), Duration.ZERO);
    late.startIndexing();
    try (DashboardServer s = DashboardServer.start(late, "127.0.0.1", 0)) {
      browser.get(s.url() + "trials");
      // the listing of trials/ runs in the background too: wait until it has counted the files
      waitFor("window.bopsweep.trials && window.bopsweep.indexing && window.bopsweep.indexing.total === " + trials);
      String banner = browser.findElement(By.id("indexing")).getText();
      assertTrue(banner.contains("0 of " + trials + " trials files read"), banner);
      assertEquals(0L, js("return window.bopsweep.trials.total"));
      js("window.__samePage = true");

      readers.run(5);
      waitFor("window.bopsweep.trials.total === 5");
      banner = browser.findElement(By.id("indexing")).getText();
      assertTrue(banner.contains("5 of " + trials + " trials files read"), banner);
      screenshot("trials-indexing");

      readers.release();
      waitFor("window.bopsweep.trials.total === " + trials + " && !window.bopsweep.indexing");
      assertFalse(browser.findElement(By.id("indexing")).isDisplayed());
      assertEquals(trials, browser.findElements(By.cssSelector("tbody tr")).size());
      assertEquals(Boolean.TRUE, js("return window.__samePage"));

      // a trial committed after the index was read: the sweeps page counts it at its next poll
      browser.get(s.url() + "?poll=300");
      waitFor("window.bopsweep.sweeps && window.bopsweep.sweeps.sweeps[0].trials === " + trials);
      js("window.__samePage = true");
      addFailedTrial(second, "committed after start");
      waitFor("window.bopsweep.sweeps.sweeps[0].trials === " + (trials + 1));
      assertEquals(Boolean.TRUE, js("return window.__samePage"));
    }
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

    // epochs_live: the running trial's finished epochs, a new one at the next query
    deleteTree(store.resolve("_live/" + RUNNING_ID));
    StoreFiles.writeLiveEpoch(store, RUNNING_ID, 1, 1, 0.5, 1.4, -2.25);
    String live = "SELECT epoch, test_acc FROM epochs_live WHERE trial_id = '" + RUNNING_ID + "' ORDER BY epoch";
    sql.clear();
    sql.sendKeys(live);
    browser.findElement(By.id("run")).click();
    waitFor("window.bopsweep.query && window.bopsweep.query.rows");
    assertEquals(List.of(List.of("1", "0.5")), tableCells("#result"));
    StoreFiles.writeLiveEpoch(store, RUNNING_ID, 1, 2, 0.75, 1.1, -2.5);
    browser.findElement(By.id("run")).click();
    waitFor("window.bopsweep.query && window.bopsweep.query.rows");
    assertEquals(List.of(List.of("1", "0.5"), List.of("2", "0.75")), tableCells("#result"));

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
