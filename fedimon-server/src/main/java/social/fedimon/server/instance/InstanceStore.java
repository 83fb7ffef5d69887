package social.fedimon.server.instance;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code instance} table. */
@Repository
public class InstanceStore {

  private static final String COLUMNS =
      "id, account_id, local_domain, approved_at, declined_at, dns_verified_at, confirmed_at,"
          + " backup_key, backup_bytes, backup_sha256, backup_at, report IS NOT NULL AS has_report,"
          + " tenant_database, env_sealed IS NOT NULL AS has_env, created_at, scheduled_at,"
          + " media_source IS NOT NULL AS has_media_source, web_domain, dns_token";

  private final JdbcClient jdbc;
  private final Clock clock;

  InstanceStore(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** A new request; empty if the domain is taken on this platform. */
  public Optional<Instance> create(UUID accountId, String localDomain) {
    UUID id = UUID.randomUUID();
    int rows =
        jdbc.sql(
                "INSERT INTO instance (id, account_id, local_domain, created_at)"
                    + " VALUES (:id, :account, :domain, :now) ON CONFLICT (local_domain) DO NOTHING")
            .param("id", id)
            .param("account", accountId)
            .param("domain", localDomain)
            .param("now", now())
            .update();
    return rows == 1 ? find(id) : Optional.empty();
  }

  public Optional<Instance> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM instance WHERE id = :id")
        .param("id", id)
        .query(this::instance)
        .optional();
  }

  /** The instance if {@code accountId} owns it. */
  public Optional<Instance> findOwned(UUID id, UUID accountId) {
    return find(id).filter(i -> i.accountId().equals(accountId));
  }

  /**
   * The account's instance, for a request naming it.
   *
   * @throws org.springframework.web.server.ResponseStatusException 404 when there is none or it is
   *     another account's: the same answer either way
   */
  public Instance owned(UUID id, UUID accountId) {
    return findOwned(id, accountId)
        .orElseThrow(
            () ->
                new org.springframework.web.server.ResponseStatusException(
                    org.springframework.http.HttpStatus.NOT_FOUND));
  }

