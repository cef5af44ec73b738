package io.bopsweep.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The dashboard over HTTP (the JDK's server): HTML pages and scripts from the jar, uPlot from its
 * WebJar, JSON under /api/. Values reach the page as JSON and are put into it as text, never as
 * markup. Only GET and POST are answered; nothing is written to the store.
 */
public final class DashboardServer implements AutoCloseable {
  static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  /** Each page is page.html with its name (data-page, which dashboard.js draws) and title filled in. */
  private static final Map<String, String> PAGES = Map.of("/", "sweeps", "/trials", "trials", "/curves", "curves",
      "/report", "report", "/query", "query");
  private static final Map<String, String> STATIC = Map.of(
      "/static/dashboard.js", "io/bopsweep/dashboard/web/dashboard.js",
      "/static/dashboard.css", "io/bopsweep/dashboard/web/dashboard.css",
      "/static/uPlot.iife.min.js", UPLOT + "uPlot.iife.min.js",
      "/static/uPlot.min.css", UPLOT + "uPlot.min.css");
  private static final Pattern REPORT_FILE = Pattern.compile("/report-files/([0-9]+)/([A-Za-z0-9._-]+\\.png)");

  private final Dashboard dashboard;
  private final HttpServer server;
  private final List<String> reportSweeps = new java.util.concurrent.CopyOnWriteArrayList<>();

  private DashboardServer(Dashboard dashboard, HttpServer server) {
    this.dashboard = dashboard;
    this.server = server;
  }

  /** Starts serving; a taken port is one line: {@link DashboardException}. */
  public static DashboardServer start(Dashboard dashboard, String host, int port) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (BindException e) {
      throw new DashboardException("--port " + port + ": already in use on " + host + " (choose another with --port)");
    } catch (IOException e) {
      throw new DashboardException("--host " + host + " --port " + port + ": cannot listen (" + StoreAccess.firstLine(e) + ")");
    }
    DashboardServer s = new DashboardServer(dashboard, server);
    server.createContext("/", s::handle);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "bopsweep-dashboard");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    Thread warm = new Thread(DashboardServer::warmCurvesJson, "bopsweep-dashboard-warm");
    warm.setDaemon(true);
    warm.start();
    return s;
  }

  /**
   * Writes the JSON of a one-point curve, for nothing: Jackson builds its writers of the curve
   * records on first use, which the first curves request would otherwise wait for.
   */
  private static void warmCurvesJson() {
    EpochSeries point = TrialIndex.series(List.of(new StoreAccess.EpochRow("t", 0, 1, 0.5, 1.0, 1.0, -1.0)));
    try {
      JSON.writeValueAsBytes(Map.of("curves", List.of(new Dashboard.Curve("t", "t", "DONE", false, point))));
    } catch (IOException e) {
      // nothing to warm then: the first request builds the writers
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("POST")) {
        send(ex, 405, "text/plain", "GET or POST only".getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = ex.getRequestURI().getPath();
      Map<String, String> params = params(ex);
      try {
        if (path.startsWith("/api/")) {
          sendJson(ex, 200, api(path, params));
        } else if (PAGES.containsKey(path)) {
          send(ex, 200, "text/html; charset=utf-8", page(PAGES.get(path)));
        } else if (STATIC.containsKey(path)) {
          String type = path.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
          send(ex, 200, type, resource(STATIC.get(path)));
        } else if (REPORT_FILE.matcher(path).matches()) {
          sendReportFile(ex, path);
        } else {
          send(ex, 404, "text/plain", ("no page " + path).getBytes(StandardCharsets.UTF_8));
        }
      } catch (DashboardException e) {
        sendJson(ex, 400, Map.of("error", StoreAccess.firstLine(e)));
      } catch (RuntimeException | IOException e) {
        sendJson(ex, 500, Map.of("error", e.getClass().getSimpleName() + ": " + StoreAccess.firstLine(e)));
      }
    }
  }

  private Object api(String path, Map<String, String> p) throws IOException {
    switch (path) {
      case "/api/sweeps":
        return dashboard.overview();
      case "/api/trials":
        return dashboard.trials(p.get("filter"), p.get("sort"), "true".equals(p.get("desc")),
            integer(p, "offset", 0), integer(p, "limit", 100));
      case "/api/curves":
        return Map.of("curves", dashboard.curves(ids(p)));
      case "/api/groups":
        return Map.of("groups", dashboard.groups(p.getOrDefault("sweep", ""), ids(p)));
      case "/api/query":
        return dashboard.query(required(p, "sql"), integer(p, "limit", 100));
      case "/api/report":
        return report(required(p, "sweep"));
      default:
        throw new DashboardException("no endpoint " + path);
    }
  }

  private Map<String, Object> report(String sweep) throws IOException {
    SparkViews.ReportFiles files = dashboard.report(sweep);
    if (!reportSweeps.contains(sweep)) {
      reportSweeps.add(sweep);
    }
    int n = reportSweeps.indexOf(sweep);
    List<Map<String, Object>> tables = new java.util.ArrayList<>();
    for (String name : files.tables()) {
      List<List<String>> rows = Csv.parse(Files.readString(files.dir().resolve(name)));
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", name.replace(".csv", ""));
      t.put("columns", rows.isEmpty() ? List.of() : rows.get(0));
      t.put("rows", rows.isEmpty() ? List.of() : rows.subList(1, rows.size()));
      tables.add(t);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sweep", sweep);
    out.put("tables", tables);
    out.put("images", files.images().stream().map(i -> "/report-files/" + n + "/" + i).toList());
    return out;
  }

  private void sendReportFile(HttpExchange ex, String path) throws IOException {
    var m = REPORT_FILE.matcher(path);
    m.matches();
    int n = Integer.parseInt(m.group(1));
    if (n >= reportSweeps.size()) {
      send(ex, 404, "text/plain", "no such report".getBytes(StandardCharsets.UTF_8));
      return;
    }
    SparkViews.ReportFiles files = dashboard.report(reportSweeps.get(n));
    if (!files.images().contains(m.group(2))) {
      send(ex, 404, "text/plain", "no such image".getBytes(StandardCharsets.UTF_8));
      return;
    }
    Path file = files.dir().resolve(m.group(2));
    send(ex, 200, "image/png", Files.readAllBytes(file));
  }

  private static List<String> ids(Map<String, String> p) {
    String ids = p.getOrDefault("ids", "");
    return ids.isBlank() ? List.of() : Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String required(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      throw new DashboardException(name + ": missing");
    }
    return v;
  }

  private static int integer(Map<String, String> p, String name, int fallback) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new DashboardException(name + ": not a whole number: '" + v + "'");
    }
  }

  private static Map<String, String> params(HttpExchange ex) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    decode(ex.getRequestURI().getRawQuery(), out);
    if (ex.getRequestMethod().equals("POST")) {
      try (InputStream in = ex.getRequestBody()) {
        decode(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8), out);
      }
    }
    return out;
  }

  private static void decode(String query, Map<String, String> out) {
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
  }

  private static byte[] page(String name) throws IOException {
    String title = Character.toUpperCase(name.charAt(0)) + name.substring(1);
    String html = new String(resource("io/bopsweep/dashboard/web/page.html"), java.nio.charset.StandardCharsets.UTF_8);
    return html.replace("${title}", title).replace("${page}", name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
