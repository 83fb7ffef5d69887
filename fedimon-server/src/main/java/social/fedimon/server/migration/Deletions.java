package social.fedimon.server.migration;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.TaskStore;

/**
 * Deleting an instance: its owner asks, and it goes after the grace period ({@code
 * FEDIMON_HOSTING_DELETE_GRACE}, 7 days), during which they may take the ask back and make a final
 * export. Then what runs (the namespace, or the manifests' folder), the tenant database and role,
 * the media and any archive go; the request stays, marked deleted. A recurring sweep on any node
 * does it ({@code fedimon-deletions}).
 */
@Component
public class Deletions {

  private static final Logger log = LoggerFactory.getLogger(Deletions.class);

  /**
   * An instance's deletion.
   *
   * @param deletedAt null until it is done
   */
  public record Deletion(Instant requestedAt, Instant deleteAt, @Nullable Instant deletedAt) {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Hosting hosting;
  private final InstanceStore instances;
  private final TaskStore tasks;
  private final MigrateIn migrateIn;
  private final social.fedimon.server.hosting.SharedRedis redis;
  private final social.fedimon.server.instance.Milestones milestones;

  Deletions(
      JdbcClient jdbc,
      Clock clock,
      Hosting hosting,
      InstanceStore instances,
      TaskStore tasks,
      MigrateIn migrateIn,
      social.fedimon.server.hosting.SharedRedis redis,
      social.fedimon.server.instance.Milestones milestones) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.hosting = hosting;
    this.instances = instances;
    this.tasks = tasks;
    this.migrateIn = migrateIn;
    this.redis = redis;
    this.milestones = milestones;
  }

  public Optional<Deletion> of(UUID instance) {
    return jdbc.sql(
            "SELECT requested_at, delete_at, deleted_at FROM instance_deletion"
                + " WHERE instance_id = :id")
        .param("id", instance)
        .query(
            (rs, n) -> {
              OffsetDateTime done = rs.getObject("deleted_at", OffsetDateTime.class);
              return new Deletion(
                  rs.getObject("requested_at", OffsetDateTime.class).toInstant(),
                  rs.getObject("delete_at", OffsetDateTime.class).toInstant(),
                  done == null ? null : done.toInstant());
            })
        .optional();
  }

  /** The account's instances that are deleted (for the dashboard: one query). */
  public java.util.Set<UUID> deleted(UUID accountId) {
    return new java.util.HashSet<>(
        jdbc.sql(
                "SELECT d.instance_id FROM instance_deletion d JOIN instance i ON i.id ="
                    + " d.instance_id WHERE i.account_id = :a AND d.deleted_at IS NOT NULL")
            .param("a", accountId)
            .query(UUID.class)
            .list());
  }

  /** Asks for the instance's deletion after the grace period; asking again changes nothing. */
  public Deletion schedule(UUID instance) {
    Instant now = clock.instant();
    int asked =
        jdbc.sql(
                "INSERT INTO instance_deletion (instance_id, requested_at, delete_at)"
                    + " VALUES (:id, :now, :at) ON CONFLICT (instance_id) DO NOTHING")
            .param("id", instance)
            .param("now", utc(now))
            .param("at", utc(now.plus(hosting.properties().deleteGrace())))
            .update();
    Deletion deletion = of(instance).orElseThrow();
    if (asked == 1) {
      milestones.tell(
          instance,
          "deletion-asked",
          java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
              .withZone(ZoneOffset.UTC)
              .format(deletion.deleteAt()));
    }
    return deletion;
  }

  /** Takes the ask back; false when it is too late (deleted) or there was none. */
  public boolean cancel(UUID instance) {
    return jdbc.sql("DELETE FROM instance_deletion WHERE instance_id = :id AND deleted_at IS NULL")
            .param("id", instance)
            .update()
        == 1;
  }

  /** Deletes the instances whose grace period is over. */
  void sweep() {
    List<UUID> due =
        jdbc.sql(
                "SELECT instance_id FROM instance_deletion"
                    + " WHERE deleted_at IS NULL AND delete_at <= :now ORDER BY delete_at")
            .param("now", utc(clock.instant()))
            .query(UUID.class)
            .list();
    for (UUID id : due) {
      Instance instance = instances.find(id).orElse(null);
      if (instance == null) {
        continue;
      }
      try {
        hosting.remove(instance.localDomain());
        redis.release(id);
        tasks.forInstance(id).stream()
            .filter(t -> MigrateIn.NAME.equals(t.kind()))
            .findFirst()
            .ifPresent(migrateIn::cleanUp);
        jdbc.sql("UPDATE instance_deletion SET deleted_at = :now WHERE instance_id = :id")
            .param("now", utc(clock.instant()))
            .param("id", id)
            .update();
        log.info("instance {} ({}) deleted", id, instance.localDomain());
        milestones.tell(id, "deleted", "");
      } catch (RuntimeException e) {
        // the next sweep tries again; the rest of the due ones go on
        log.warn("instance {} could not be deleted yet: {}", id, e.getMessage());
      }
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Schedule {
    @Bean
    RecurringTask<Void> fedimonDeletions(
        Deletions deletions,
        @org.springframework.beans.factory.annotation.Value(
                "${fedimon.hosting.delete-sweep-interval:PT10M}")
            java.time.Duration interval) {
      return Tasks.recurring("fedimon-deletions", FixedDelay.of(interval))
          .execute((instance, context) -> deletions.sweep());
    }
  }
}
