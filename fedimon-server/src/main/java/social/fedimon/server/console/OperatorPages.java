package social.fedimon.server.console;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.instance.Milestones;
import social.fedimon.server.mail.OutboxMailSender;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskService;
import social.fedimon.server.task.TaskState;
import social.fedimon.server.task.TaskStore;
import social.fedimon.server.tenant.TenantDatabases;

/**
 * The operator's console ({@code /operator}, operators only): the queue of requests to approve or
 * decline (with a reason mailed to the admin), every instance and task with its log, retry from a
 * step, cancel, the embedded mail outbox, and capacity.
 */
@Controller
class OperatorPages {

  /** One mail of the outbox. */
  record OutboxMail(String file, String to, String subject, String at) {}

  private final InstanceStore instances;
  private final Milestones milestones;
  private final TaskStore taskStore;
  private final TaskService tasks;
  private final AccountStore accounts;
  private final TenantDatabases tenants;
  private final JdbcClient jdbc;
  private final JavaMailSender mail;
  private final social.fedimon.server.hosting.Hosting hosting;
  private final social.fedimon.server.migration.Deploys deploys;
  private final social.fedimon.server.migration.Deletions deletions;
  private final social.fedimon.server.migration.CachedMedia cachedMedia;

  OperatorPages(
      social.fedimon.server.hosting.Hosting hosting,
      social.fedimon.server.migration.Deploys deploys,
      social.fedimon.server.migration.Deletions deletions,
      social.fedimon.server.migration.CachedMedia cachedMedia,
      InstanceStore instances,
      Milestones milestones,
      TaskStore taskStore,
      TaskService tasks,
      AccountStore accounts,
      TenantDatabases tenants,
      JdbcClient jdbc,
      JavaMailSender mail) {
    this.instances = instances;
    this.milestones = milestones;
    this.taskStore = taskStore;
    this.tasks = tasks;
    this.accounts = accounts;
    this.tenants = tenants;
    this.jdbc = jdbc;
    this.mail = mail;
    this.hosting = hosting;
    this.deploys = deploys;
    this.deletions = deletions;
    this.cachedMedia = cachedMedia;
  }

  /**
   * One instance as an operator sees it: its owner, release, plan, what the cluster says of it (or
   * the commands that apply its manifests), its deletion, its missing cached media, its tasks.
   */
  @GetMapping("/operator/instances/{id}")
  String instancePage(@PathVariable UUID id, Model model) {
    Instance instance = instance(id);
    Task migration = migration(instance);
    var deletion = deletions.of(id).orElse(null);
    boolean deleted = deletion != null && deletion.deletedAt() != null;
    model.addAttribute("instance", instance);
    model.addAttribute(
        "owner", accounts.byId(instance.accountId()).map(a -> a.email()).orElse("?"));
    model.addAttribute(
        "status", deleted ? InstancePages.DELETED : InstancePages.status(instance, migration));
    model.addAttribute("release", deploys.release(instance));
    model.addAttribute(
        "plan",
        instance.hasEnv()
            ? deploys.currentPlan(id).name().toLowerCase(java.util.Locale.ROOT)
            : null);
    model.addAttribute("namespace", hosting.manifests().namespace(instance.localDomain()));
    model.addAttribute("deletion", deletion);
    model.addAttribute("cachedMedia", cachedMedia.of(id).orElse(null));
    model.addAttribute("onCluster", hosting.cluster());
    model.addAttribute("clusterUnreachable", false);
    if (hosting.cluster() && !deleted) {
      try {
        var status = hosting.status(instance.localDomain());
        model.addAttribute(
            "cluster", status.replicas().isEmpty() && status.pods().isEmpty() ? null : status);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        model.addAttribute("clusterUnreachable", true);
      }
    }
    java.nio.file.Path folder = hosting.folder(instance.localDomain());
    model.addAttribute(
        "commands",
        !hosting.cluster() && java.nio.file.Files.isDirectory(folder)
            ? social.fedimon.server.hosting.ManifestFolder.commands(folder)
            : null);
    model.addAttribute("tasks", tasks.forInstance(id));
    return "operator-instance";
  }

