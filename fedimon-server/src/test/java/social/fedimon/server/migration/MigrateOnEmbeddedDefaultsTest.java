package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.infra.EmbeddedPostgresServer;
import social.fedimon.server.tenant.EmbeddedTenantCluster;
import social.fedimon.server.tenant.TenantDatabases;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * A migration and an export on embedded defaults, as {@code bin/fedimon serve} runs them: the
 * tenant database is made in the embedded tenant cluster (PostgreSQL 15, the major of Debian 12's
 * pg_dump) by a role that is no superuser, and exported with the machine's pg_dump.
 */
class MigrateOnEmbeddedDefaultsTest {

  static Platform platform;
  static Platform.Node node;
  static String source;
  static Path archive;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    archive = Backups.instanceArchive("embedded-migration", source);
    platform = Platform.embedded("embedded_migration");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void aMigrationRunsEndToEndOnTheEmbeddedCluster() throws Exception {
    String admin = platform.account(node, "admin@example.social");
    String operator = platform.account(node, Platform.OPERATOR);
    Platform.Migration migration = platform.migrate(node, admin, operator, archive);

    JsonNode done = platform.awaitEnd(node, admin, migration.task(), Duration.ofSeconds(120));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    // no cluster on embedded defaults: the manifests wait under the data folder, nothing runs
    assertThat(done.at("/result/state").asText()).isEqualTo("ready-to-apply");
    java.nio.file.Path manifests =
        Objects.requireNonNull(node.context())
            .getBean(social.fedimon.server.infra.DataDirectory.class)
            .root()
            .resolve("instances/example.social");
    assertThat(done.at("/result/manifests").asText()).isEqualTo(manifests.toString());
    assertThat(manifests.resolve("3-app.yaml")).exists();
    assertThat(manifests.resolve("apply.sh")).exists();

    EmbeddedPostgresServer cluster =
        Objects.requireNonNull(node.context()).getBean(EmbeddedTenantCluster.class).server();
    // the major of Debian 12's pg_dump, so that exports can dump it
    assertThat(cluster.version()).startsWith("15.");
    String tenant = TenantDatabases.nameFor(UUID.fromString(migration.instance()));
    String url = "jdbc:postgresql://127.0.0.1:" + cluster.port() + "/" + tenant + "?user=postgres";
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      Map<String, String> restored = MastodonDatabase.checksums(c);
      assertThat(restored).isEqualTo(MastodonDatabase.checksums(source));
      try (ResultSet rs =
          s.executeQuery(
              "SELECT rolsuper, rolcreaterole, rolcreatedb, pg_get_userbyid(d.datdba)"
                  + " FROM pg_roles r, pg_database d WHERE r.rolname = '"
                  + tenant
                  + "' AND d.datname = '"
                  + tenant
                  + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).as("superuser").isFalse();
        assertThat(rs.getBoolean(2)).as("createrole").isFalse();
        assertThat(rs.getBoolean(3)).as("createdb").isFalse();
        assertThat(rs.getString(4)).as("owner").isEqualTo(tenant);
      }
    }

    Platform.Answer asked =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + migration.instance() + "/exports",
            admin,
            Map.of());
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    JsonNode exported =
        platform.awaitTask(
            node,
            admin,
            asked.json().get("id").asText(),
            Duration.ofSeconds(120),
            t -> t.get("state").asText().matches("succeeded|failed"));
    assertThat(exported.get("state").asText()).as(exported.toString()).isEqualTo("succeeded");
    assertThat(exported.at("/result/bytes").asLong()).isPositive();
  }
}
