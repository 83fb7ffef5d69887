package social.fedimon.server.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import social.fedimon.engine.media.MediaSync;
import social.fedimon.engine.media.MediaUploader;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.Step;
import social.fedimon.server.task.StepContext;
import social.fedimon.server.task.StepOutcome;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskKind;
import social.fedimon.server.task.TaskProblem;
import social.fedimon.server.task.TaskProperties;

/**
 * A scheduled migration's progressive transfer of the media: until the date, the media that changed
 * in the admin's bucket are copied every {@code presync-interval} (each run only what changed, as
 * {@code media sync} does), so that at the date only the last delta and the database move. Its
 * result says what was moved, how long the last sync took, and the downtime to expect.
 */
@Component
public class MediaPresync implements TaskKind {

  public static final String NAME = "media-presync";

  private final InstanceStore instances;
  private final MediaSources sources;
  private final MigrateIn migrateIn;
  private final RestoreMeasures measures;
  private final TaskProperties properties;
  private final ObjectMapper json;
  private final Clock clock;

  MediaPresync(
      InstanceStore instances,
      MediaSources sources,
      MigrateIn migrateIn,
      RestoreMeasures measures,
      TaskProperties properties,
      ObjectMapper json,
      Clock clock) {
    this.instances = instances;
    this.sources = sources;
    this.migrateIn = migrateIn;
    this.measures = measures;
    this.properties = properties;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Step> steps() {
    return List.of(Step.of("sync", this::sync));
  }

  private StepOutcome sync(StepContext context) {
    Instance instance =
        instances
            .find(context.instanceId())
            .orElseThrow(() -> new TaskProblem("not-found", "the instance no longer exists"));
    Instant date = instance.scheduledAt();
    if (date == null || !clock.instant().isBefore(date)) {
      context.log("the date has come: the migration moves the last delta with the database");
      return StepOutcome.done();
    }
    ObjectNode totals =
        context.checkpoint() instanceof ObjectNode node ? node.deepCopy() : json.createObjectNode();
    try (ObjectStore source = sources.open(instance.id())) {
      if (source == null) {
        return StepOutcome.waitFor(List.of("media-access"), properties.waitRecheck());
      }
      context.phase("copying what changed in your bucket");
      long started = System.nanoTime();
      MediaSync.Result result;
      try (ObjectStore target = migrateIn.mediaStore(instance.id())) {
        result =
            MediaSync.sync(
                source, target, MediaUploader.DEFAULT_CONCURRENCY, context::bytes, false);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      totals.put("runs", totals.path("runs").asLong() + 1);
      totals.put("bytesMoved", totals.path("bytesMoved").asLong() + result.bytes());
      totals.put("filesMoved", totals.path("filesMoved").asLong() + result.files());
      totals.put("lastSyncFiles", result.files());
      totals.put("lastSyncBytes", result.bytes());
      totals.put("lastSyncSeconds", Math.round(seconds * 10) / 10.0);
      totals.put("lastSyncAt", clock.instant().toString());
      context.checkpoint(totals);
      context.log(
          "pre-sync "
              + totals.get("runs").asLong()
              + ": "
              + result.files()
              + " files ("
              + result.bytes()
              + " bytes) copied in "
              + Math.round(seconds)
              + " s, "
              + result.skipped()
              + " unchanged");
    }
    Duration untilDate = Duration.between(clock.instant(), date);
    Duration next =
        untilDate.compareTo(properties.presyncInterval()) < 0
            ? untilDate
            : properties.presyncInterval();
    // read again: the database's archive may have arrived during the sync
    Instance now = instances.find(instance.id()).orElse(instance);
    context.result(summary(now, totals, clock.instant().plus(next)));
    return StepOutcome.waitFor(List.of("date"), next);
  }

  /**
   * What the admin sees: bytes already moved, the last sync's duration, and the downtime to expect
   * (the measured restore speed times the database archive's size, plus the last delta sync).
   */
  private ObjectNode summary(Instance instance, JsonNode totals, Instant nextSync) {
    ObjectNode result = json.createObjectNode();
    result.put("scheduledAt", String.valueOf(instance.scheduledAt()));
    result.put("bytesMoved", totals.path("bytesMoved").asLong());
    result.put("filesMoved", totals.path("filesMoved").asLong());
    result.put("syncs", totals.path("runs").asLong());
    result.put("lastSyncSeconds", totals.path("lastSyncSeconds").asDouble());
    result.put("nextSyncAt", nextSync.toString());
    double rate = measures.rate();
    result.put("restoreBytesPerSecond", Math.round(rate));
    if (instance.backupBytes() != null) {
      result.put(
          "expectedDowntimeSeconds",
          Math.round(instance.backupBytes() / rate + totals.path("lastSyncSeconds").asDouble()));
    } else {
      result.putNull("expectedDowntimeSeconds");
      result.put(
          "note",
          "the expected downtime is known once the database backup has arrived: its restore at "
              + Math.round(rate / 1e6)
              + " MB/s plus the last media sync");
    }
    return result;
  }

  @Override
  public void cleanUp(Task task) {
    // the media copied belong to the migration: its own cancel removes them
  }
}
