package social.fedimon.server.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.ArchiveReader;
import social.fedimon.engine.archive.EntryVisitor;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.intake.Inspector;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.intake.ReportJson;
import social.fedimon.engine.intake.RestoreFlow;
import social.fedimon.engine.mastodon.EnvFile;
import social.fedimon.engine.mastodon.EnvRewrite;
import social.fedimon.engine.media.MediaSync;
import social.fedimon.engine.media.MediaUploader;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.media.UploadStream;
import social.fedimon.server.backup.LinkDownloader;
import social.fedimon.server.backup.LinkDownloads;
import social.fedimon.server.backup.LinkRefused;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceEvent;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.secret.SecretBox;
import social.fedimon.server.task.Step;
import social.fedimon.server.task.StepContext;
import social.fedimon.server.task.StepOutcome;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskKind;
import social.fedimon.server.task.TaskProblem;
import social.fedimon.server.task.TaskProperties;
import social.fedimon.server.tenant.TenantDatabases;

/**
 * Migrate in: receive → inspect → wait (approval, DNS, the admin's go) → create the tenant role and
 * database → restore (database and the archive's media) → rewrite and seal the env → ready to
 * start. Each step can run again from its start after a crash.
 */
@Component
public class MigrateIn implements TaskKind {

  public static final String NAME = "migrate-in";

  /** The largest env file read from an archive. */
  private static final int MAX_ENV_BYTES = 1 << 20;

  /** Connections a restore uses at once. */
  private static final int RESTORE_JOBS = 2;

  private final InstanceStore instances;
  private final ObjectStore store;
  private final S3Settings storeSettings;
  private final TenantDatabases tenants;
  private final BackupSecrets secrets;
  private final SecretBox box;
  private final TaskProperties taskProperties;
  private final ObjectMapper json;
  private final List<Step> steps;
  private final LinkDownloads links;
  private final MediaSources mediaSources;
  private final java.time.Clock clock;
  private final RestoreMeasures restoreMeasures;
  private final org.springframework.context.ApplicationEventPublisher events;
  private final Deploys deploys;
  private final CachedMedia cachedMedia;
  private final social.fedimon.server.hosting.SharedRedis redis;

