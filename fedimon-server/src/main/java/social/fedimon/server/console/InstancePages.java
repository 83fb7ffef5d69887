package social.fedimon.server.console;

import java.net.IDN;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.dns.DnsRecords;
import social.fedimon.server.dns.DnsVerification;
import social.fedimon.server.export.ExportOut;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceRequests;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.migration.Deletions;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.migration.PlatformKeys;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskService;
import social.fedimon.server.task.TaskState;
import social.fedimon.server.task.TaskStore;

/**
 * The admin's pages: the instances, the request form, an instance (its timeline, what to do next,
 * its DNS records, its tasks), and a task followed live. Another account's instance or task is a
 * 404, as in the API.
 */
@Controller
class InstancePages {

  /** One milestone of the instance's timeline. */
  record Milestone(String key, String state, @Nullable Instant at, @Nullable String detail) {}

  private final InstanceStore instances;
  private final InstanceRequests requests;
  private final TaskService tasks;
  private final TaskStore taskStore;
  private final DnsRecords dns;
  private final DnsVerification dnsVerification;
  private final com.fasterxml.jackson.databind.ObjectMapper json;
  private final social.fedimon.server.migration.ChunkedUploads chunkedUploads;
  private final PlatformKeys platformKeys;
  private final social.fedimon.server.hosting.Hosting hosting;
  private final Deletions deletions;
  private final social.fedimon.server.migration.Deploys deploys;
  private final social.fedimon.server.migration.Upgrades upgrades;
  private final social.fedimon.server.migration.CachedMedia cachedMedia;

  InstancePages(
      InstanceStore instances,
      InstanceRequests requests,
      TaskService tasks,
      TaskStore taskStore,
      DnsRecords dns,
      DnsVerification dnsVerification,
      com.fasterxml.jackson.databind.ObjectMapper json,
      social.fedimon.server.migration.ChunkedUploads chunkedUploads,
      PlatformKeys platformKeys,
      social.fedimon.server.hosting.Hosting hosting,
      Deletions deletions,
      social.fedimon.server.migration.Deploys deploys,
      social.fedimon.server.migration.Upgrades upgrades,
      social.fedimon.server.migration.CachedMedia cachedMedia) {
    this.cachedMedia = cachedMedia;
    this.deploys = deploys;
    this.upgrades = upgrades;
    this.deletions = deletions;
    this.hosting = hosting;
    this.platformKeys = platformKeys;
    this.json = json;
    this.chunkedUploads = chunkedUploads;
    this.dnsVerification = dnsVerification;
    this.instances = instances;
    this.requests = requests;
    this.tasks = tasks;
    this.taskStore = taskStore;
    this.dns = dns;
  }

  @GetMapping("/instances")
  String list(@AuthenticationPrincipal CurrentAccount account, Model model) {
    List<Row> rows = new ArrayList<>();
    java.util.Set<UUID> deleted = deletions.deleted(account.id());
    Map<UUID, Task> migrations = tasks.firstByInstance(account.id(), MigrateIn.NAME);
    for (Instance instance : instances.forAccount(account.id())) {
      Task migration = migrations.get(instance.id());
      String status = deleted.contains(instance.id()) ? DELETED : status(instance, migration);
      rows.add(
          new Row(
              instance.id(), IDN.toUnicode(instance.localDomain()), status, instance.createdAt()));
    }
    model.addAttribute("rows", rows);
    return "instances";
  }

  /**
   * A line of the dashboard: a record, so the page's expressions compile to bytecode (a map's
   * entries are looked up by reflection at each page).
   *
   * @param status the message key of where it stands
   */
  public record Row(UUID id, String domain, String status, Instant filed) {
    /** The status as a CSS class. */
    public String badge() {
      return status.replace('.', '-');
    }
  }

  @GetMapping("/instances/new")
  String newRequest(@AuthenticationPrincipal CurrentAccount account, Model model) {
    model.addAttribute("form", InstanceRequests.Form.blank(account.email()));
    model.addAttribute("errors", Map.of());
    return "instance-new";
  }

