package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.tenant.TenantDatabases;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * Two nodes on one platform database. The node running the restore, a JVM of its own, is killed
 * with SIGKILL in the middle of it; the other node takes the step over after the heartbeat timeout,
 * starts it again from a clean tenant database, and the task ends as it would have: the tenant's
 * tables equal the source's, row for row.
 */
class NodeKilledTest {

  static Platform platform;
  static String source;
  static Path archive;

  @BeforeAll
  static void prepare() {
    source = Backups.bigSource();
    archive = Backups.instanceArchive("killed", source);
    platform = new Platform("killed");
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void theOtherNodeFinishesTheRestoreOfANodeKilledMidStep() throws Exception {
    // two nodes, each a JVM of its own: either may take the task
    List<Platform.Forked> nodes = List.of(platform.fork(), platform.fork());
    Platform.Node first = nodes.get(0).node();
    String admin = platform.account(first, "admin@example.social");
    String operator = platform.account(first, Platform.OPERATOR);
    Platform.Migration migration = platform.migrate(first, admin, operator, archive);

    platform.awaitTask(
        first,
        admin,
        migration.task(),
        Duration.ofSeconds(120),
        t ->
            "restore".equals(t.get("step").asText())
                && t.get("progress").hasNonNull("phase")
                && "data".equals(t.get("progress").get("phase").asText()));
    String running = runNode(migration.task());
    Platform.Forked doomed =
        nodes.stream()
            .filter(n -> running.contains(":" + n.process().pid() + ":"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no node of the test runs it: " + running));
    Platform.Node survivor = nodes.get(nodes.indexOf(doomed) == 0 ? 1 : 0).node();
    doomed.process().destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
    doomed.process().waitFor();

    JsonNode done = platform.awaitEnd(survivor, admin, migration.task(), Duration.ofSeconds(180));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");

    String tenant = TenantDatabases.nameFor(UUID.fromString(migration.instance()));
    assertThat(MastodonDatabase.checksums(tenant)).isEqualTo(MastodonDatabase.checksums(source));

    List<String> log = new ArrayList<>();
    platform
        .call(survivor, "GET", "/api/v1/tasks/" + migration.task() + "/log", admin, null)
        .json()
        .forEach(e -> log.add(e.get("step").asText() + ": " + e.get("message").asText()));
    assertThat(log.stream().filter(line -> line.startsWith("restore: taken over by")))
        .as(String.join("\n", log))
        .hasSize(1);
    assertThat(log.stream().filter(line -> line.equals("restore: done"))).hasSize(1);
    assertThat(log).last().isEqualTo("ready: done");
  }

  private static String runNode(String task) throws Exception {
    try (var c = java.sql.DriverManager.getConnection(FixtureDatabase.adminUrl(platform.database));
        var s = c.prepareStatement("SELECT run_node FROM task WHERE id = ?::uuid")) {
      s.setString(1, task);
      try (var rs = s.executeQuery()) {
        rs.next();
        return String.valueOf(rs.getString(1));
      }
    }
  }
}