  @GetMapping("/operator")
  String dashboard(Model model) {
    List<Map<String, Object>> queue = new ArrayList<>();
    List<Map<String, Object>> all = new ArrayList<>();
    for (Instance instance : instances.all(500)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("instance", instance);
      row.put("owner", accounts.byId(instance.accountId()).map(a -> a.email()).orElse("?"));
      Task migration = migration(instance);
      row.put("status", InstancePages.status(instance, migration));
      row.put("migration", migration);
      all.add(row);
      if (instance.approvedAt() == null && instance.declinedAt() == null) {
        queue.add(row);
      }
    }
    model.addAttribute("queue", queue);
    model.addAttribute("instances", all);
    model.addAttribute("active", taskStore.inStates(List.of("running", "queued", "waiting"), 200));
    model.addAttribute("failed", taskStore.inStates(List.of("failed"), 50));
    model.addAttribute("counts", taskStore.countsByState());
    Map<String, Long> sizes;
    String tenantError = null;
    try {
      sizes = tenants.sizes();
    } catch (SQLException e) {
      sizes = Map.of();
      tenantError = e.getMessage();
    }
    model.addAttribute("tenantSizes", sizes);
    model.addAttribute("tenantTotal", sizes.values().stream().mapToLong(Long::longValue).sum());
    model.addAttribute("tenantError", tenantError);
    model.addAttribute(
        "backupBytes",
        jdbc.sql("SELECT coalesce(sum(backup_bytes), 0) FROM instance").query(Long.class).single());
    model.addAttribute(
        "exportBytes",
        jdbc.sql(
                "SELECT coalesce(sum((result->>'bytes')::bigint), 0) FROM task"
                    + " WHERE kind = 'export' AND state = 'succeeded'")
            .query(Long.class)
            .single());
    model.addAttribute("outbox", mail instanceof OutboxMailSender);
    return "operator";
  }

  @PostMapping("/operator/instances/{id}/approve")
  String approve(@PathVariable UUID id, RedirectAttributes redirect) {
    Instance instance = instance(id);
    milestones.mark(id, InstanceStore.Milestone.APPROVED, "");
    redirect.addFlashAttribute("done", "operator.approved");
    redirect.addFlashAttribute("doneArg", instance.localDomain());
    return "redirect:/operator";
  }

  @PostMapping("/operator/instances/{id}/decline")
  String decline(
      @PathVariable UUID id,
      @RequestParam(defaultValue = "") String reason,
      RedirectAttributes redirect) {
    Instance instance = instance(id);
    String why = reason.strip();
    if (why.length() > 2000) {
      why = why.substring(0, 2000);
    }
    milestones.mark(id, InstanceStore.Milestone.DECLINED, why);
    redirect.addFlashAttribute("done", "operator.declined");
    redirect.addFlashAttribute("doneArg", instance.localDomain());
    return "redirect:/operator";
  }

  @GetMapping("/operator/tasks/{id}")
  String task(@PathVariable UUID id, Model model) {
    Task task = taskStore.find(id).orElseThrow(OperatorPages::notFound);
    model.addAttribute("task", task);
    model.addAttribute("log", taskStore.events(id, 0));
    model.addAttribute("owner", accounts.byId(task.accountId()).map(a -> a.email()).orElse("?"));
    model.addAttribute(
        "instance",
        task.instanceId() == null ? null : instances.find(task.instanceId()).orElse(null));
    return "operator-task";
  }

  @PostMapping("/operator/tasks/{id}/retry")
  String retry(
      @PathVariable UUID id,
      @RequestParam(required = false) @Nullable String step,
      RedirectAttributes redirect) {
    Task task = taskStore.find(id).orElseThrow(OperatorPages::notFound);
    try {
      tasks.retry(task, step == null || step.isBlank() ? null : step);
      redirect.addFlashAttribute("done", "operator.retried");
    } catch (IllegalArgumentException | TaskState.IllegalTransition e) {
      redirect.addFlashAttribute("problem", "operator.retryRefused");
    }
    return "redirect:/operator/tasks/" + id;
  }

