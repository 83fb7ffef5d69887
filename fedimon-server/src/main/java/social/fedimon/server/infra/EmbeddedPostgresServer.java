package social.fedimon.server.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's binaries from Maven Central) with its cluster under {@code
 * var/postgres}, kept across restarts, listening on loopback only.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  /** The database the platform's schema lives in. */
  public static final String DATABASE = "fedimon";

  /** The role that owns the platform database and that the server connects as: no superuser. */
  public static final String ROLE = "fedimon";

  /**
   * The role that makes tenant roles and databases in the embedded tenant cluster: it may create
   * roles and databases, and is no superuser.
   */
  public static final String TENANT_ADMIN = "fedimon_tenants";

  private static final String SUPERUSER = "postgres";

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
    return start(dataDirectory, "postgres", null, EmbeddedPostgresServer::preparePlatformDatabase);
  }

  /**
   * The embedded tenant cluster, on {@code dataDirectory/tenants}: PostgreSQL 15 where its binaries
   * are bundled (Linux x86-64), so that Debian 12's pg_dump can export what it holds; the role
   * {@link #TENANT_ADMIN} makes tenant roles and databases in it.
   */
  public static EmbeddedPostgresServer startTenants(DataDirectory dataDirectory) {
    PgBinaryResolver bundled = null;
    if (EmbeddedPostgresServer.class.getResource(TENANT_BINARIES) != null) {
      bundled =
          (system, machine) -> {
            if (!"linux".equalsIgnoreCase(system)
                || !("x86_64".equals(machine) || "amd64".equals(machine))) {
              return io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver.INSTANCE
                  .getPgBinary(system, machine);
            }
            return EmbeddedPostgresServer.class.getResourceAsStream(TENANT_BINARIES);
          };
    }
    return start(dataDirectory, "tenants", bundled, EmbeddedPostgresServer::prepareTenantAdmin);
  }

  /** PostgreSQL 15's binaries, unpacked from zonky's jar at build time. */
  private static final String TENANT_BINARIES =
      "/social/fedimon/server/tenant/postgres15/postgres-linux-x86_64.txz";

  private static EmbeddedPostgresServer start(
      DataDirectory dataDirectory,
      String name,
      @org.jspecify.annotations.Nullable PgBinaryResolver binaries,
      java.util.function.Function<EmbeddedPostgres, String> prepare) {
    Path cluster = dataDirectory.root().resolve(name);
    Path logFile = dataDirectory.folder("log").resolve(name + ".log");
    try {
      stopOrphan(cluster);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(cluster)
              .setCleanDataDirectory(false)
              .setPort(freePort())
              .setPGStartupWait(START_TIMEOUT)
              .setLocaleConfig("locale", "C")
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      if (binaries != null) {
        builder.setPgBinaryResolver(binaries);
      }
      EmbeddedPostgres postgres = builder.start();
      String version = prepare.apply(postgres);
      return new EmbeddedPostgresServer(postgres, cluster, version);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL in " + cluster + " (its log: " + logFile + ")",
          e);
    }
  }

  /** The tenant cluster's admin role: it may create roles and databases, and is no superuser. */
  private static String prepareTenantAdmin(EmbeddedPostgres postgres) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      if (!exists(statement, "SELECT 1 FROM pg_roles WHERE rolname = '" + TENANT_ADMIN + "'")) {
        statement.execute(
            "CREATE ROLE "
                + TENANT_ADMIN
                + " LOGIN NOSUPERUSER CREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS");
      }
      try (ResultSet rs = statement.executeQuery("SHOW server_version")) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the embedded tenant PostgreSQL refused a query: " + e, e);
    }
  }

  /**
   * The platform database, owned by a role of its own that is no superuser: the superuser only
   * creates the two. A cluster made by an earlier version (the database the superuser's) is handed
   * over: the database and every relation in it change owner.
   */
  private static String preparePlatformDatabase(EmbeddedPostgres postgres) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      if (!exists(statement, "SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
        statement.execute(
            "CREATE ROLE "
                + ROLE
                + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
      }
      if (!exists(statement, "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        statement.execute(
            "CREATE DATABASE "
                + DATABASE
                + " OWNER "
                + ROLE
                + " TEMPLATE template0 ENCODING 'UTF8'");
      } else if (!exists(
          statement,
          "SELECT 1 FROM pg_database WHERE datname = '"
              + DATABASE
              + "' AND pg_get_userbyid(datdba) = '"
              + ROLE
              + "'")) {
        statement.execute("ALTER DATABASE " + DATABASE + " OWNER TO " + ROLE);
        handOverRelations(postgres);
      }
      try (ResultSet rs = statement.executeQuery("SHOW server_version")) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the embedded PostgreSQL refused a query: " + e, e);
    }
  }

  /** Gives the platform role the tables, sequences and views an earlier version made. */
  private static void handOverRelations(EmbeddedPostgres postgres) throws SQLException {
    try (Connection connection = postgres.getDatabase(SUPERUSER, DATABASE).getConnection();
        Statement statement = connection.createStatement()) {
      log.info("handing the platform database over to the role {}", ROLE);
      statement.execute(
          """
          DO $$
          DECLARE r record;
          BEGIN
            FOR r IN
              SELECT c.oid::regclass AS name FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                AND n.nspname NOT LIKE 'pg\\_toast%'
                AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                AND pg_get_userbyid(c.relowner) <> '%ROLE%'
                -- a serial's sequence goes with its table, and cannot change owner alone
                AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                           AND d.deptype IN ('a', 'i')))
            LOOP
              EXECUTE format('ALTER TABLE %s OWNER TO %ROLE%', r.name);
            END LOOP;
          END $$
          """
              .replace("%ROLE%", ROLE));
    }
  }

  private static boolean exists(Statement statement, String query) throws SQLException {
    try (ResultSet rs = statement.executeQuery(query)) {
      return rs.next();
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

  /** JDBC URL of the platform database (the cluster trusts loopback connections). */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
  }

  /** JDBC URL the tenant admin role connects to, to create tenant roles and databases. */
  public String tenantAdminJdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=" + TENANT_ADMIN;
  }

  /** The role the server connects as: it owns the platform database and is no superuser. */
  public String username() {
    return ROLE;
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
