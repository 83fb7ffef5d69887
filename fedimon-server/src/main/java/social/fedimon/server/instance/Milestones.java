package social.fedimon.server.instance;

import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import social.fedimon.server.task.TaskService;

/**
 * An operator's or a check's verdict on an instance (approved, declined, DNS verified), from the
 * API or the console alike: the mark, the migration woken, the admin told.
 */
@Service
public class Milestones {

  private final InstanceStore instances;
  private final TaskService tasks;
  private final ApplicationEventPublisher events;

  Milestones(InstanceStore instances, TaskService tasks, ApplicationEventPublisher events) {
    this.instances = instances;
    this.tasks = tasks;
    this.events = events;
  }

  /**
   * Marks {@code milestone} (once: marking it again changes nothing and mails nothing).
   *
   * @param reason a decline's reason, mailed to the admin; "" otherwise
   */
  public void mark(UUID id, InstanceStore.Milestone milestone, String reason) {
    Instance before = instances.find(id).orElseThrow();
    instances.mark(id, milestone);
    tasks.wakeInstance(id);
    boolean first =
        switch (milestone) {
          case APPROVED -> before.approvedAt() == null;
          case DECLINED -> before.declinedAt() == null;
          case DNS_VERIFIED -> before.dnsVerifiedAt() == null;
          case CONFIRMED -> false;
        };
    if (first) {
      events.publishEvent(new InstanceEvent(id, milestone.event(), reason));
    }
  }

  /** Tells the admin of something the migration did. */
  public void tell(UUID id, String what, String detail) {
    events.publishEvent(new InstanceEvent(id, what, detail));
  }
}
