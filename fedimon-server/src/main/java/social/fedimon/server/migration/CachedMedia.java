package social.fedimon.server.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import social.fedimon.engine.mastodon.KeySet;
import social.fedimon.engine.mastodon.MediaReferences;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.StoredObject;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.tenant.TenantDatabases;

/**
 * The cached copies of other servers' media that a restored instance's database names and that are
 * not in its media: the backup left {@code cache/} out, or part of it. Mastodon does not fetch them
 * again by itself; {@code tootctl media refresh --days N --force} does, and the owner is offered to
 * run it. Counted once the media are restored, from the tenant database's {@code media_attachments}
 * rows of remote accounts (file names as Paperclip stores them) against the keys in the instance's
 * media store.
 */
@Component
public class CachedMedia {

  /** The most days a refresh goes back: older media are seldom looked at again. */
  static final int MAX_DAYS = 3650;

  /**
   * What was counted, and what was asked.
   *
   * @param remote media attachments of other servers with a file
   * @param missing of those, the ones whose cached copy is not in the media
   * @param days how far back the oldest missing one goes, in days (what {@code --days} is given)
   * @param refreshJob the Job that fetches them again, once asked
   */
  public record Count(
      long remote,
      long missing,
      int days,
      Instant checkedAt,
      @Nullable String refreshJob,
      @Nullable Instant refreshAskedAt) {}

  private final JdbcClient jdbc;
  private final TenantDatabases tenants;
  private final Clock clock;

  CachedMedia(JdbcClient jdbc, TenantDatabases tenants, Clock clock) {
    this.jdbc = jdbc;
    this.tenants = tenants;
    this.clock = clock;
  }

  /** Counts the instance's missing cached media and keeps the count. */
  Count check(Instance instance, String tenantPassword, ObjectStore media) throws SQLException {
    String database = instance.tenantDatabase();
    if (database == null) {
      throw new IllegalStateException("the instance has no tenant database");
    }
    KeySet present = new KeySet();
    try (java.util.stream.Stream<StoredObject> cached = media.list("cache/media_attachments/")) {
      cached.forEach(object -> present.add(object.key()));
    }
    long remote = 0;
    long missing = 0;
    OffsetDateTime oldest = null;
    try (Connection connection =
        tenants.target(database, tenantPassword).connect("counting cached media")) {
      connection.setAutoCommit(false);
      boolean schemaVersion = hasColumn(connection, "file_storage_schema_version");
      if (!schemaVersion || hasOldRemoteRows(connection)) {
        // before 3.1.4 remote copies were kept outside cache/, among the local media: listed only
        // then (a listing costs seconds per thousands of objects on some stores)
        try (java.util.stream.Stream<StoredObject> old = media.list("media_attachments/")) {
          old.forEach(object -> present.add(object.key()));
        }
      }
      try (PreparedStatement rows =
          connection.prepareStatement(
              "SELECT m.id, m.file_file_name, m.created_at, "
                  + (schemaVersion ? "m.file_storage_schema_version" : "NULL")
                  + " FROM media_attachments m"
                  + " WHERE m.remote_url IS NOT NULL AND m.remote_url <> ''"
                  + " AND m.file_file_name IS NOT NULL AND m.file_file_name <> ''")) {
        rows.setFetchSize(10_000);
        try (ResultSet row = rows.executeQuery()) {
          while (row.next()) {
            String id = row.getString(1);
            String file = row.getString(2);
            if (file.indexOf('/') >= 0 || !id.matches("[0-9]{1,20}")) {
              continue;
            }
            remote++;
            int version = row.getInt(4);
            String key =
                (version >= 1 ? "cache/" : "")
                    + "media_attachments/files/"
                    + MediaReferences.partition(id)
                    + "/original/"
                    + file;
            if (!present.contains(key)) {
              missing++;
              OffsetDateTime created = row.getObject(3, OffsetDateTime.class);
              if (created != null && (oldest == null || created.isBefore(oldest))) {
                oldest = created;
              }
            }
          }
        }
      }
      connection.rollback();
    }
    int days =
        oldest == null
            ? 0
            : (int)
                Math.min(
                    MAX_DAYS, Duration.between(oldest.toInstant(), clock.instant()).toDays() + 1);
    jdbc.sql(
            "INSERT INTO cached_media (instance_id, remote, missing, days, checked_at)"
                + " VALUES (:id, :remote, :missing, :days, :now)"
                + " ON CONFLICT (instance_id) DO UPDATE SET remote = :remote, missing = :missing,"
                + " days = :days, checked_at = :now")
        .param("id", instance.id())
        .param("remote", remote)
        .param("missing", missing)
        .param("days", days)
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .update();
    return of(instance.id()).orElseThrow();
  }

  private static boolean hasOldRemoteRows(Connection connection) throws SQLException {
    try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT 1 FROM media_attachments WHERE remote_url IS NOT NULL AND remote_url <> ''"
                    + " AND coalesce(file_storage_schema_version, 0) < 1 LIMIT 1");
        ResultSet rs = statement.executeQuery()) {
      return rs.next();
    }
  }

  private static boolean hasColumn(Connection connection, String column) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT 1 FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = 'media_attachments'"
                + " AND column_name = ?")) {
      statement.setString(1, column);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** What was counted for the instance, if it was. */
  public Optional<Count> of(UUID instance) {
    return jdbc.sql(
            "SELECT remote, missing, days, checked_at, refresh_job, refresh_asked_at"
                + " FROM cached_media WHERE instance_id = :id")
        .param("id", instance)
        .query(
            (rs, n) -> {
              OffsetDateTime asked = rs.getObject("refresh_asked_at", OffsetDateTime.class);
              return new Count(
                  rs.getLong("remote"),
                  rs.getLong("missing"),
                  rs.getInt("days"),
                  rs.getObject("checked_at", OffsetDateTime.class).toInstant(),
                  rs.getString("refresh_job"),
                  asked == null ? null : asked.toInstant());
            })
        .optional();
  }

  /** Notes that the Job {@code job} fetches them again. */
  void asked(UUID instance, String job) {
    jdbc.sql(
            "UPDATE cached_media SET refresh_job = :job, refresh_asked_at = :now"
                + " WHERE instance_id = :id")
        .param("job", job)
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .param("id", instance)
        .update();
  }
}
