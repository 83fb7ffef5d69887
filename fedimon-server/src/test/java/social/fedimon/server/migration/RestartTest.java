package social.fedimon.server.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * A deploy: the only node stops (as on SIGTERM) in the middle of a restore, and does not wait for
 * it; the next node to start takes the task and finishes it, the restore started again from its
 * beginning, the tables equal to the source's.
 */
class RestartTest {

  static Platform platform;
  static String source;
  static Path archive;

  @BeforeAll
  static void prepare() {
    source = Backups.bigSource();
    archive = Backups.instanceArchive("restart", source);
    platform = new Platform("restart");
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void aRestoreInterruptedByAStopFinishesAfterTheNextStart() {
    // stops wait one second for running tasks, not for the restore to end
    Platform.Node first = platform.start("--db-scheduler.shutdown-max-wait=1s");
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

    Objects.requireNonNull(first.context()).close();

    Platform.Node second = platform.start();
    JsonNode done = platform.awaitEnd(second, admin, migration.task(), Duration.ofSeconds(180));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    String tenant = TenantDatabases.nameFor(UUID.fromString(migration.instance()));
    assertThat(MastodonDatabase.checksums(tenant)).isEqualTo(MastodonDatabase.checksums(source));
    List<String> log = new ArrayList<>();
    platform
        .call(second, "GET", "/api/v1/tasks/" + migration.task() + "/log", admin, null)
        .json()
        .forEach(e -> log.add(e.get("step").asText() + ": " + e.get("message").asText()));
    assertThat(log.stream().filter(line -> line.equals("restore: done"))).hasSize(1);
    assertThat(log)
        .anyMatch(
            line ->
                line.startsWith("restore: started again")
                    || line.startsWith("restore: taken over"));
  }
}
