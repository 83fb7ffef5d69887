package social.fedimon.server.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import social.fedimon.server.FedimonServer;

/**
 * The server talks to its embedded platform database as a role that owns it and is no superuser:
 * the superuser only creates the two. A data folder from an earlier version, whose database the
 * superuser owned, is handed over at the next start.
 */
class PlatformRoleTest {

  @Test
  void theServerConnectsAsTheDatabaseOwnerWhoIsNoSuperuser() {
    Path data = TestDataFolders.create("platform-role");
    try (ConfigurableApplicationContext server = start(data)) {
      JdbcClient jdbc = server.getBean(JdbcClient.class);
      assertThat(jdbc.sql("SELECT current_user").query(String.class).single())
          .isEqualTo(EmbeddedPostgresServer.ROLE);
      assertThat(
              jdbc.sql(
                      "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication"
                          + " OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
                  .query(Boolean.class)
                  .single())
          .as("any special power")
          .isFalse();
      assertThat(
              jdbc.sql(
                      "SELECT pg_get_userbyid(datdba) FROM pg_database"
                          + " WHERE datname = current_database()")
                  .query(String.class)
                  .single())
          .isEqualTo(EmbeddedPostgresServer.ROLE);
      // what Flyway made at start belongs to it too
      assertThat(ownersOfRelations(jdbc)).containsOnly(EmbeddedPostgresServer.ROLE);
      assertThat(server.getBean(com.zaxxer.hikari.HikariDataSource.class).getPoolName())
          .isEqualTo("platform");
    }
  }

  @Test
  void aDatabaseTheSuperuserOwnedIsHandedOverAtTheNextStart() throws SQLException {
    Path data = TestDataFolders.create("platform-handover");
    int port;
    try (ConfigurableApplicationContext server = start(data)) {
      port = server.getBean(EmbeddedPostgresServer.class).port();
      // as an earlier version left it: the database and a table of it the superuser's
      try (Connection superuser = connect(port, "fedimon");
          Statement statement = superuser.createStatement()) {
        statement.execute("ALTER DATABASE fedimon OWNER TO postgres");
        statement.execute("CREATE TABLE left_by_an_earlier_version (id bigserial primary key)");
        statement.execute("ALTER TABLE flyway_schema_history OWNER TO postgres");
      }
    }
    try (ConfigurableApplicationContext server = start(data)) {
      JdbcClient jdbc = server.getBean(JdbcClient.class);
      assertThat(ownersOfRelations(jdbc)).containsOnly(EmbeddedPostgresServer.ROLE);
      jdbc.sql("INSERT INTO left_by_an_earlier_version DEFAULT VALUES").update();
      assertThat(
              jdbc.sql("SELECT count(*) FROM left_by_an_earlier_version")
                  .query(Long.class)
                  .single())
          .isEqualTo(1L);
    }
  }

  private static List<String> ownersOfRelations(JdbcClient jdbc) {
    return new ArrayList<>(
        jdbc.sql(
                "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")
            .query(String.class)
            .list());
  }

  private static Connection connect(int port, String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
  }

  private static ConfigurableApplicationContext start(Path data) {
    return FedimonServer.start("--fedimon.data-dir=" + data, "--server.port=0");
  }
}
