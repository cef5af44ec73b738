package io.bopsweep.cli;

import io.bopsweep.dashboard.Dashboard;
import io.bopsweep.dashboard.DashboardException;
import io.bopsweep.dashboard.DashboardServer;
import io.bopsweep.dashboard.StoreAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bopsweep serve}: the dashboard of a results store in the browser, until stopped. Read-only. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve a dashboard of the results in the browser (sweeps, trials, curves, report, query); read-only.")
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--results", paramLabel = "DIR_OR_URI", defaultValue = "results", description = "results store (default: results)")
  String results;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8321", description = "port (default: 8321; 0 picks a free one)")
  int port;

  @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
      description = "address to listen on (default: 127.0.0.1, this machine only)")
  String host;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master of the query box and reports (default: local)")
  String master;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (port < 0 || port > 65535) {
      throw new BadInputException("--port: use 0 to 65535, got " + port);
    }
    StoreAccess store;
    DashboardServer server;
    Dashboard dashboard;
    try {
      store = StoreAccess.open(results, new Configuration());
      dashboard = new Dashboard(store, () -> Spark.session("bopsweep serve", master));
      server = DashboardServer.start(dashboard, host, port);
    } catch (DashboardException e) {
      throw new BadInputException(e.getMessage());
    }
    // listening already: the pages say how far the index is until every trials file is read
    dashboard.startIndexing();
    PrintWriter out = spec.commandLine().getOut();
    out.println("bopsweep: dashboard of " + results + " at " + server.url()
        + " (reading its trials files in the background) ; Ctrl-C stops it");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