  MigrateIn(
      CachedMedia cachedMedia,
      Deploys deploys,
      social.fedimon.server.hosting.SharedRedis redis,
      RestoreMeasures restoreMeasures,
      org.springframework.context.ApplicationEventPublisher events,
      LinkDownloads links,
      MediaSources mediaSources,
      java.time.Clock clock,
      InstanceStore instances,
      ObjectStore store,
      S3Settings storeSettings,
      TenantDatabases tenants,
      BackupSecrets secrets,
      SecretBox box,
      TaskProperties taskProperties,
      ObjectMapper json) {
    this.deploys = deploys;
    this.cachedMedia = cachedMedia;
    this.redis = redis;
    this.restoreMeasures = restoreMeasures;
    this.events = events;
    this.links = links;
    this.mediaSources = mediaSources;
    this.clock = clock;
    this.instances = instances;
    this.store = store;
    this.storeSettings = storeSettings;
    this.tenants = tenants;
    this.secrets = secrets;
    this.box = box;
    this.taskProperties = taskProperties;
    this.json = json;
    this.steps =
        List.of(
            Step.of("receive", this::receive),
            Step.of("inspect", this::inspect),
            Step.of("wait", this::waitForGo),
            Step.of("create-database", this::createDatabase),
            Step.of("restore", this::restore),
            Step.of("media", this::media),
            Step.of("env", this::env),
            Step.of("ready", this::ready));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Step> steps() {
    return steps;
  }

  /** Where an instance's archive goes in the platform's object store. */
  public static String backupKey(UUID instance) {
    return "backups/" + instance + "/" + UUID.randomUUID() + ".archive";
  }

  /** The prefix of an instance's media in the platform's object store. */
  public static String mediaPrefix(UUID instance) {
    return "instances/" + instance + "/media";
  }

  // --- steps

  private StepOutcome receive(StepContext context) throws IOException {
    Instance instance = instance(context);
    if (instance.backupKey() == null) {
      byte[] sealedUrl = instances.backupUrl(instance.id());
      if (sealedUrl == null) {
        return StepOutcome.waitFor(List.of("backup"), taskProperties.waitRecheck());
      }
      download(context, instance, box.open(sealedUrl, linkContext(instance.id())));
      instance = instance(context);
    }
    if (!StoredArchive.exists(store, instance.backupKey())) {
      instances.forgetBackup(instance.id());
      context.log("the archive received is no longer in the store; send it again");
      return StepOutcome.waitFor(List.of("backup"), taskProperties.waitRecheck());
    }
    context.log("archive received: " + instance.backupBytes() + " bytes");
    return StepOutcome.done();
  }

  /** Fetches the archive from the admin's link straight into the object store, in parts. */
  private void download(StepContext context, Instance instance, String link) throws IOException {
    String key = backupKey(instance.id());
    context.phase("downloading");
    UploadStream[] current = {null};
    LinkDownloader.Sink sink =
        new LinkDownloader.Sink() {
          @Override
          public java.io.OutputStream start() {
            if (current[0] != null) {
              current[0].abort();
            }
            current[0] = new UploadStream(store, key, "application/octet-stream");
            return current[0];
          }

          @Override
          public java.io.OutputStream append() {
            return java.util.Objects.requireNonNull(current[0]);
          }
        };
    LinkDownloader.Fetched fetched;
    try {
      fetched = links.downloader().fetch(link, sink, progress(context), context::totalBytes);
    } catch (LinkRefused e) {
      if (current[0] != null) {
        current[0].abort();
      }
      throw new TaskProblem(e.code(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      if (current[0] != null) {
        current[0].abort();
      }
      throw e;
    }
    instances.backupReceived(instance.id(), key, fetched.bytes(), fetched.sha256());
    context.log("archive downloaded: " + fetched.bytes() + " bytes, SHA-256 " + fetched.sha256());
  }

  /** Seals a backup link for this instance. */
  public byte[] sealLink(UUID instance, String link) {
    return box.seal(link, linkContext(instance));
  }

  private static String linkContext(UUID instance) {
    return "backup-url:" + instance;
  }

  private StepOutcome inspect(StepContext context) {
    Instance instance = instance(context);
    String key = required(instance.backupKey(), "backup");
    long size = instance.backupBytes() == null ? -1 : instance.backupBytes();
    context.phase("checking the archive");
    context.totalBytes(size);
    Report report =
        new Inspector(
                ArchiveLimits.DEFAULTS,
                DumpPolicy.DEFAULTS,
                new Inspector.Expectations(instance.localDomain(), null))
            .inspect(
                new StoredArchive(store, key, size),
                secrets.load(instance.id()),
                progress(context));
    context.checkStop();
    instances.report(instance.id(), ReportJson.write(report));
    if (!report.accepted()) {
      throw rejected(report);
    }
    context.log(
        "the archive can be restored"
            + (report.problems().isEmpty()
                ? ""
                : " (" + report.problems().size() + " warnings: see the report)"));
    events.publishEvent(
        new InstanceEvent(
            instance.id(),
            "backup-received",
            report.problems().isEmpty() ? "" : String.valueOf(report.problems().size())));
    return StepOutcome.done();
  }

  private StepOutcome waitForGo(StepContext context) {
    Instance instance = instance(context);
    if (instance.declinedAt() != null) {
      throw new TaskProblem("declined", "the instance request was declined");
    }
    List<String> missing = new ArrayList<>();
    if (instance.approvedAt() == null) {
      missing.add("approval");
    }
    if (instance.dnsVerifiedAt() == null) {
      missing.add("dns");
    }
    if (instance.confirmedAt() == null) {
      missing.add("confirmation");
    }
    if (instance.scheduledAt() != null && clock.instant().isBefore(instance.scheduledAt())) {
      missing.add("date");
      java.time.Duration untilDate =
          java.time.Duration.between(clock.instant(), instance.scheduledAt());
      return StepOutcome.waitFor(
          missing,
          untilDate.compareTo(taskProperties.waitRecheck()) < 0
              ? untilDate
              : taskProperties.waitRecheck());
    }
    return missing.isEmpty()
        ? StepOutcome.done()
        : StepOutcome.waitFor(missing, taskProperties.waitRecheck());
  }

  private StepOutcome createDatabase(StepContext context) throws SQLException {
    Instance instance = instance(context);
    String name = TenantDatabases.nameFor(instance.id());
    String password = TenantDatabases.newPassword();
    tenants.recreate(name, password);
    instances.tenant(instance.id(), name, box.seal(password, tenantContext(instance.id())));
    context.log("tenant database " + name + " made");
    return StepOutcome.done();
  }

  private StepOutcome restore(StepContext context) throws SQLException {
    Instance instance = instance(context);
    String name = required(instance.tenantDatabase(), "tenant database");
    byte[] sealed = instances.tenantPassword(instance.id());
    String password =
        sealed == null
            ? TenantDatabases.newPassword()
            : box.open(sealed, tenantContext(instance.id()));
    // a clean start: whatever an interrupted run restored goes
    tenants.recreate(name, password);
    if (sealed == null) {
      instances.tenant(instance.id(), name, box.seal(password, tenantContext(instance.id())));
    }
    RestoreTarget target = tenants.target(name, password);
    context.onCancel(() -> dropQuietly(name));
    if (context.task().attempts() == 0) {
      events.publishEvent(new InstanceEvent(instance.id(), "restore-started", ""));
    }
    long restoreStarted = System.nanoTime();
    String key = required(instance.backupKey(), "backup");
    long size = instance.backupBytes() == null ? -1 : instance.backupBytes();
    context.totalBytes(size);
    AtomicLong rows = new AtomicLong();
    RestoreListener listener =
        new RestoreListener() {
          @Override
          public void phase(String phase) {
            context.phase(phase);
          }

          @Override
          public void tableDone(String table, long tableRows) {
            context.rows(rows.addAndGet(tableRows));
          }
        };
    Report report;
    try (ObjectStore media = mediaStore(instance.id())) {
      report =
          new RestoreFlow(
                  ArchiveLimits.DEFAULTS,
                  DumpPolicy.DEFAULTS,
                  new Inspector.Expectations(instance.localDomain(), null))
              .restore(
                  new StoredArchive(store, key, size),
                  secrets.load(instance.id()),
                  target,
                  new RestoreFlow.Options(RESTORE_JOBS, false, media),
                  listener,
                  progress(context));
    }
    context.checkStop();
    if (report.restored() == null) {
      throw rejected(report);
    }
    if (size > 0) {
      restoreMeasures.add(size, (System.nanoTime() - restoreStarted) / 1e9);
    }
    instances.report(instance.id(), ReportJson.write(report));
    Report.Restored restored = report.restored();
    long total = restored.rowCounts().values().stream().mapToLong(Long::longValue).sum();
    context.rows(total);
    if (restored.media() != null) {
      context.files(restored.media().files());
    }
    context.log(
        "restored "
            + restored.rowCounts().size()
            + " tables, "
            + total
            + " rows, each table checked against the dump"
            + (restored.media() == null
                ? ""
                : "; " + restored.media().files() + " media files stored"));
    events.publishEvent(
        new InstanceEvent(
            instance.id(), "restore-finished", restored.rowCounts().size() + " / " + total));
    return StepOutcome.done();
  }

  /**
   * The media in the admin's bucket, when access to one was given: copied with {@code media sync},
   * so only what earlier syncs (a scheduled migration's) did not move yet goes now.
   */
  private StepOutcome media(StepContext context) {
    Instance instance = instance(context);
    syncMedia(context, instance);
    try (ObjectStore media = mediaStore(instance.id())) {
      CachedMedia.Count count = cachedMedia.check(instance, tenantPassword(instance.id()), media);
      if (count.missing() > 0) {
        context.log(
            count.missing()
                + " of the "
                + count.remote()
                + " cached media files of other servers the database names are not in the backup"
                + " (the oldest from "
                + count.days()
                + " days ago): the instance page offers to fetch them again once it runs");
      } else {
        context.log("every cached media file of other servers the database names is here");
      }
    } catch (java.sql.SQLException e) {
      // the count is an offer, not the migration: a database without media_attachments says so
      context.log("the cached media of other servers could not be counted: " + e.getMessage());
    }
    return StepOutcome.done();
  }

  private void syncMedia(StepContext context, Instance instance) {
    try (ObjectStore source = mediaSources.open(instance.id())) {
      if (source == null) {
        return;
      }
      context.phase("copying the media from your bucket");
      long started = System.nanoTime();
      MediaSync.Result result;
      try (ObjectStore target = mediaStore(instance.id())) {
        result =
            MediaSync.sync(
                source, target, MediaUploader.DEFAULT_CONCURRENCY, progress(context), false);
      }
      context.files(result.files());
      context.log(
          "media from your bucket: "
              + result.files()
              + " files ("
              + result.bytes()
              + " bytes) copied, "
              + result.skipped()
              + " already here, in "
              + (System.nanoTime() - started) / 1_000_000_000
              + " s");
    }
  }

  private StepOutcome env(StepContext context) throws IOException {
    Instance instance = instance(context);
    String key = required(instance.backupKey(), "backup");
    String report = instances.report(instance.id()).orElse(null);
    Report.Env found = report == null ? null : ReportJson.read(report).env();
    if (found == null) {
      context.log(
          "the backup holds no .env.production: the instance's settings must be given before it"
              + " starts");
      return StepOutcome.done();
    }
    String text = readEntry(instance, key, found.file());
    EnvFile env = EnvFile.parse(text);
    EnvRewrite.Result rewritten = EnvRewrite.rewrite(env, hostValues(instance));
    instances.env(instance.id(), box.seal(rewritten.text(), envContext(instance.id())));
    context.log("env rewritten for this platform and sealed: " + rewritten.diff().size() + " keys");
    return StepOutcome.done();
  }

  private StepOutcome ready(StepContext context) {
    Instance instance = instance(context);
    com.fasterxml.jackson.databind.node.ObjectNode result =
        deploys.deploy(instance, env(instance.id()), Deploys.watch(context));
    if (result.has("manifests")) {
      context.log(
          "ready to apply: the manifests are in "
              + result.path("manifests").asText()
              + " (no cluster is configured)");
    } else {
      context.log("running");
    }
    return StepOutcome.done(result);
  }

  /** The tenant role's password, unsealed. */
  public String tenantPassword(UUID instance) {
    byte[] sealed = instances.tenantPassword(instance);
    if (sealed == null) {
      throw new TaskProblem("invalid-request", "the instance has no tenant database yet");
    }
    return box.open(sealed, tenantContext(instance));
  }

  /** The instance's env as rewritten for this platform, unsealed; null when there is none. */
  public @Nullable String env(UUID instance) {
    byte[] sealed = instances.env(instance);
    return sealed == null ? null : box.open(sealed, envContext(instance));
  }

  // --- cancel

  @Override
  public void cleanUp(Task task) {
    UUID id = task.instanceId();
    if (id == null) {
      return;
    }
    dropQuietly(TenantDatabases.nameFor(id));
    try {
      if (tenants.exists(TenantDatabases.nameFor(id))
          || tenants.roleExists(TenantDatabases.nameFor(id))) {
        throw new IllegalStateException("the tenant database could not be removed yet");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the tenant server is not reachable: " + e.getMessage(), e);
    }
    instances.tenant(id, null, null);
    instances.env(id, null);
    try (ObjectStore media = mediaStore(id)) {
      media.list("").forEach(object -> media.delete(object.key()));
    }
    instances
        .find(id)
        .map(Instance::backupKey)
        .ifPresent(
            key -> {
              store.delete(key);
              instances.forgetBackup(id);
            });
  }

  // --- helpers

  private void dropQuietly(String name) {
    try {
      tenants.drop(name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop the tenant database: " + e.getMessage(), e);
    }
  }

  /** Where an instance's media go in the platform's object store. */
  public ObjectStore mediaStore(UUID instance) {
    S3Settings s = storeSettings;
    return S3ObjectStore.connect(
        new S3Settings(
            s.endpoint(),
            s.region(),
            s.bucket(),
            (s.prefix().isEmpty() ? "" : s.prefix() + "/") + mediaPrefix(instance),
            s.accessKey(),
            s.secretKey(),
            s.pathStyle(),
            s.checksumsWhenRequired()));
  }

  private Map<String, String> hostValues(Instance instance) {
    String hostPort = tenants.hostAndPort();
    int colon = hostPort.lastIndexOf(':');
    String name = TenantDatabases.nameFor(instance.id());
    Map<String, String> host = new LinkedHashMap<>();
    host.put("DB_HOST", colon < 0 ? hostPort : hostPort.substring(0, colon));
    host.put("DB_PORT", colon < 0 ? "5432" : hostPort.substring(colon + 1));
    host.put("DB_NAME", name);
    host.put("DB_USER", name);
    byte[] sealed = instances.tenantPassword(instance.id());
    if (sealed != null) {
      host.put("DB_PASS", box.open(sealed, tenantContext(instance.id())));
    }
    // the instance's own Redis, in its namespace, or its database of the shared one
    try {
      host.putAll(redis.env(instance.id()));
    } catch (social.fedimon.server.hosting.SharedRedis.Full e) {
      throw new TaskProblem("no-redis-database", e.getMessage(), e);
    }
    host.put("S3_ENABLED", "true");
    host.put("S3_BUCKET", storeSettings.bucket());
    host.put("S3_REGION", storeSettings.region());
    if (storeSettings.endpoint() != null) {
      host.put("S3_ENDPOINT", storeSettings.endpoint().toString());
    }
    return host;
  }

  private String readEntry(Instance instance, String key, String entryName) {
    ByteArrayOutputStream found = new ByteArrayOutputStream();
    long size = instance.backupBytes() == null ? -1 : instance.backupBytes();
    new ArchiveReader(ArchiveLimits.DEFAULTS, secrets.load(instance.id()))
        .read(
            new StoredArchive(store, key, size),
            new EntryVisitor() {
              @Override
              public void file(ArchiveEntry entry, InputStream content) throws IOException {
                if (entry.name().equals(entryName) && found.size() == 0) {
                  found.write(content.readNBytes(MAX_ENV_BYTES));
                }
              }

              @Override
              public void problem(Problem problem) {}
            },
            bytes -> {});
    return found.toString(StandardCharsets.UTF_8);
  }

  private Instance instance(StepContext context) {
    return instances
        .find(context.instanceId())
        .orElseThrow(() -> new TaskProblem("not-found", "the instance request no longer exists"));
  }

  private static String required(@Nullable String value, String what) {
    if (value == null) {
      throw new TaskProblem(
          "invalid-request", "no " + what + " yet: an earlier step must run again");
    }
    return value;
  }

  /** Bytes read, for the progress; a cancel stops the reading thread here. */
  private static LongConsumer progress(StepContext context) {
    return bytes -> {
      context.bytes(bytes);
      if (context.stopping()) {
        context.checkStop();
      }
    };
  }

  /** The report's first error, as the task's problem. */
  private static RuntimeException rejected(Report report) {
    for (Report.ProblemView problem : report.problems()) {
      if ("error".equals(problem.severity())) {
        return new TaskProblem(problem.code(), problem.message());
      }
    }
    return new TaskProblem("restore-failed", "the backup was not restored");
  }

  private static String tenantContext(UUID instance) {
    return "tenant-password:" + instance;
  }

  private static String envContext(UUID instance) {
    return "env:" + instance;
  }
}
