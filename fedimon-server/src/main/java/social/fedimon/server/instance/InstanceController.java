package social.fedimon.server.instance;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.backup.LinkRefused;
import social.fedimon.server.migration.BackupSecrets;
import social.fedimon.server.migration.BackupUploads;
import social.fedimon.server.migration.MediaPresync;
import social.fedimon.server.migration.MediaSources;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskService;
import social.fedimon.server.task.TaskState;
import social.fedimon.server.task.TaskView;

/**
 * {@code /api/v1/instances}: file a request (its migration task starts and waits for the backup),
 * send the backup and what opens it, read the pre-flight report, say go; operators approve, decline
 * and mark DNS verified. Another account's instance is a 404.
 */
@RestController
class InstanceController {

  /**
   * @param scheduledAt the date of a scheduled migration (media move before it); null: as soon as
   *     possible
   */
  record NewInstance(
      @NotBlank @Size(max = 253) String localDomain, @Nullable Instant scheduledAt) {}

  record Secrets(@Nullable List<String> passwords, @Nullable List<String> identities) {}

  /** An instance as the API shows it. */
  record InstanceView(
      UUID id,
      String localDomain,
      String localDomainUnicode,
      @Nullable Instant approvedAt,
      @Nullable Instant declinedAt,
      @Nullable Instant dnsVerifiedAt,
      @Nullable Instant confirmedAt,
      @Nullable Backup backup,
      @Nullable Instant scheduledAt,
      boolean mediaAccess,
      boolean report,
      List<TaskView> tasks,
      String next) {}

  record Backup(long bytes, String sha256, Instant receivedAt) {}

  private final InstanceStore instances;
  private final TaskService tasks;
  private final BackupUploads uploads;
  private final BackupSecrets secrets;
  private final ObjectMapper json;
  private final social.fedimon.server.backup.LinkDownloads links;
  private final MigrateIn migrateIn;
  private final MediaSources mediaSources;
  private final Milestones milestones;

  InstanceController(
      Milestones milestones,
      MediaSources mediaSources,
      social.fedimon.server.backup.LinkDownloads links,
      MigrateIn migrateIn,
      InstanceStore instances,
      TaskService tasks,
      BackupUploads uploads,
      BackupSecrets secrets,
      ObjectMapper json) {
    this.mediaSources = mediaSources;
    this.milestones = milestones;
    this.links = links;
    this.migrateIn = migrateIn;
    this.instances = instances;
    this.tasks = tasks;
    this.uploads = uploads;
    this.secrets = secrets;
    this.json = json;
  }