  @PostMapping("/operator/tasks/{id}/cancel")
  String cancel(@PathVariable UUID id, RedirectAttributes redirect) {
    Task task = taskStore.find(id).orElseThrow(OperatorPages::notFound);
    if (tasks.cancel(task)) {
      redirect.addFlashAttribute("done", "operator.cancelAsked");
    } else {
      redirect.addFlashAttribute("problem", "operator.cancelRefused");
    }
    return "redirect:/operator/tasks/" + id;
  }

  @GetMapping("/operator/outbox")
  String outbox(Model model) throws IOException {
    List<OutboxMail> mails = new ArrayList<>();
    if (mail instanceof OutboxMailSender outbox && Files.isDirectory(outbox.outbox())) {
      try (Stream<Path> files = Files.list(outbox.outbox())) {
        for (Path file :
            files
                .filter(f -> f.getFileName().toString().endsWith(".eml"))
                .sorted(Comparator.comparing(Path::getFileName).reversed())
                .limit(200)
                .toList()) {
          MimeMessage message = read(outbox, file);
          mails.add(
              new OutboxMail(
                  file.getFileName().toString(),
                  String.join(", ", recipients(message)),
                  subject(message),
                  file.getFileName()
                      .toString()
                      .substring(0, Math.min(20, file.getFileName().toString().length()))));
        }
      }
    }
    model.addAttribute("mails", mails);
    model.addAttribute("enabled", mail instanceof OutboxMailSender);
    return "operator-outbox";
  }

  @GetMapping("/operator/outbox/{name:[A-Za-z0-9._-]+\\.eml}")
  String outboxMail(@PathVariable String name, Model model) throws Exception {
    if (!(mail instanceof OutboxMailSender outbox)) {
      throw notFound();
    }
    Path file = outbox.outbox().resolve(name).normalize();
    if (!file.getParent().equals(outbox.outbox().normalize()) || !Files.isRegularFile(file)) {
      throw notFound();
    }
    MimeMessage message = read(outbox, file);
    model.addAttribute("subject", subject(message));
    model.addAttribute("to", String.join(", ", recipients(message)));
    model.addAttribute("text", text(message.getContent()));
    return "operator-mail";
  }

  private static MimeMessage read(OutboxMailSender outbox, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new MimeMessage(outbox.getSession(), in);
    } catch (jakarta.mail.MessagingException e) {
      throw new IOException("unreadable mail " + file.getFileName(), e);
    }
  }

  private static List<String> recipients(MimeMessage message) {
    try {
      var to = message.getAllRecipients();
      return to == null ? List.of() : Stream.of(to).map(Object::toString).toList();
    } catch (jakarta.mail.MessagingException e) {
      return List.of();
    }
  }

  private static String subject(MimeMessage message) {
    try {
      return String.valueOf(message.getSubject());
    } catch (jakarta.mail.MessagingException e) {
      return "";
    }
  }

  /** The plain-text part of a mail (its first). */
  private static String text(Object content) throws Exception {
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof jakarta.mail.Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        var part = multipart.getBodyPart(i);
        if (part.isMimeType("text/plain")) {
          return String.valueOf(part.getContent());
        }
        if (part.getContent() instanceof jakarta.mail.Multipart) {
          String inner = text(part.getContent());
          if (!inner.isEmpty()) {
            return inner;
          }
        }
      }
    }
    return "";
  }

  private Instance instance(UUID id) {
    return instances.find(id).orElseThrow(OperatorPages::notFound);
  }

  private @Nullable Task migration(Instance instance) {
    // the migration, not a pre-sync or an export
    return tasks.first(instance.id(), MigrateIn.NAME);
  }

  private static ResponseStatusException notFound() {
    return new ResponseStatusException(HttpStatus.NOT_FOUND);
  }
}
