package social.fedimon.engine.mastodon;

import java.util.List;
import java.util.Set;

/**
 * What each variable of {@code .env.production} is for (docs/mastodon-facts.md): it decides what a
 * move keeps, what it replaces with the new host's values, and what it must never show.
 */
public final class EnvKeys {

  /** What a variable is for. */
  public enum Kind {
    /** The instance's name in the fediverse: never changes. */
    IDENTITY,
    /** Keys users' data depend on: kept, never shown. */
    SECRET,
    /** Where the old host's services were: replaced by the new host's. */
    INFRASTRUCTURE,
    /** How the instance behaves: kept. */
    BEHAVIOUR,
    /** Anything else: kept as it is. */
    UNKNOWN
  }

  static final Set<String> IDENTITY = Set.of("LOCAL_DOMAIN", "WEB_DOMAIN", "ALTERNATE_DOMAINS");

  static final Set<String> SECRETS =
      Set.of(
          "SECRET_KEY_BASE",
          "OTP_SECRET",
          "VAPID_PRIVATE_KEY",
          "VAPID_PUBLIC_KEY",
          "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY",
          "ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY",
          "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT");

  static final Set<String> INFRASTRUCTURE =
      Set.of(
          "DB_HOST",
          "DB_PORT",
          "DB_NAME",
          "DB_USER",
          "DB_PASS",
          "DATABASE_URL",
          "DB_SSLMODE",
          "REDIS_HOST",
          "REDIS_PORT",
          "REDIS_USER",
          "REDIS_PASSWORD",
          "REDIS_URL",
          "REDIS_NAMESPACE",
          "S3_ENABLED",
          "S3_BUCKET",
          "S3_REGION",
          "S3_ENDPOINT",
          "S3_ALIAS_HOST",
          "S3_PERMISSION",
          "S3_KEY_PREFIX",
          "S3_PROTOCOL",
          "S3_HOSTNAME",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "PAPERCLIP_ROOT_PATH",
          "PAPERCLIP_ROOT_URL",
          "CDN_HOST",
          "ES_ENABLED",
          "ES_HOST",
          "ES_PORT",
          "ES_USER",
          "ES_PASS",
          "ES_PREFIX",
          "ES_PRESET",
          "BIND",
          "PORT",
          "WEB_CONCURRENCY",
          "MAX_THREADS",
          "PREPARED_STATEMENTS",
          "STREAMING_API_BASE_URL",
          "STREAMING_CLUSTER_NUM");

  /** Prefixes of infrastructure families (SMTP_SERVER, CACHE_REDIS_HOST, SIDEKIQ_REDIS_URL...). */
  static final List<String> INFRASTRUCTURE_PREFIXES =
      List.of(
          "SMTP_", "CACHE_REDIS_", "SIDEKIQ_REDIS_", "STREAMING_", "DB_", "ES_", "S3_", "REDIS_");

  static final Set<String> BEHAVIOUR =
      Set.of(
          "SINGLE_USER_MODE",
          "LIMITED_FEDERATION_MODE",
          "AUTHORIZED_FETCH",
          "DEFAULT_LOCALE",
          "RAILS_ENV",
          "NODE_ENV",
          "RAILS_SERVE_STATIC_FILES",
          "RAILS_LOG_LEVEL",
          "EMAIL_DOMAIN_ALLOWLIST",
          "EMAIL_DOMAIN_DENYLIST",
          "MAX_TOOT_CHARS",
          "TRUSTED_PROXY_IP",
          "DISALLOW_UNAUTHENTICATED_API_ACCESS",
          "SKIP_POST_DEPLOYMENT_MIGRATIONS");

  private EnvKeys() {}

  public static Kind kindOf(String key) {
    if (IDENTITY.contains(key)) {
      return Kind.IDENTITY;
    }
    if (SECRETS.contains(key)) {
      return Kind.SECRET;
    }
    if (INFRASTRUCTURE.contains(key)
        || INFRASTRUCTURE_PREFIXES.stream().anyMatch(key::startsWith)) {
      return Kind.INFRASTRUCTURE;
    }
    if (BEHAVIOUR.contains(key)) {
      return Kind.BEHAVIOUR;
    }
    return Kind.UNKNOWN;
  }
}
