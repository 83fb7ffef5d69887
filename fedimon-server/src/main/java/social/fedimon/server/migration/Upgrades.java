package social.fedimon.server.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.hosting.InstanceManifests;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskService;
import social.fedimon.server.task.TaskState;

/**
 * What an instance may be upgraded to (the newer release lines of its fork this platform has images
 * for) and the start of an upgrade, refused while anything else happens to the instance.
 */
@Service
public class Upgrades {

  /**
   * An instance's release and its upgrades.
   *
   * @param running the upgrade under way, if one is
   */
  public record Offer(
      String fork,
      String release,
      List<String> available,
      List<String> forks,
      @Nullable Task running) {}

  /** An upgrade that cannot start. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean conflict;

    Refused(String message, boolean conflict) {
      super(message);
      this.conflict = conflict;
    }

    /** Whether the instance's state refuses it (else the request itself is wrong). */
    boolean conflict() {
      return conflict;
    }
  }

  private final Deploys deploys;
  private final Hosting hosting;
  private final Deletions deletions;
  private final TaskService tasks;
  private final ObjectMapper json;

  Upgrades(
      Deploys deploys, Hosting hosting, Deletions deletions, TaskService tasks, ObjectMapper json) {
    this.deploys = deploys;
    this.hosting = hosting;
    this.deletions = deletions;
    this.tasks = tasks;
    this.json = json;
  }

  /** The instance's release and the newer ones it may go to; null before it is restored. */
  public @Nullable Offer offer(Instance instance) {
    return offer(instance, tasks.forInstance(instance.id()));
  }

  /** The same, given the instance's tasks (a page that has them read them once). */
  public @Nullable Offer offer(Instance instance, List<Task> instanceTasks) {
    Task migration =
        instanceTasks.stream()
            .filter(t -> MigrateIn.NAME.equals(t.kind()))
            .findFirst()
            .orElse(null);
    if (!instance.hasEnv() || migration == null || migration.state() != TaskState.SUCCEEDED) {
      return null;
    }
    Deploys.Release spec = deploys.release(instance);
    if (spec == null) {
      return null;
    }
    Task running =
        instanceTasks.stream()
            .filter(t -> Upgrade.NAME.equals(t.kind()) && !t.state().ended())
            .findFirst()
            .orElse(null);
    return new Offer(
        spec.fork(),
        spec.release(),
        hosting.manifests().newerLines(spec.fork(), spec.release()),
        hosting.manifests().forkTargets(spec.fork(), spec.release()),
        running);
  }

  /**
   * Starts the upgrade of the instance to release line {@code release}.
   *
   * @throws Refused when it is not restored, is being deleted, has a task under way, or the line is
   *     not a newer one of its fork with images here
   */
  Task start(Instance instance, String release) {
    return start(instance, release, null);
  }

  /**
   * The same to release line {@code release} of {@code fork}: another fork only from Mastodon, to a
   * fork's same or newer line.
   */
  Task start(Instance instance, String release, @Nullable String fork) {
    Offer offer = offer(instance);
    if (offer == null) {
      throw new Refused("the instance is not restored yet: it has no release to upgrade", true);
    }
    if (deletions.of(instance.id()).isPresent()) {
      throw new Refused("the instance is being deleted: take the deletion back first", true);
    }
    Task busy =
        tasks.forInstance(instance.id()).stream()
            .filter(t -> !t.state().ended())
            .findFirst()
            .orElse(null);
    if (busy != null) {
      throw new Refused(
          "a " + busy.kind() + " task of this instance is under way: wait for its end", true);
    }
    if (!release.matches("[0-9]{1,2}\\.[0-9]{1,3}")) {
      throw new Refused("release: a release line such as 4.5", false);
    }
    if (fork != null && !fork.equals(offer.fork())) {
      if (!offer.forks().contains(fork + " " + release)) {
        throw new Refused(
            "mastodon".equals(offer.fork())
                ? "there is no image for "
                    + fork
                    + " "
                    + release
                    + " on this platform, or it is older than "
                    + offer.release()
                    + "; it offers "
                    + (offer.forks().isEmpty() ? "no fork" : String.join(", ", offer.forks()))
                : "an instance of "
                    + offer.fork()
                    + " does not switch to "
                    + fork
                    + ": what "
                    + offer.fork()
                    + " added to its database would be lost",
            false);
      }
      return startTask(instance, release, fork);
    }
    if (!InstanceManifests.newer(release, offer.release())) {
      throw new Refused(
          release + " is not newer than " + offer.release() + ", the release the instance runs",
          false);
    }
    if (!offer.available().contains(release)) {
      throw new Refused(
          "there is no image for "
              + offer.fork()
              + " "
              + release
              + " on this platform; it offers "
              + (offer.available().isEmpty() ? "none newer" : String.join(", ", offer.available())),
          false);
    }
    return startTask(instance, release, null);
  }

  private Task startTask(Instance instance, String release, @Nullable String fork) {
    com.fasterxml.jackson.databind.node.ObjectNode options =
        json.createObjectNode().put("release", release);
    if (fork != null) {
      options.put("fork", fork);
    }
    try {
      return tasks.start(Upgrade.NAME, instance.accountId(), instance.id(), options);
    } catch (org.springframework.dao.DuplicateKeyException e) {
      // another ask started one between the check above and now (task_one_upgrade)
      throw new Refused("an upgrade of this instance is under way: wait for its end", true);
    }
  }
}