  public List<Instance> forAccount(UUID accountId) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM instance WHERE account_id = :a ORDER BY created_at")
        .param("a", accountId)
        .query(this::instance)
        .list();
  }

  /** Every instance of the platform, newest first (the operator's view). */
  public List<Instance> all(int limit) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM instance ORDER BY created_at DESC LIMIT :limit")
        .param("limit", limit)
        .query(this::instance)
        .list();
  }

  /** Sets one of the milestone columns to now (approved_at, declined_at, ...). */
  public void mark(UUID id, Milestone milestone) {
    jdbc.sql("UPDATE instance SET " + milestone.column + " = :now WHERE id = :id")
        .param("now", now())
        .param("id", id)
        .update();
  }

  /** Milestones an instance request passes. */
  public enum Milestone {
    APPROVED("approved_at", "approved"),
    DECLINED("declined_at", "declined"),
    DNS_VERIFIED("dns_verified_at", "dns-verified"),
    CONFIRMED("confirmed_at", "confirmed");

    final String column;
    final String event;

    Milestone(String column, String event) {
      this.column = column;
      this.event = event;
    }

    /** Its name in {@link InstanceEvent#what()}. */
    public String event() {
      return event;
    }
  }

  /** A new archive was received; the previous one's key is returned, to delete it. */
  public @Nullable String backupReceived(UUID id, String key, long bytes, String sha256) {
    String previous =
        jdbc.sql("SELECT backup_key FROM instance WHERE id = :id FOR UPDATE")
            .param("id", id)
            .query(String.class)
            .optional()
            .orElse(null);
    jdbc.sql(
            "UPDATE instance SET backup_key = :key, backup_bytes = :bytes, backup_sha256 = :sha,"
                + " backup_at = :now, report = NULL WHERE id = :id")
        .param("key", key)
        .param("bytes", bytes)
        .param("sha", sha256)
        .param("now", now())
        .param("id", id)
        .update();
    return previous;
  }

  /** The archive was deleted after its restore: the report stays. */
  public void backupDeleted(UUID id) {
    jdbc.sql("UPDATE instance SET backup_key = NULL WHERE id = :id").param("id", id).update();
  }

  public void forgetBackup(UUID id) {
    jdbc.sql(
            "UPDATE instance SET backup_key = NULL, backup_bytes = NULL, backup_sha256 = NULL,"
                + " backup_at = NULL, report = NULL WHERE id = :id")
        .param("id", id)
        .update();
  }

  /** The date of a scheduled migration; null for as soon as possible. */
  public void scheduledAt(UUID id, @Nullable Instant at) {
    jdbc.sql("UPDATE instance SET scheduled_at = :at WHERE id = :id")
        .param("at", at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
        .param("id", id)
        .update();
  }

  /** The sealed read access to the admin's bucket of media; null for none. */
  public void mediaSource(UUID id, byte @Nullable [] sealed) {
    jdbc.sql("UPDATE instance SET media_source = :m WHERE id = :id")
        .param("m", sealed)
        .param("id", id)
        .update();
  }

  public byte @Nullable [] mediaSource(UUID id) {
    return jdbc.sql("SELECT media_source FROM instance WHERE id = :id")
        .param("id", id)
        .query((rs, row) -> rs.getBytes(1))
        .optional()
        .orElse(null);
  }

  /** The sealed download link the backup comes from; null for none. */
  public void backupUrl(UUID id, byte @Nullable [] sealed) {
    jdbc.sql("UPDATE instance SET backup_url = :u WHERE id = :id")
        .param("u", sealed)
        .param("id", id)
        .update();
  }

  public byte @Nullable [] backupUrl(UUID id) {
    return jdbc.sql("SELECT backup_url FROM instance WHERE id = :id")
        .param("id", id)
        .query((rs, row) -> rs.getBytes(1))
        .optional()
        .orElse(null);
  }

  public void secrets(UUID id, byte @Nullable [] sealed) {
    jdbc.sql("UPDATE instance SET backup_secrets = :s WHERE id = :id")
        .param("s", sealed)
        .param("id", id)
        .update();
  }

  public byte @Nullable [] secrets(UUID id) {
    return jdbc.sql("SELECT backup_secrets FROM instance WHERE id = :id")
        .param("id", id)
        .query((rs, row) -> rs.getBytes(1))
        .optional()
        .orElse(null);
  }

  public void report(UUID id, String reportJson) {
    jdbc.sql("UPDATE instance SET report = CAST(:r AS jsonb) WHERE id = :id")
        .param("r", reportJson)
        .param("id", id)
        .update();
  }

  public Optional<String> report(UUID id) {
    return jdbc.sql("SELECT report::text FROM instance WHERE id = :id AND report IS NOT NULL")
        .param("id", id)
        .query(String.class)
        .optional();
  }

  public void tenant(UUID id, @Nullable String database, byte @Nullable [] sealedPassword) {
    jdbc.sql("UPDATE instance SET tenant_database = :db, tenant_password = :pw WHERE id = :id")
        .param("db", database)
        .param("pw", sealedPassword)
        .param("id", id)
        .update();
  }

  public byte @Nullable [] tenantPassword(UUID id) {
    return jdbc.sql("SELECT tenant_password FROM instance WHERE id = :id")
        .param("id", id)
        .query((rs, row) -> rs.getBytes(1))
        .optional()
        .orElse(null);
  }

  public void env(UUID id, byte @Nullable [] sealed) {
    jdbc.sql("UPDATE instance SET env_sealed = :e WHERE id = :id")
        .param("e", sealed)
        .param("id", id)
        .update();
  }

  public byte @Nullable [] env(UUID id) {
    return jdbc.sql("SELECT env_sealed FROM instance WHERE id = :id")
        .param("id", id)
        .query((rs, row) -> rs.getBytes(1))
        .optional()
        .orElse(null);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private Instance instance(ResultSet rs, int row) throws SQLException {
    return new Instance(
        rs.getObject("id", UUID.class),
        rs.getObject("account_id", UUID.class),
        rs.getString("local_domain"),
        instant(rs, "approved_at"),
        instant(rs, "declined_at"),
        instant(rs, "dns_verified_at"),
        instant(rs, "confirmed_at"),
        rs.getString("backup_key"),
        rs.getObject("backup_bytes", Long.class),
        rs.getString("backup_sha256"),
        instant(rs, "backup_at"),
        rs.getBoolean("has_report"),
        rs.getString("tenant_database"),
        rs.getBoolean("has_env"),
        java.util.Objects.requireNonNull(instant(rs, "created_at")),
        instant(rs, "scheduled_at"),
        rs.getBoolean("has_media_source"),
        rs.getString("web_domain"),
        rs.getString("dns_token"));
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }
}