  @PostMapping("/instances/new")
  String file(
      @ModelAttribute InstanceRequests.Form form,
      @AuthenticationPrincipal CurrentAccount account,
      Model model) {
    Map<String, String> errors = new java.util.LinkedHashMap<>(requests.check(form));
    if (errors.isEmpty()) {
      Instance made = requests.file(account.id(), form).orElse(null);
      if (made != null) {
        return "redirect:/instances/" + made.id();
      }
      errors.put("localDomain", "request.error.taken");
    }
    model.addAttribute("form", form);
    model.addAttribute("errors", errors);
    return "instance-new";
  }

  @GetMapping("/instances/{id}")
  String instance(
      @PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account, Model model) {
    Instance instance = owned(id, account);
    // newest first: the instance's migration is the first migrate-in (a page of a dozen queries
    // was half of them repeated)
    List<Task> all = tasks.forInstance(id);
    Task migration =
        all.stream().filter(t -> MigrateIn.NAME.equals(t.kind())).findFirst().orElse(null);
    Deletions.Deletion deletion = deletions.of(id).orElse(null);
    live(instance, migration, deletion, model);
    model.addAttribute("webDomain", instance.webDomain());
    model.addAttribute("request", requests.request(id));
    model.addAttribute(
        "replaceable",
        instance.declinedAt() == null
            && (migration == null
                || migration.state() == TaskState.FAILED
                || migration.stepIndex() <= migration.steps().indexOf("wait")));
    model.addAttribute("unfinished", chunkedUploads.unfinished(instance).orElse(null));
    boolean running =
        migration != null
            && migration.result() != null
            && social.fedimon.server.hosting.Hosting.RUNNING.equals(
                migration.result().path("state").asText());
    if (running && hosting.cluster() && !DELETED.equals(model.getAttribute("status"))) {
      try {
        model.addAttribute("cluster", hosting.status(instance.localDomain()));
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        model.addAttribute("clusterUnreachable", true);
      }
    }
    model.addAttribute("deletion", deletion);
    model.addAttribute("graceDays", Math.max(1, hosting.properties().deleteGrace().toDays()));
    model.addAttribute(
        "plan",
        instance.hasEnv()
            ? deploys.currentPlan(id).name().toLowerCase(java.util.Locale.ROOT)
            : null);
    boolean deleted = DELETED.equals(model.getAttribute("status"));
    model.addAttribute("upgrade", deleted ? null : upgrades.offer(instance, all));
    model.addAttribute(
        "cachedMedia",
        deleted || migration == null || migration.state() != TaskState.SUCCEEDED
            ? null
            : cachedMedia.of(id).filter(c -> c.missing() > 0).orElse(null));
    boolean replaceable = (boolean) model.getAttribute("replaceable");
    model.addAttribute(
        "keys", replaceable ? platformKeys.published(id, instance.localDomain()) : null);
    DnsVerification.Status dnsStatus = dnsVerification.status(instance);
    model.addAttribute("records", dnsStatus.records());
    model.addAttribute("dnsCheckedAt", dnsStatus.checkedAt());
    model.addAttribute("dnsConfigured", dns.properties().configured());
    model.addAttribute(
        "exports",
        all.stream()
            .filter(t -> ExportOut.NAME.equals(t.kind()))
            .sorted(Comparator.comparing(Task::createdAt).reversed())
            .toList());
    model.addAttribute(
        "exportable",
        instance.tenantDatabase() != null
            && migration != null
            && migration.state() == TaskState.SUCCEEDED);
    model.addAttribute(
        "hasExport",
        all.stream()
            .anyMatch(
                t ->
                    ExportOut.NAME.equals(t.kind())
                        && t.state() != TaskState.CANCELLED
                        && t.state() != TaskState.FAILED));
    return "instance";
  }

