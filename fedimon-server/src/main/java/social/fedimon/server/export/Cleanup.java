package social.fedimon.server.export;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.task.TaskProperties;

/**
 * What is kept only for a while: an export's archive once its link has expired, and the archive a
 * migration restored once the retention window after its success is over. One db-scheduler
 * recurring task, run by one node at a time.
 */
@Configuration(proxyBeanMethods = false)
class Cleanup {

  private static final Logger log = LoggerFactory.getLogger(Cleanup.class);

  @Bean
  RecurringTask<Void> fedimonCleanup(
      TaskProperties tasks,
      ExportProperties exports,
      JdbcClient jdbc,
      ObjectStore store,
      InstanceStore instances,
      Clock clock) {
    return Tasks.recurring("fedimon-cleanup", FixedDelay.of(tasks.cleanupInterval()))
        .execute((instance, context) -> run(exports, jdbc, store, instances, clock));
  }

  static void run(
      ExportProperties exports,
      JdbcClient jdbc,
      ObjectStore store,
      InstanceStore instances,
      Clock clock) {
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    List<UUID> expired =
        jdbc.sql(
                "SELECT id FROM task WHERE kind = :kind AND state = 'succeeded'"
                    + " AND (result->>'expiresAt')::timestamptz <= :now"
                    + " AND NOT jsonb_exists(result, 'deletedAt')")
            .param("kind", ExportOut.NAME)
            .param("now", now)
            .query(UUID.class)
            .list();
    for (UUID task : expired) {
      store.delete(ExportOut.key(task, false));
      store.delete(ExportOut.key(task, true));
      store.delete(ExportOut.manifestKey(task));
      jdbc.sql(
              "UPDATE task SET result = result || jsonb_build_object('deletedAt', CAST(:at AS text))"
                  + " WHERE id = :id")
          .param("at", now.toInstant().toString())
          .param("id", task)
          .update();
      log.info("export {}: its link expired, its archive is deleted", task);
    }
    List<UUID> restored =
        jdbc.sql(
                "SELECT i.id FROM instance i JOIN task t ON t.instance_id = i.id"
                    + " WHERE t.kind = :kind AND t.state = 'succeeded' AND i.backup_key IS NOT NULL"
                    + " AND t.finished_at <= :before")
            .param("kind", MigrateIn.NAME)
            .param("before", now.minus(exports.backupRetention()))
            .query(UUID.class)
            .list();
    for (UUID instance : restored) {
      instances
          .find(instance)
          .ifPresent(
              found -> {
                if (found.backupKey() != null) {
                  social.fedimon.server.migration.StoredArchive.delete(store, found.backupKey());
                  instances.backupDeleted(instance);
                  log.info("instance {}: its restored archive is deleted", instance);
                }
              });
    }
  }
}
