package social.fedimon.server.hosting;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What runs an instance: its names, its release and fork, its size, and its env as rewritten for
 * this platform.
 *
 * @param localDomain LOCAL_DOMAIN, in punycode
 * @param webDomain WEB_DOMAIN when it differs from LOCAL_DOMAIN, else null
 * @param fork {@code mastodon}, {@code glitch-soc}, {@code hometown}
 * @param release the release line found in the database, {@code 4.5} or {@code 4.3.2}
 * @param plan the size of its pods
 * @param env the rewritten {@code .env.production}'s keys and values, in their order
 */
public record InstanceSpec(
    UUID id,
    String localDomain,
    @Nullable String webDomain,
    String fork,
    String release,
    Plan plan,
    Map<String, String> env) {

  public InstanceSpec {
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /** The name people reach the instance at. */
  public String host() {
    return webDomain == null ? localDomain : webDomain;
  }

  /** Whether the instance searches with Elasticsearch. */
  public boolean elasticsearch() {
    return "true".equalsIgnoreCase(env.getOrDefault("ES_ENABLED", "false"));
  }

  /** Whether the instance has a Redis of its own in its namespace (else it uses a shared one). */
  public boolean ownRedis() {
    return InstanceManifests.OWN_REDIS_HOST.equals(env.get("REDIS_HOST"));
  }

  @Override
  public String toString() {
    // the env holds the instance's secrets
    return "InstanceSpec[" + localDomain + ", " + fork + " " + release + ", " + plan + "]";
  }
}
