package social.fedimon.server.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;
import social.fedimon.server.testing.RedisServer;
import social.fedimon.server.testing.TestClock;

/**
 * With a shared Redis (Debian's redis-server here), a migrated instance gets a database number of
 * its own instead of a Redis in its namespace: never one that holds someone's data, none when all
 * are taken, and its database is emptied and freed when the instance is deleted.
 */
class SharedRedisTest {

  static RedisServer redis;
  static Platform platform;
  static Platform.Node node;

  @BeforeAll
  static void start() {
    redis = RedisServer.start(3, "redis-password-1");
    platform = new Platform("sharedredis");
    node =
        platform.start(
            "--fedimon.hosting.shared-redis=" + redis.address(),
            "--fedimon.hosting.shared-redis-password=redis-password-1",
            "--fedimon.hosting.shared-redis-databases=3",
            "--fedimon.hosting.delete-sweep-interval=1s",
            TestClock.ARGUMENT);
  }

  @AfterAll
  static void stop() {
    platform.close();
    redis.close();
  }

  @Test
  void anInstanceGetsAnEmptyDatabaseOfItsOwnAndItIsEmptiedWhenTheInstanceGoes() throws Exception {
    try (Jedis zero = redis.client(0)) {
      zero.set("someone-else", "theirs");
    }
    Path archive = Backups.instanceArchive("sharedredis", InstanceTree.database());
    String admin = platform.account(node, "robin@example.org");
    String operator = platform.account(node, Platform.OPERATOR);
    Platform.Migration migration = platform.migrate(node, admin, operator, archive);
    JsonNode done = platform.awaitEnd(node, admin, migration.task(), Duration.ofSeconds(120));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.get("result").get("state").asText()).isEqualTo("ready-to-apply");

    Path folder = Path.of(done.get("result").get("manifests").asText());
    String base = Files.readString(folder.resolve("1-base.yaml"));
    // database 0 holds someone's data: the instance gets 1, and no Redis of its own
    assertThat(base)
        .contains("REDIS_HOST: \"127.0.0.1\"")
        .contains("REDIS_DB: \"1\"")
        .contains("REDIS_PASSWORD:")
        .doesNotContain("kind: \"StatefulSet\"")
        .doesNotContain("name: \"redis\"");
    assertThat(Files.readString(folder.resolve("apply.sh"))).doesNotContain("statefulset/redis");

    // database 2 is taken by something else too: a second instance finds none free
    try (Jedis two = redis.client(2)) {
      two.set("another", "tenant");
    }
    Platform.Answer filed =
        platform.call(
            node, "POST", "/api/v1/instances", admin, java.util.Map.of("localDomain", "b.example"));
    UUID second = UUID.fromString(filed.json().get("id").asText());
    SharedRedis shared = node.context().getBean(SharedRedis.class);
    assertThatThrownBy(() -> shared.env(second))
        .isInstanceOf(SharedRedis.Full.class)
        .hasMessageContaining("no free database")
        .hasMessageNotContaining("redis-password-1");
    // the first keeps its number
    assertThat(shared.env(UUID.fromString(migration.instance()))).containsEntry("REDIS_DB", "1");

    try (Jedis one = redis.client(1)) {
      one.set("cache:home:1", "the instance's own");
    }
    String path = "/api/v1/instances/" + migration.instance();
    platform.call(node, "POST", path + "/delete", admin, null);
    node.context().getBean(TestClock.Shifted.class).advance(Duration.ofDays(8));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !platform
                    .call(node, "GET", path + "/deletion", admin, null)
                    .json()
                    .get("deletedAt")
                    .isNull());
    try (Jedis one = redis.client(1);
        Jedis zero = redis.client(0)) {
      assertThat(one.dbSize()).as("the deleted instance's database is emptied").isZero();
      assertThat(zero.get("someone-else")).as("no other database is touched").isEqualTo("theirs");
    }
    // its number is free again, for the one that waited
    try (Jedis two = redis.client(2)) {
      two.del("another");
    }
    assertThat(shared.env(second).get("REDIS_DB")).isIn("1", "2");
  }
}