  /**
   * The instance page's head, status, next step and timeline: what the page swaps in at each event
   * of its migration while that runs; once it ended, the whole page again.
   */
  @GetMapping("/instances/{id}/live")
  @Nullable String live(
      @PathVariable UUID id,
      @RequestParam(required = false) @Nullable String seen,
      @AuthenticationPrincipal CurrentAccount account,
      jakarta.servlet.http.HttpServletResponse response,
      Model model) {
    Instance instance = owned(id, account);
    Task migration = migration(instance);
    live(instance, migration, deletions.of(id).orElse(null), model);
    if (migration == null || migration.state().ended()) {
      response.setHeader("HX-Refresh", "true");
    } else if (model.getAttribute("liveVersion").equals(seen)) {
      // nothing the page shows changed (a progress event): no swap under the reader's eyes
      response.setStatus(jakarta.servlet.http.HttpServletResponse.SC_NO_CONTENT);
      return null;
    }
    return "instance :: live";
  }

  /** What the live part of the instance page shows. */
  private void live(
      Instance instance,
      @Nullable Task migration,
      Deletions.@Nullable Deletion deletion,
      Model model) {
    model.addAttribute("instance", instance);
    model.addAttribute("domain", IDN.toUnicode(instance.localDomain()));
    model.addAttribute(
        "punycode", !IDN.toUnicode(instance.localDomain()).equals(instance.localDomain()));
    boolean deleted = deletion != null && deletion.deletedAt() != null;
    model.addAttribute("status", deleted ? DELETED : status(instance, migration));
    model.addAttribute("timeline", timeline(instance, migration));
    model.addAttribute("migration", migration);
    model.addAttribute("live", migration != null && !migration.state().ended());
    model.addAttribute(
        "liveVersion",
        Integer.toHexString(
            java.util.Objects.hash(
                model.getAttribute("status"),
                model.getAttribute("timeline"),
                instance.hasReport(),
                // not the task's state itself: waiting and running flip as it checks its wait
                migration == null ? null : migration.problemMessage())));
  }

