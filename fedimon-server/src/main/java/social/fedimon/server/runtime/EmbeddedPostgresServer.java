package social.fedimon.server.runtime;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's binaries from Maven Central) with its cluster under {@code
 * var/postgres}, kept across restarts, listening on loopback only.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  /** The database the platform's schema lives in. */
  public static final String DATABASE = "fedimon";

  /** initdb plus a first start on a slow disk; the library's own default (10 s) is too tight. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;
  private final Path cluster;
  private final String version;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path cluster, String version) {
    this.postgres = postgres;
    this.cluster = cluster;
    this.version = version;
  }

  /** Starts the server on {@code dataDirectory/postgres}, creating the cluster on first use. */
  public static EmbeddedPostgresServer start(DataDirectory dataDirectory) {
    Path cluster = dataDirectory.root().resolve("postgres");
    Path logFile = dataDirectory.folder("log").resolve("postgres.log");
    try {
      stopOrphan(cluster);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(cluster)
              .setCleanDataDirectory(false)
              .setPort(freePort())
              .setPGStartupWait(START_TIMEOUT)
              .setLocaleConfig("locale", "C")
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      String version = createDatabaseIfMissing(postgres.getPostgresDatabase());
      return new EmbeddedPostgresServer(postgres, cluster, version);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL in " + cluster + " (its log: " + logFile + ")",
          e);
    }
  }

  private static String createDatabaseIfMissing(DataSource postgresDatabase) {
    try (Connection connection = postgresDatabase.getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rs =
          statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (!rs.next()) {
          statement.execute("CREATE DATABASE " + DATABASE + " TEMPLATE template0 ENCODING 'UTF8'");
        }
      }
      try (ResultSet rs = statement.executeQuery("SHOW server_version")) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the embedded PostgreSQL refused a query: " + e, e);
    }
  }

  /**
   * A server whose JVM was killed leaves its postmaster running and its pid file behind; the next
   * start would fail on it. The data folder lock proves no live FédiMon owns it, so stop it.
   */
  private static void stopOrphan(Path cluster) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    Optional<ProcessHandle> postmaster =
        lines.isEmpty() ? Optional.empty() : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
    if (postmaster.isPresent()
        && postmaster.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
      log.info("stopping a PostgreSQL left running by an earlier FédiMon ({})", lines.get(0));
      postmaster.get().destroy();
      postmaster.get().onExit().orTimeout(ORPHAN_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }
  }

  private static Optional<Long> parsePid(String text) {
    try {
      return Optional.of(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** JDBC URL of the platform database, as the superuser. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
  }

  /** The superuser initdb created. */
  public String username() {
    return "postgres";
  }

  public int port() {
    return postgres.getPort();
  }

  /** The server's version, e.g. {@code 17.6}. */
  public String version() {
    return version;
  }

  public Path cluster() {
    return cluster;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