  @PostMapping(path = "/api/v1/instances", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<InstanceView> create(
      @Valid @RequestBody NewInstance request, @AuthenticationPrincipal CurrentAccount account) {
    String domain = domain(request.localDomain());
    Instance instance =
        instances
            .create(account.id(), domain)
            .orElseThrow(
                () ->
                    ApiException.conflict("an instance of " + domain + " exists on this platform"));
    if (request.scheduledAt() != null) {
      instances.scheduledAt(instance.id(), request.scheduledAt());
    }
    tasks.start(MigrateIn.NAME, account.id(), instance.id());
    milestones.tell(instance.id(), "request-received", "");
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(view(instances.find(instance.id()).orElseThrow()));
  }

  @GetMapping(path = "/api/v1/instances", produces = MediaType.APPLICATION_JSON_VALUE)
  List<InstanceView> list(@AuthenticationPrincipal CurrentAccount account) {
    return instances.forAccount(account.id()).stream().map(this::view).toList();
  }

  @GetMapping(path = "/api/v1/instances/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView get(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    return view(owned(id, account));
  }

  /** Streams an archive in: the body is the archive, of any size the limits allow. */
  @PutMapping(path = "/api/v1/instances/{id}/backup", produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView backup(
      @PathVariable UUID id,
      HttpServletRequest request,
      @AuthenticationPrincipal CurrentAccount account)
      throws IOException {
    Instance instance = owned(id, account);
    Task migration = migration(instance);
    checkReplaceable(migration);
    try (InputStream body = request.getInputStream()) {
      uploads.receive(instance, body, request.getContentLengthLong());
    }
    // a migration stopped by a bad archive starts again from the inspection
    backupChanged(tasks, migration, id);
    return view(instances.find(id).orElseThrow());
  }

  /**
   * {@code {"url": "https://..."}}: the backup is fetched from there by the migration; {@code
   * {"s3": {"endpoint", "region", "bucket", "prefix", "accessKey", "secretKey"}}}: read access to
   * the bucket of media, checked by listing it.
   */
  @PostMapping(
      path = {"/api/v1/instances/{id}/backup", "/instances/{id}/backup"},
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView backupLink(
      @PathVariable UUID id,
      @RequestBody com.fasterxml.jackson.databind.JsonNode body,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = owned(id, account);
    if (body.has("s3")) {
      return mediaAccess(instance, body.get("s3"), account);
    }
    String url = body.path("url").asText(null);
    if (url == null || url.isBlank()) {
      throw ApiException.invalid(
          "give the archive's link as {\"url\": \"https://...\"}, or the media bucket as"
              + " {\"s3\": {...}}");
    }
    try {
      links.downloader().check(url);
    } catch (LinkRefused e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
    }
    Task migration = migration(instance);
    checkReplaceable(migration);
    if (instance.backupKey() != null) {
      uploads.forget(instance);
    }
    instances.backupUrl(id, migrateIn.sealLink(id, url.strip()));
    backupChanged(tasks, migration, id);
    return view(instances.find(id).orElseThrow());
  }

  private InstanceView mediaAccess(
      Instance instance, com.fasterxml.jackson.databind.JsonNode s3, CurrentAccount account) {
    MediaSources.Given given;
    try {
      given = json.treeToValue(s3, MediaSources.Given.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw ApiException.invalid("s3: give endpoint, region, bucket, prefix, accessKey, secretKey");
    }
    if (given.bucket() == null || given.accessKey() == null || given.secretKey() == null) {
      throw ApiException.invalid("s3: bucket, accessKey and secretKey are required");
    }
    try {
      mediaSources.store(instance.id(), given);
    } catch (LinkRefused e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
    }
    boolean presyncing =
        tasks.forInstance(instance.id()).stream()
            .anyMatch(t -> MediaPresync.NAME.equals(t.kind()) && !t.state().ended());
    if (instance.scheduledAt() != null
        && instance.scheduledAt().isAfter(Instant.now())
        && !presyncing) {
      tasks.start(MediaPresync.NAME, account.id(), instance.id());
    }
    tasks.wakeInstance(instance.id());
    return view(instances.find(instance.id()).orElseThrow());
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/secrets", "/instances/{id}/secrets"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView secrets(
      @PathVariable UUID id,
      @RequestBody Secrets given,
      @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = owned(id, account);
    try {
      secrets.store(
          id,
          new BackupSecrets.Given(
              given.passwords() == null ? List.of() : given.passwords(),
              given.identities() == null ? List.of() : given.identities()));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    }
    Task migration = migration(instance);
    if (migration != null
        && migration.state() == TaskState.FAILED
        && ("secret-required".equals(migration.problemCode())
            || "wrong-secret".equals(migration.problemCode()))) {
      tasks.retry(migration, "inspect");
    }
    return view(instance);
  }

  @GetMapping(path = "/api/v1/instances/{id}/report", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> report(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    return instances
        .report(id)
        .map(report -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report))
        .orElseThrow(() -> ApiException.notFound("a report (no backup has been inspected yet)"));
  }

  @PostMapping(
      path = {"/api/v1/instances/{id}/confirm", "/instances/{id}/confirm"},
      produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView confirm(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    return milestone(id, InstanceStore.Milestone.CONFIRMED);
  }

  @PostMapping(
      path = "/api/v1/operator/instances/{id}/approve",
      produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView approve(@PathVariable UUID id) {
    return milestone(id, InstanceStore.Milestone.APPROVED);
  }

  @PostMapping(
      path = "/api/v1/operator/instances/{id}/decline",
      produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView decline(
      @PathVariable UUID id, @RequestBody(required = false) @Nullable Map<String, String> body) {
    String reason = body == null ? "" : String.valueOf(body.getOrDefault("reason", "")).strip();
    if (reason.length() > 2000) {
      throw ApiException.invalid("reason: at most 2000 characters");
    }
    instances.find(id).orElseThrow(() -> ApiException.notFound("this instance"));
    milestones.mark(id, InstanceStore.Milestone.DECLINED, reason);
    return view(instances.find(id).orElseThrow());
  }

  @PostMapping(
      path = "/api/v1/operator/instances/{id}/dns-verified",
      produces = MediaType.APPLICATION_JSON_VALUE)
  InstanceView dnsVerified(@PathVariable UUID id) {
    return milestone(id, InstanceStore.Milestone.DNS_VERIFIED);
  }

  private InstanceView milestone(UUID id, InstanceStore.Milestone milestone) {
    instances.find(id).orElseThrow(() -> ApiException.notFound("this instance"));
    milestones.mark(id, milestone, "");
    return view(instances.find(id).orElseThrow());
  }

  /** A migration stopped by a bad archive starts again from the receipt of the new one. */
  static void backupChanged(TaskService tasks, @Nullable Task migration, UUID instance) {
    if (migration != null && migration.state() == TaskState.FAILED) {
      tasks.retry(migration, "receive");
    } else {
      tasks.wakeInstance(instance);
    }
  }

  /** A backup can be replaced until its restore begins. */
  static void checkReplaceable(@Nullable Task migration) {
    if (migration != null
        && (migration.state() == TaskState.RUNNING || migration.state() == TaskState.WAITING)
        && migration.stepIndex() > migration.steps().indexOf("wait")) {
      throw ApiException.conflict("the restore has begun: a new backup cannot replace this one");
    }
  }

  private @Nullable Task migration(Instance instance) {
    // the migration, not a pre-sync or an export
    return tasks.first(instance.id(), MigrateIn.NAME);
  }

  private Instance owned(UUID id, CurrentAccount account) {
    return instances
        .findOwned(id, account.id())
        .orElseThrow(() -> ApiException.notFound("this instance"));
  }

  private InstanceView view(Instance instance) {
    List<Task> all = tasks.forInstance(instance.id());
    return new InstanceView(
        instance.id(),
        instance.localDomain(),
        IDN.toUnicode(instance.localDomain()),
        instance.approvedAt(),
        instance.declinedAt(),
        instance.dnsVerifiedAt(),
        instance.confirmedAt(),
        instance.backupKey() == null || instance.backupAt() == null
            ? null
            : new Backup(
                instance.backupBytes() == null ? 0 : instance.backupBytes(),
                String.valueOf(instance.backupSha256()),
                instance.backupAt()),
        instance.scheduledAt(),
        instance.hasMediaSource(),
        instance.hasReport(),
        all.stream().map(TaskView::of).toList(),
        next(instance, migration(instance)));
  }

  /** What the admin does next, in plain words. */
  private static String next(Instance instance, @Nullable Task migration) {
    if (instance.declinedAt() != null) {
      return "The request was declined.";
    }
    if (migration != null && migration.state() == TaskState.FAILED) {
      return "The migration stopped: "
          + migration.problemMessage()
          + ". Send a new backup, or ask us to retry.";
    }
    if (migration != null && migration.state() == TaskState.SUCCEEDED) {
      return migration.result() != null
              && "running".equals(migration.result().path("state").asText())
          ? "Your instance runs and answers on its domain."
          : "Your instance is restored; its Kubernetes objects wait for an operator to apply"
              + " them (it does not run yet).";
    }
    if (instance.backupKey() == null) {
      return "Send your backup (PUT /api/v1/instances/" + instance.id() + "/backup).";
    }
    if (instance.approvedAt() == null) {
      return "We are reviewing your request.";
    }
    if (instance.dnsVerifiedAt() == null) {
      return "Set your DNS records; we check them.";
    }
    if (instance.confirmedAt() == null) {
      return "When your old instance is stopped and the backup is final, confirm to start the"
          + " restore.";
    }
    return "Your instance is being restored.";
  }

  static String domain(String given) {
    return InstanceRequests.domain(given)
        .orElseThrow(() -> ApiException.invalid("localDomain: not a domain name (example.social)"));
  }
}
