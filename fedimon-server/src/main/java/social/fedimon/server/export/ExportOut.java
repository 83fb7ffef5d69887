package social.fedimon.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.export.ExportFailed;
import social.fedimon.engine.export.ExportFlow;
import social.fedimon.engine.export.ExportSource;
import social.fedimon.engine.export.PgDump;
import social.fedimon.engine.media.MediaManifest;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.UploadStream;
import social.fedimon.server.infra.DataDirectory;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.task.Step;
import social.fedimon.server.task.StepContext;
import social.fedimon.server.task.StepOutcome;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskKind;
import social.fedimon.server.task.TaskProblem;
import social.fedimon.server.tenant.TenantDatabases;

/**
 * Export out: dump (pg_dump of the tenant database and the instance's env into one tar.zst in the
 * object store, encrypted to the account's key when asked) → verify (read back) → offer (a link for
 * the owner that expires). An archive that fails its check is deleted, never offered.
 */
@Component
public class ExportOut implements TaskKind {

  public static final String NAME = "export";

  private final InstanceStore instances;
  private final MediaCredentials mediaCredentials;
  private final ObjectStore store;
  private final TenantDatabases tenants;
  private final MigrateIn migrateIn;
  private final ExportProperties properties;
  private final DataDirectory dataDirectory;
  private final JdbcClient jdbc;
  private final ObjectMapper json;
  private final Clock clock;
  private final List<Step> steps;

