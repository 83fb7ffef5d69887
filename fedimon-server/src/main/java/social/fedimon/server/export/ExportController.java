package social.fedimon.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.account.PgpKeys;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskService;
import social.fedimon.server.task.TaskState;
import social.fedimon.server.task.TaskStore;
import social.fedimon.server.task.TaskView;

/**
 * Request an export archive; download it (its owner only, until the link expires); the account's
 * OpenPGP key that exports are encrypted to.
 */
@RestController
class ExportController {

  /**
   * @param media a full export, with the instance's media (operators; admins when allowed)
   */
  record ExportRequest(@Nullable Boolean encrypt, @Nullable Boolean media) {}

  private final InstanceStore instances;
  private final TaskService tasks;
  private final TaskStore taskStore;
  private final ObjectStore store;
  private final JdbcClient jdbc;
  private final ObjectMapper json;
  private final Clock clock;
  private final ExportProperties properties;
  private final PgpKeys pgpKeys;
  private final MediaCredentials mediaCredentials;

  ExportController(
      PgpKeys pgpKeys,
      MediaCredentials mediaCredentials,
      ExportProperties properties,
      InstanceStore instances,
      TaskService tasks,
      TaskStore taskStore,
      ObjectStore store,
      JdbcClient jdbc,
      ObjectMapper json,
      Clock clock) {
    this.properties = properties;
    this.pgpKeys = pgpKeys;
    this.mediaCredentials = mediaCredentials;
    this.instances = instances;
    this.tasks = tasks;
    this.taskStore = taskStore;
    this.store = store;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  @PostMapping(path = "/api/v1/instances/{id}/exports", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<TaskView> export(
      @PathVariable UUID id,
      @RequestBody(required = false) @Nullable ExportRequest request,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance =
        instances
            .findOwned(id, account.id())
            .orElseThrow(() -> ApiException.notFound("this instance"));
    if (instance.tenantDatabase() == null) {
      throw ApiException.conflict("this instance has no database yet: there is nothing to export");
    }
    boolean media = request != null && Boolean.TRUE.equals(request.media());
    if (media && !properties.adminsFullExport() && !account.operator()) {
      throw ApiException.forbidden(
          "a full export with the media is made by us: ask us, and we make it for you");
    }
    return start(instance, request, account.id());
  }

  /** An operator makes a full export for the admin: the task and its link are the admin's. */
  @PostMapping(
      path = "/api/v1/operator/instances/{id}/exports",
      produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<TaskView> operatorExport(
      @PathVariable UUID id, @RequestBody(required = false) @Nullable ExportRequest request) {
    Instance instance =
        instances.find(id).orElseThrow(() -> ApiException.notFound("this instance"));
    if (instance.tenantDatabase() == null) {
      throw ApiException.conflict("this instance has no database yet: there is nothing to export");
    }
    return start(instance, request, instance.accountId());
  }

  private ResponseEntity<TaskView> start(
      Instance instance, @Nullable ExportRequest request, UUID owner) {
    UUID id = instance.id();
    boolean media = request != null && Boolean.TRUE.equals(request.media());
    boolean encrypt = request != null && Boolean.TRUE.equals(request.encrypt());
    if (encrypt && pgpKey(owner) == null) {
      throw ApiException.invalid(
          "encryption was asked for and this account has no PGP key: set one first"
              + " (PUT /api/v1/account/pgp-key)");
    }
    Task task =
        tasks.start(
            ExportOut.NAME,
            owner,
            id,
            json.createObjectNode().put("encrypt", encrypt).put("media", media));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(TaskView.of(task));
  }

  /**
   * Read-only credentials to the instance's media, for the export's owner while its link lasts,
   * where the store has STS: any S3 tool copies the media with them ({@code aws s3 sync}).
   */
  @PostMapping(
      path = "/api/v1/tasks/{id}/media-credentials",
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> mediaCredentials(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Task task = offered(id, account);
    Instant expires =
        Instant.parse(java.util.Objects.requireNonNull(task.result()).get("expiresAt").asText());
    MediaCredentials.Issued issued;
    try {
      issued = mediaCredentials.issue(java.util.Objects.requireNonNull(task.instanceId()), expires);
    } catch (MediaCredentials.Refused e) {
      throw ApiException.conflict(e.getMessage());
    }
    Map<String, Object> view = new java.util.LinkedHashMap<>();
    view.put("accessKeyId", issued.accessKeyId());
    view.put("secretAccessKey", issued.secretAccessKey());
    view.put("sessionToken", issued.sessionToken());
    view.put("expiresAt", issued.expiresAt().toString());
    view.put("endpoint", issued.endpoint() == null ? null : issued.endpoint().toString());
    view.put("region", issued.region());
    view.put("bucket", issued.bucket());
    view.put("prefix", issued.prefix());
    view.put(
        "command",
        "aws s3 sync"
            + (issued.endpoint() == null ? "" : " --endpoint-url " + issued.endpoint())
            + " s3://"
            + issued.bucket()
            + "/"
            + issued.prefix()
            + "/ ./media/");
    return view;
  }

  /**
   * The account's export {@code id}, offered and its link still valid: else 404 (none of the
   * account's), 409 (not ready) or 410 (expired).
   */
  private Task offered(UUID id, CurrentAccount account) {
    Task task =
        taskStore
            .findOwned(id, account.id())
            .filter(t -> ExportOut.NAME.equals(t.kind()))
            .orElseThrow(() -> ApiException.notFound("this export"));
    JsonNode result = task.result();
    if (task.state() != TaskState.SUCCEEDED || result == null || !result.has("expiresAt")) {
      throw ApiException.conflict("the export is not ready: " + task.state().json());
    }
    if (!clock.instant().isBefore(Instant.parse(result.get("expiresAt").asText()))) {
      throw new ApiException(
          HttpStatus.GONE, "expired", "this link expired: request a new export archive");
    }
    return task;
  }

  /** The export's archive, for its owner, while the link lasts. */
  @GetMapping(path = {"/api/v1/tasks/{id}/download", "/tasks/{id}/download"})
  ResponseEntity<StreamingResponseBody> download(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Task task = offered(id, account);
    JsonNode result = java.util.Objects.requireNonNull(task.result());
    boolean encrypted = result.path("encrypted").asBoolean();
    String key = ExportOut.key(task.id(), encrypted);
    StreamingResponseBody body =
        out -> {
          try (InputStream in = store.open(key)) {
            in.transferTo(out);
          }
        };
    return ResponseEntity.ok()
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .contentLength(result.get("bytes").asLong())
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename(result.path("fileName").asText("export.tar.zst"), StandardCharsets.UTF_8)
                .build()
                .toString())
        .header("X-Checksum-SHA256", result.path("sha256").asText())
        .body(body);
  }

  /** Sets the account's OpenPGP public key (armored, as the body); its fingerprint is answered. */
  @PutMapping(
      path = "/api/v1/account/pgp-key",
      consumes = {
        MediaType.TEXT_PLAIN_VALUE,
        "application/pgp-keys",
        MediaType.APPLICATION_OCTET_STREAM_VALUE
      },
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> pgpKey(
      @RequestBody byte[] armored, @AuthenticationPrincipal CurrentAccount account) {
    PgpKeys.Info info = wrapInvalid(() -> pgpKeys.set(account.id(), armored));
    return Map.of(
        "fingerprint",
        info.fingerprint().replace(" ", ""),
        "userIds",
        info.userIds(),
        "expiresAt",
        info.expires() == null ? "never" : info.expires().toString());
  }

  private @Nullable String pgpKey(UUID account) {
    return pgpKeys.armored(account).orElse(null);
  }

  private static <T> T wrapInvalid(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }
}
