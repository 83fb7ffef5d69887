package social.fedimon.server.hosting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Where an instance's Redis is: its own, in its namespace; or, when the operator set {@code
 * FEDIMON_HOSTING_SHARED_REDIS}, a database number of a Redis all instances share. A number is
 * given only if its database is empty (checked on the Redis itself, so leftovers of another
 * instance never reach a new one) and emptied when its instance is deleted.
 */
@Component
public class SharedRedis {

  /** No database of the shared Redis is free. */
  public static final class Full extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Full(String message) {
      super(message);
    }
  }

  private final HostingProperties properties;
  private final JdbcClient jdbc;

  SharedRedis(HostingProperties properties, JdbcClient jdbc) {
    this.properties = properties;
    this.jdbc = jdbc;
  }

  /**
   * The env's Redis settings for the instance: its own Redis, or its database of the shared one
   * (given now if it has none).
   *
   * @throws Full when every database of the shared Redis is taken
   */
  public Map<String, String> env(UUID instance) {
    Map<String, String> env = new LinkedHashMap<>();
    if (properties.sharedRedis() == null) {
      env.put("REDIS_HOST", InstanceManifests.OWN_REDIS_HOST);
      env.put("REDIS_PORT", String.valueOf(InstanceManifests.REDIS_PORT));
      return env;
    }
    HostAndPort address = address();
    env.put("REDIS_HOST", address.getHost());
    env.put("REDIS_PORT", String.valueOf(address.getPort()));
    env.put("REDIS_DB", String.valueOf(number(instance)));
    if (properties.sharedRedisPassword() != null) {
      env.put("REDIS_PASSWORD", properties.sharedRedisPassword());
    }
    return env;
  }

  private int number(UUID instance) {
    Integer mine = mine(instance);
    if (mine != null) {
      return mine;
    }
    List<Integer> taken = jdbc.sql("SELECT number FROM redis_database").query(Integer.class).list();
    try (Jedis redis = connect()) {
      for (int n = 0; n < properties.sharedRedisDatabases(); n++) {
        if (taken.contains(n)) {
          continue;
        }
        redis.select(n);
        if (redis.dbSize() > 0) {
          // not ours to give: something else writes there
          continue;
        }
        int inserted =
            jdbc.sql(
                    "INSERT INTO redis_database (number, instance_id) VALUES (:n, :instance)"
                        + " ON CONFLICT DO NOTHING")
                .param("n", n)
                .param("instance", instance)
                .update();
        if (inserted == 1) {
          return n;
        }
        mine = mine(instance);
        if (mine != null) {
          // another node gave it one at the same moment
          return mine;
        }
      }
    }
    throw new Full(
        "the shared Redis has no free database left (all "
            + properties.sharedRedisDatabases()
            + " are taken or hold data): an operator raises its databases setting and"
            + " FEDIMON_HOSTING_SHARED_REDIS_DATABASES, or adds a Redis");
  }

  private Integer mine(UUID instance) {
    return jdbc.sql("SELECT number FROM redis_database WHERE instance_id = :instance")
        .param("instance", instance)
        .query(Integer.class)
        .optional()
        .orElse(null);
  }

  /** Empties the instance's database of the shared Redis and frees its number, if it has one. */
  public void release(UUID instance) {
    Integer mine = mine(instance);
    if (mine == null) {
      return;
    }
    try (Jedis redis = connect()) {
      redis.select(mine);
      redis.flushDB();
    }
    jdbc.sql("DELETE FROM redis_database WHERE instance_id = :instance")
        .param("instance", instance)
        .update();
  }

  private HostAndPort address() {
    String value = java.util.Objects.requireNonNull(properties.sharedRedis());
    int colon = value.lastIndexOf(':');
    try {
      return colon < 0
          ? new HostAndPort(value, InstanceManifests.REDIS_PORT)
          : new HostAndPort(
              value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("FEDIMON_HOSTING_SHARED_REDIS is not host:port: " + value, e);
    }
  }

  private Jedis connect() {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(5_000)
            .socketTimeoutMillis(10_000);
    if (properties.sharedRedisPassword() != null) {
      config.password(properties.sharedRedisPassword());
    }
    return new Jedis(address(), config.build());
  }
}
