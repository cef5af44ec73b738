package io.bopsweep.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a request the dashboard cannot answer gets: a status and one line. */
class DashboardApiTest {
  @TempDir static Path dir;
  static DashboardServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    Path store = dir.resolve("store");
    DashboardBrowserTest.copy(Path.of("..", "docs", "results", "quickstart", "store"), store);
    Dashboard dashboard = new Dashboard(StoreAccess.open(store.toString(), new Configuration()), () -> {
      throw new AssertionError("these requests need no Spark");
    });
    dashboard.refresh();
    server = DashboardServer.start(dashboard, "127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("GET", "api/curves?ids=nope", 400, "{\"error\":\"no trial 'nope' in the store\"}"),
        Arguments.of("GET", "api/groups?sweep=nope", 400, "{\"error\":\"no trials of sweep 'nope' in the store\"}"),
        Arguments.of("GET", "api/trials?limit=x", 400, "{\"error\":\"limit: not a whole number: 'x'\"}"),
        Arguments.of("POST", "api/query", 400, "{\"error\":\"sql: missing\"}"),
        Arguments.of("GET", "api/report", 400, "{\"error\":\"sweep: missing\"}"),
        Arguments.of("GET", "api/nope", 400, "{\"error\":\"no endpoint /api/nope\"}"),
        Arguments.of("GET", "nope", 404, "no page /nope"),
        Arguments.of("GET", "report-files/7/test-accuracy.png", 404, "no such report"),
        Arguments.of("GET", "static/../../STORE.json", 404, "no page /static/../../STORE.json"),
        Arguments.of("DELETE", "", 405, "GET or POST only"));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void answersWithAStatusAndOneLine(String method, String path, int status, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode());
    assertEquals(body, r.body());
  }
}