  /** The pre-flight report of the backup received, for a person: verdict, findings, advice. */
  @GetMapping("/instances/{id}/report")
  String report(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account, Model model)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    Instance instance = owned(id, account);
    String text = instances.report(id).orElse(null);
    model.addAttribute("instance", instance);
    model.addAttribute("domain", IDN.toUnicode(instance.localDomain()));
    com.fasterxml.jackson.databind.JsonNode report = text == null ? null : json.readTree(text);
    model.addAttribute("report", report);
    List<String> layers = new ArrayList<>();
    if (report != null) {
      report.path("layers").forEach(layer -> layers.add(layer.asText()));
    }
    model.addAttribute("layers", String.join(" → ", layers));
    boolean downgrade = false;
    if (report != null) {
      for (com.fasterxml.jackson.databind.JsonNode problem : report.path("problems")) {
        downgrade |= "downgrade".equals(problem.path("code").asText());
      }
    }
    model.addAttribute("downgrade", downgrade);
    return "report";
  }

  /** "Check now": the records asked of the resolver at once; the page shows each verdict. */
  @PostMapping("/instances/{id}/dns-check")
  String checkDns(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    dnsVerification.checkNow(owned(id, account));
    return "redirect:/instances/" + id + "#dns";
  }

  @PostMapping("/instances/{id}/exports")
  String export(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Instance instance = owned(id, account);
    if (instance.tenantDatabase() == null) {
      throw new ResponseStatusException(HttpStatus.CONFLICT, "nothing to export yet");
    }
    Task task =
        tasks.start(
            ExportOut.NAME,
            account.id(),
            id,
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("encrypt", false)
                .put("media", false));
    return "redirect:/tasks/" + task.id();
  }

  @GetMapping("/tasks/{id}")
  String task(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account, Model model) {
    Task task = taskStore.findOwned(id, account.id()).orElseThrow(InstancePages::notFound);
    model.addAttribute("task", task);
    model.addAttribute("log", taskStore.events(id, 0));
    model.addAttribute(
        "instance",
        task.instanceId() == null ? null : instances.find(task.instanceId()).orElse(null));
    return "task";
  }

  /** The task's state as a fragment: what the live page swaps in at each change. */
  @GetMapping("/tasks/{id}/panel")
  String taskPanel(
      @PathVariable UUID id,
      @AuthenticationPrincipal CurrentAccount account,
      jakarta.servlet.http.HttpServletResponse response,
      Model model) {
    Task task = taskStore.findOwned(id, account.id()).orElseThrow(InstancePages::notFound);
    if (task.state().ended()) {
      // the whole page again, without the live stream: its link, its size, its log
      response.setHeader("HX-Refresh", "true");
    }
    model.addAttribute("task", task);
    model.addAttribute("log", taskStore.events(id, 0));
    return "task :: panel";
  }

  private Instance owned(UUID id, CurrentAccount account) {
    return instances.findOwned(id, account.id()).orElseThrow(InstancePages::notFound);
  }

  static ResponseStatusException notFound() {
    return new ResponseStatusException(HttpStatus.NOT_FOUND);
  }

  private @Nullable Task migration(Instance instance) {
    // the migration, not a pre-sync or an export
    return tasks.first(instance.id(), MigrateIn.NAME);
  }

  /** A message key for where the instance stands. */
  /** The status of an instance whose deletion is done. */
  static final String DELETED = "status.deleted";

  static String status(Instance instance, @Nullable Task migration) {
    if (instance.declinedAt() != null) {
      return "status.declined";
    }
    if (migration == null) {
      return "status.submitted";
    }
    return switch (migration.state()) {
      case FAILED -> "status.failed";
      case CANCELLED -> "status.cancelled";
      case SUCCEEDED ->
          migration.result() != null && "running".equals(migration.result().path("state").asText())
              ? "status.running"
              : "status.ready";
      case RUNNING, QUEUED, WAITING -> {
        if (migration.stepIndex() > migration.steps().indexOf("wait")) {
          yield "status.restoring";
        }
        // inspecting a backup just received; else waiting for what the admin sends or sets
        yield instance.backupAt() != null
                && migration.state() != TaskState.WAITING
                && migration.stepIndex() <= migration.steps().indexOf("inspect")
            ? "status.preparing"
            : "status.waiting";
      }
    };
  }

  /** The request's milestones, each done, current or to come. */
  static List<Milestone> timeline(Instance instance, @Nullable Task migration) {
    List<Milestone> out = new ArrayList<>();
    out.add(new Milestone("submitted", "done", instance.createdAt(), null));
    if (instance.declinedAt() != null) {
      out.add(new Milestone("declined", "failed", instance.declinedAt(), null));
      return out;
    }
    out.add(
        new Milestone(
            "approved",
            instance.approvedAt() != null ? "done" : "current",
            instance.approvedAt(),
            null));
    boolean restoring =
        migration != null && migration.stepIndex() > migration.steps().indexOf("wait");
    out.add(
        new Milestone(
            "backup", instance.backupAt() != null ? "done" : "current", instance.backupAt(), null));
    out.add(
        new Milestone(
            "dns",
            instance.dnsVerifiedAt() != null ? "done" : "current",
            instance.dnsVerifiedAt(),
            null));
    boolean failed = migration != null && migration.state() == TaskState.FAILED;
    boolean ready = migration != null && migration.state() == TaskState.SUCCEEDED;
    out.add(
        new Milestone(
            "restoring",
            ready ? "done" : failed && restoring ? "failed" : restoring ? "current" : "todo",
            null,
            failed ? migration.problemMessage() : null));
    out.add(
        new Milestone(
            "ready", ready ? "done" : "todo", ready ? migration.finishedAt() : null, null));
    return out;
  }
}