  ExportOut(
      MediaCredentials mediaCredentials,
      InstanceStore instances,
      ObjectStore store,
      TenantDatabases tenants,
      MigrateIn migrateIn,
      ExportProperties properties,
      DataDirectory dataDirectory,
      JdbcClient jdbc,
      ObjectMapper json,
      Clock clock) {
    this.instances = instances;
    this.mediaCredentials = mediaCredentials;
    this.store = store;
    this.tenants = tenants;
    this.migrateIn = migrateIn;
    this.properties = properties;
    this.dataDirectory = dataDirectory;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
    this.steps =
        List.of(
            Step.of("dump", this::dump),
            Step.of("verify", this::verify),
            Step.of("offer", this::offer));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Step> steps() {
    return steps;
  }

  /** Where an export task's archive is kept. */
  public static String key(UUID task, boolean encrypted) {
    return "exports/" + task + "/export.tar.zst" + (encrypted ? ".pgp" : "");
  }

  /** Whether the task was asked to encrypt: the checkpoint of its creation says so. */
  private boolean encrypt(Task task) {
    JsonNode options = task.options();
    return options != null && options.path("encrypt").asBoolean(false);
  }

  /** Whether the task was asked for a full export, with the media. */
  private static boolean withMedia(Task task) {
    JsonNode options = task.options();
    return options != null && options.path("media").asBoolean(false);
  }

  private StepOutcome dump(StepContext context) throws IOException, SQLException {
    Task task = context.task();
    Instance instance = instance(context);
    boolean encrypt = encrypt(task);
    PGPPublicKeyRing recipient = null;
    if (encrypt) {
      String armored =
          jdbc.sql("SELECT pgp_public_key FROM account WHERE id = :id")
              .param("id", task.accountId())
              .query(String.class)
              .optional()
              .orElse(null);
      if (armored == null) {
        throw new TaskProblem(
            "invalid-request", "encryption was asked for and the account has no PGP key");
      }
      try {
        recipient =
            ExportFlow.readPublicKey(armored.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new TaskProblem("invalid-request", "the account's PGP key: " + e.getMessage());
      }
    }
    String database =
        required(instance.tenantDatabase(), "the instance has no database yet: nothing to export");
    String password = migrateIn.tenantPassword(instance.id());
    String hostPort = tenants.hostAndPort();
    int colon = hostPort.lastIndexOf(':');
    ExportSource source =
        new ExportSource(
            colon < 0 ? hostPort : hostPort.substring(0, colon),
            colon < 0 ? 5432 : Integer.parseInt(hostPort.substring(colon + 1)),
            database,
            database,
            password);
    PgDump pgDump;
    try {
      pgDump = PgDump.find(properties.pgDump(), System.getenv());
    } catch (ExportFailed e) {
      throw new TaskProblem("export-failed", e.getMessage());
    }
    String key = key(task.id(), encrypt);
    context.phase("dumping");
    Path temporary = dataDirectory.folder("tmp");
    ExportFlow.Result result;
    UploadStream upload = new UploadStream(store, key, "application/octet-stream");
    ObjectStore media = withMedia(task) ? migrateIn.mediaStore(instance.id()) : null;
    // the media manifest is made while the database is dumped: listing the media is the store's
    // work (seconds for thousands of objects on some), the dump is pg_dump's and PostgreSQL's
    java.util.concurrent.CompletableFuture<@org.jspecify.annotations.Nullable String> manifest =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> mediaManifest(task, instance));
    try {
      result =
          new ExportFlow(pgDump, temporary)
              .write(
                  source, migrateIn.env(instance.id()), media, recipient, upload, context::bytes);
    } catch (ExportFailed e) {
      upload.abort();
      discard(manifest, task);
      throw new TaskProblem("export-failed", e.getMessage());
    } catch (IOException | SQLException | RuntimeException e) {
      upload.abort();
      discard(manifest, task);
      throw e;
    } finally {
      if (media != null) {
        media.close();
      }
    }
    ObjectNode written = json.createObjectNode();
    written.set("written", json.valueToTree(result));
    String manifestUrl;
    try {
      manifestUrl = manifest.join();
    } catch (java.util.concurrent.CompletionException e) {
      // no manifest is no export: the step runs again
      throw new IOException("the media manifest could not be made: " + e.getCause(), e);
    }
    if (manifestUrl != null) {
      written.put("mediaManifestUrl", manifestUrl);
    }
    context.log(
        "archive written: "
            + result.bytes()
            + " bytes ("
            + String.join(" + ", result.layers())
            + ")");
    return StepOutcome.done(written);
  }

  private StepOutcome verify(StepContext context) throws IOException {
    Task task = context.task();
    JsonNode state = task.result();
    if (state == null || !state.has("written")) {
      throw new TaskProblem("export-failed", "nothing was written: run the dump again");
    }
    ExportFlow.Result written = json.treeToValue(state.get("written"), ExportFlow.Result.class);
    String key = key(task.id(), written.encrypted());
    context.phase("reading it back");
    context.totalBytes(written.bytes());
    Source stored =
        new Source() {
          @Override
          public String name() {
            return "export";
          }

          @Override
          public java.io.InputStream open() {
            return store.open(key);
          }

          @Override
          public java.util.Optional<Path> file() {
            return java.util.Optional.empty();
          }

          @Override
          public java.util.OptionalLong size() {
            return java.util.OptionalLong.of(written.bytes());
          }
        };
    try {
      ExportFlow.verify(stored, written);
    } catch (ExportFailed e) {
      store.delete(key);
      throw new TaskProblem("export-failed", e.getMessage() + "; the archive was deleted");
    }
    long rows = written.rowCounts().values().stream().mapToLong(Long::longValue).sum();
    context.log(
        "read back and checked: "
            + written.rowCounts().size()
            + " tables, "
            + rows
            + " rows, as in the database");
    return StepOutcome.done();
  }

  private StepOutcome offer(StepContext context) throws IOException {
    Task task = context.task();
    JsonNode state = task.result();
    ExportFlow.Result written =
        json.treeToValue(
            java.util.Objects.requireNonNull(state).get("written"), ExportFlow.Result.class);
    Instant expires = clock.instant().plus(properties.linkLifetime());
    ObjectNode result = json.createObjectNode();
    result.put("downloadUrl", "/api/v1/tasks/" + task.id() + "/download");
    result.put("bytes", written.bytes());
    result.put("expiresAt", expires.toString());
    result.put("sha256", written.sha256());
    result.put("encrypted", written.encrypted());
    if (withMedia(task)) {
      result.put("mediaFiles", written.mediaFiles());
      result.put("mediaBytes", written.mediaBytes());
    }
    result.set("layers", json.valueToTree(written.layers()));
    result.put("fileName", fileName(instance(context), written.encrypted()));
    String manifest = state.path("mediaManifestUrl").asText(null);
    if (manifest != null) {
      result.put("mediaManifestUrl", manifest);
      if (mediaCredentials.enabled()) {
        result.put("mediaCredentialsUrl", "/api/v1/tasks/" + task.id() + "/media-credentials");
      }
    }
    context.log("offered until " + expires);
    return StepOutcome.done(result);
  }

  /** A dump that failed leaves no manifest behind, once the one being made is done. */
  private void discard(
      java.util.concurrent.CompletableFuture<@org.jspecify.annotations.Nullable String> manifest,
      Task task) {
    manifest.whenComplete((url, failure) -> store.delete(manifestKey(task.id())));
  }

  /** Where an export's media manifest is kept. */
  public static String manifestKey(UUID task) {
    return "exports/" + task + "/media-manifest.json";
  }

  /** Presigned URLs last 7 days at most (SigV4's limit). */
  private static final java.time.Duration PRESIGN_MAX = java.time.Duration.ofDays(7);

  /**
   * A manifest of the instance's media with presigned GET URLs valid as long as the link, itself at
   * a presigned URL: {@code fedimon media sync --from <that URL> --to ...} copies the media with no
   * credentials. Null when the instance has no media here.
   */
  private @Nullable String mediaManifest(Task task, Instance instance) {
    java.time.Duration validity =
        properties.linkLifetime().compareTo(PRESIGN_MAX) < 0
            ? properties.linkLifetime()
            : PRESIGN_MAX;
    try (ObjectStore media = migrateIn.mediaStore(instance.id())) {
      if (!(media instanceof S3ObjectStore s3)) {
        return null;
      }
      // one listing (S3Proxy's filesystem backend takes seconds for a few thousand objects)
      byte[] manifest = MediaManifest.write(s3, validity, clock.instant());
      if (MediaManifest.read(new java.io.ByteArrayInputStream(manifest)).isEmpty()) {
        return null;
      }
      store.put(manifestKey(task.id()), manifest, "application/json");
      if (!(store instanceof S3ObjectStore platform)) {
        return null;
      }
      return platform.presignGet(manifestKey(task.id()), validity).toString();
    }
  }

  @Override
  public void cleanUp(Task task) {
    store.delete(key(task.id(), false));
    store.delete(key(task.id(), true));
    store.delete(manifestKey(task.id()));
  }

  static String fileName(Instance instance, boolean encrypted) {
    return instance.localDomain() + "-export.tar.zst" + (encrypted ? ".pgp" : "");
  }

  private Instance instance(StepContext context) {
    return instances
        .find(context.instanceId())
        .orElseThrow(() -> new TaskProblem("not-found", "the instance no longer exists"));
  }

  private static String required(@Nullable String value, String message) {
    if (value == null) {
      throw new TaskProblem("invalid-request", message);
    }
    return value;
  }
}
