package social.fedimon.server.tenant;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.server.infra.ConnectionUrls;

/**
 * Makes and removes tenant roles and databases. Each instance gets a role of its own (LOGIN, no
 * SUPERUSER, CREATEROLE or CREATEDB) owning a database of its own, made from template0 with an
 * explicit encoding and collation. The admin role that makes them is a member of each tenant role
 * (which a CREATEROLE role may grant itself), so it can drop their databases and end their
 * sessions, never more.
 */
@Component
@EnableConfigurationProperties(TenantProperties.class)
public class TenantDatabases {

  private static final Logger log = LoggerFactory.getLogger(TenantDatabases.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String adminJdbcUrl;
  private final Properties adminLogin = new Properties();

  TenantDatabases(TenantProperties properties, ObjectProvider<EmbeddedTenantCluster> embedded) {
    if (properties.database().embedded()) {
      EmbeddedTenantCluster cluster = embedded.getIfAvailable();
      if (cluster == null) {
        throw new IllegalStateException(
            "FEDIMON_TENANT_DATABASE_URL is unset and the platform database is not embedded:"
                + " say where tenant databases live (a role that may create roles and databases)");
      }
      adminJdbcUrl = cluster.server().tenantAdminJdbcUrl();
    } else {
      ConnectionUrls.Jdbc jdbc =
          ConnectionUrls.postgres(String.valueOf(properties.database().url()));
      adminJdbcUrl = jdbc.jdbcUrl();
      jdbc.username().ifPresent(user -> adminLogin.setProperty("user", user));
      jdbc.password().ifPresent(password -> adminLogin.setProperty("password", password));
    }
    adminLogin.setProperty("ApplicationName", "fedimon tenants");
  }

  /** The role and database name of an instance's tenant. */
  public static String nameFor(UUID instance) {
    return "tenant_" + instance.toString().replace("-", "").substring(0, 20);
  }

  /** A new random password for a tenant role. */
  public static String newPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * The tenant's role (with this password) and an empty database it owns: whatever an earlier
   * attempt left under that name is dropped first.
   */
  public void recreate(String name, String password) throws SQLException {
    check(name);
    try (Connection connection = admin();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      if (!roleExists(connection, name)) {
        statement.execute(
            "CREATE ROLE "
                + name
                + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                + " CONNECTION LIMIT 50");
      }
      try (PreparedStatement set =
          connection.prepareStatement("SELECT format('ALTER ROLE %I PASSWORD %L', ?, ?)")) {
        set.setString(1, name);
        set.setString(2, password);
        try (ResultSet rs = set.executeQuery()) {
          rs.next();
          statement.execute(rs.getString(1));
        }
      }
      if (!memberOf(connection, name)) {
        statement.execute("GRANT " + name + " TO CURRENT_USER");
      }
      statement.execute(
          "CREATE DATABASE "
              + name
              + " OWNER "
              + name
              + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
      statement.execute("REVOKE ALL ON DATABASE " + name + " FROM PUBLIC");
      statement.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + name + " TO " + name);
    }
    log.info("tenant database {} made", name);
  }

  /** Removes the tenant's database (ending its sessions) and role; absent ones are fine. */
  public void drop(String name) throws SQLException {
    check(name);
    try (Connection connection = admin();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      if (roleExists(connection, name)) {
        statement.execute("DROP ROLE " + name);
      }
    }
    log.info("tenant database {} removed", name);
  }

  /** The tenant databases on the tenant server and their sizes in bytes, largest first. */
  public java.util.Map<String, Long> sizes() throws SQLException {
    java.util.Map<String, Long> sizes = new java.util.LinkedHashMap<>();
    try (Connection connection = admin();
        Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT datname, pg_database_size(oid) FROM pg_database"
                    + " WHERE datname LIKE 'tenant\\_%' ORDER BY 2 DESC")) {
      while (rs.next()) {
        sizes.put(rs.getString(1), rs.getLong(2));
      }
    }
    return sizes;
  }

  /** Whether a database of that name exists. */
  public boolean exists(String name) throws SQLException {
    check(name);
    try (Connection connection = admin();
        PreparedStatement statement =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Whether a role of that name exists. */
  public boolean roleExists(String name) throws SQLException {
    check(name);
    try (Connection connection = admin()) {
      return roleExists(connection, name);
    }
  }

  /** Where a restore goes: the tenant database, as its own role. */
  public RestoreTarget target(String name, String password) {
    check(name);
    String base = adminJdbcUrl.substring("jdbc:".length());
    int query = base.indexOf('?');
    String server = query < 0 ? base : base.substring(0, query);
    server = server.substring(0, server.lastIndexOf('/'));
    String host = server.substring("postgresql://".length());
    return RestoreTarget.parse("postgresql://" + name + ":" + password + "@" + host + "/" + name);
  }

  /** Host and port of the tenant server, as an instance's DB_HOST and DB_PORT need them. */
  public String hostAndPort() {
    String base = adminJdbcUrl.substring("jdbc:postgresql://".length());
    int slash = base.indexOf('/');
    return slash < 0 ? base : base.substring(0, slash);
  }

  private Connection admin() throws SQLException {
    return DriverManager.getConnection(adminJdbcUrl, adminLogin);
  }

  private static boolean roleExists(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean memberOf(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_has_role(current_user, ?, 'USAGE')")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void check(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a tenant name: " + name);
    }
  }
}
