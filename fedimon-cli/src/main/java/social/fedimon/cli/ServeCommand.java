package social.fedimon.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import social.fedimon.server.FedimonServer;

/** {@code fedimon serve}: the web console and API, on embedded defaults unless configured. */
@Command(
    name = "serve",
    description = {
      "Run the FédiMon server: web console, REST API and the jobs behind them.",
      "Parts not configured through FEDIMON_* variables run embedded, with data under the data"
          + " folder: PostgreSQL, S3 (S3Proxy) and a mail outbox. Stop with Ctrl-C."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on (default: FEDIMON_PORT or 8080).")
  @Nullable Integer port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: FEDIMON_BIND_ADDRESS or 127.0.0.1).")
  @Nullable String bind;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Folder for embedded data (default: FEDIMON_DATA_DIR or ./var).")
  @Nullable Path dataDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    List<String> springArgs = new ArrayList<>();
    if (port != null) {
      springArgs.add("--server.port=" + port);
    }
    if (bind != null) {
      springArgs.add("--server.address=" + bind);
    }
    if (dataDir != null) {
      springArgs.add("--fedimon.data-dir=" + dataDir);
    }
    return Serving.run(springArgs.toArray(String[]::new), spec.commandLine().getErr());
  }

  /**
   * The Spring side, in a class of its own: picocli reads every method of a command class when any
   * command line is built, and a Spring type in one of them (the listener below) made every {@code
   * fedimon} command search the class path for Spring's jars at start-up.
   */
  private static final class Serving {
    private Serving() {}

    static int run(String[] springArgs, java.io.PrintWriter err) throws InterruptedException {
      ConfigurableApplicationContext context;
      try {
        context = FedimonServer.start(springArgs);
      } catch (RuntimeException e) {
        // Spring Boot has already printed why (a failure analysis or the exception itself).
        err.println("fedimon: the server did not start.");
        return Fedimon.FAILED;
      }
      CountDownLatch closed = new CountDownLatch(1);
      context.addApplicationListener(
          event -> {
            if (event instanceof ContextClosedEvent) {
              closed.countDown();
            }
          });
      if (context.isActive()) {
        closed.await();
      }
      return Fedimon.OK;
    }
  }
}
