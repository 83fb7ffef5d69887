package social.fedimon.server.notify;

import java.net.IDN;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.infra.PublicUrl;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.mail.Mailer;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskEnded;
import social.fedimon.server.task.TaskState;

/**
 * A mail to the instance's admin at each milestone: request received, approved or declined, DNS
 * verified, backup received (with the report's verdict), restore started and finished, ready,
 * export ready, failure with the next step. Each is the template {@code mail/milestone} with the
 * texts {@code mail.KIND.*}; a mail that cannot be sent is logged, never fails the work.
 */
@Service
public class Notifications {

  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  /** The milestones mailed. */
  public enum Kind {
    REQUEST_RECEIVED,
    APPROVED,
    DECLINED,
    DNS_VERIFIED,
    BACKUP_RECEIVED,
    RESTORE_STARTED,
    RESTORE_FINISHED,
    READY,
    RUNNING,
    DELETION_ASKED,
    DELETED,
    UPGRADED,
    UPGRADE_WRITTEN,
    EXPORT_READY,
    FAILED;

    /** The name in message keys: {@code request-received}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Mailer mailer;
  private final AccountStore accounts;
  private final InstanceStore instances;
  private final PublicUrl publicUrl;
  private final social.fedimon.server.console.Formats formats;

  Notifications(
      Mailer mailer,
      AccountStore accounts,
      InstanceStore instances,
      PublicUrl publicUrl,
      social.fedimon.server.console.Formats formats) {
    this.formats = formats;
    this.mailer = mailer;
    this.accounts = accounts;
    this.instances = instances;
    this.publicUrl = publicUrl;
  }

  /**
   * Mails {@code kind} about {@code instance} to its admin.
   *
   * @param detail the mail's second paragraph's argument (a reason, a size, a count), or ""
   */
  public void send(Kind kind, Instance instance, String detail) {
    send(kind, instance, detail, "/instances/" + instance.id());
  }

  private void send(Kind kind, Instance instance, String detail, String path) {
    try {
      AccountStore.Account account = accounts.byId(instance.accountId()).orElse(null);
      if (account == null) {
        return;
      }
      String domain = IDN.toUnicode(instance.localDomain());
      Map<String, Object> model = new HashMap<>();
      model.put("kind", kind.key());
      model.put("domain", domain);
      model.put("detail", detail);
      model.put("link", publicUrl.base() + path);
      model.put("subjectArgs", new Object[] {domain});
      mailer.send(account.email(), Locale.forLanguageTag(account.language()), "milestone", model);
    } catch (RuntimeException e) {
      log.warn(
          "instance {}: the {} mail was not sent: {}", instance.id(), kind.key(), e.toString());
    }
  }

  /** What happened to an instance, mailed. */
  @EventListener
  void instance(social.fedimon.server.instance.InstanceEvent event) {
    Instance instance = instances.find(event.instance()).orElse(null);
    if (instance == null) {
      return;
    }
    Kind kind =
        switch (event.what()) {
          case "request-received" -> Kind.REQUEST_RECEIVED;
          case "approved" -> Kind.APPROVED;
          case "declined" -> Kind.DECLINED;
          case "dns-verified" -> Kind.DNS_VERIFIED;
          case "backup-received" -> Kind.BACKUP_RECEIVED;
          case "restore-started" -> Kind.RESTORE_STARTED;
          case "restore-finished" -> Kind.RESTORE_FINISHED;
          case "deletion-asked" -> Kind.DELETION_ASKED;
          case "deleted" -> Kind.DELETED;
          default -> null;
        };
    if (kind != null) {
      send(kind, instance, event.detail());
    }
  }

  /** Tasks that end: a migration ready or failed, an export ready or failed. */
  @EventListener
  void ended(TaskEnded event) {
    Task task = event.task();
    UUID instanceId = task.instanceId();
    if (instanceId == null) {
      return;
    }
    Instance instance = instances.find(instanceId).orElse(null);
    if (instance == null) {
      return;
    }
    String path = "/tasks/" + task.id();
    if (task.state() == TaskState.FAILED) {
      send(Kind.FAILED, instance, String.valueOf(task.problemMessage()), path);
    } else if (task.state() == TaskState.SUCCEEDED && "migrate-in".equals(task.kind())) {
      boolean running =
          task.result() != null && "running".equals(task.result().path("state").asText());
      send(running ? Kind.RUNNING : Kind.READY, instance, "", "/instances/" + instance.id());
    } else if (task.state() == TaskState.SUCCEEDED && "upgrade".equals(task.kind())) {
      String release = task.result() == null ? "" : task.result().path("release").asText();
      boolean running =
          task.result() != null && "running".equals(task.result().path("state").asText());
      send(
          running ? Kind.UPGRADED : Kind.UPGRADE_WRITTEN,
          instance,
          release,
          "/instances/" + instance.id());
    } else if (task.state() == TaskState.SUCCEEDED && "export".equals(task.kind())) {
      long bytes = task.result() == null ? 0 : task.result().path("bytes").asLong();
      send(Kind.EXPORT_READY, instance, formats.bytes(bytes), path);
    }
  }
}
