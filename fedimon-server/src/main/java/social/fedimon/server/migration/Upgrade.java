package social.fedimon.server.migration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.springframework.stereotype.Component;
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.hosting.InstanceSpec;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.Step;
import social.fedimon.server.task.StepContext;
import social.fedimon.server.task.StepOutcome;
import social.fedimon.server.task.Task;
import social.fedimon.server.task.TaskKind;
import social.fedimon.server.task.TaskProblem;

/**
 * An upgrade to a newer release line of the same fork ({@code {"release": "4.5"}}), or from
 * Mastodon to a fork's same or newer line ({@code {"fork": "glitch-soc", "release": "4.5"}}):
 * migrate (the database's migrations with the new image, post-deployment ones skipped, to their
 * end) → roll (web, streaming and Sidekiq on the new images, until the instance answers as its
 * domain) → after (the post-deployment migrations, the home feeds, the search index). Without a
 * cluster the first step writes the manifests of the new release and the instance is ready to apply
 * again.
 */
@Component
public class Upgrade implements TaskKind {

  public static final String NAME = "upgrade";

  private final InstanceStore instances;
  private final Deploys deploys;
  private final MigrateIn migrateIn;
  private final List<Step> steps;

  Upgrade(InstanceStore instances, Deploys deploys, MigrateIn migrateIn) {
    this.instances = instances;
    this.deploys = deploys;
    this.migrateIn = migrateIn;
    this.steps =
        List.of(
            Step.of("migrate", c -> phase(c, Hosting.Phase.MIGRATE)),
            Step.of("roll", c -> phase(c, Hosting.Phase.ROLL)),
            Step.of("after", c -> phase(c, Hosting.Phase.AFTER)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Step> steps() {
    return steps;
  }

  private StepOutcome phase(StepContext context, Hosting.Phase phase) {
    Instance instance =
        instances
            .find(context.instanceId())
            .orElseThrow(() -> new TaskProblem("not-found", "the instance no longer exists"));
    com.fasterxml.jackson.databind.JsonNode options = context.task().options();
    String release = options == null ? "" : options.path("release").asText();
    if (release.isEmpty()) {
      throw new TaskProblem("invalid-request", "the upgrade names no release");
    }
    String fork = options.path("fork").asText(null);
    InstanceSpec spec = deploys.spec(instance, migrateIn.env(instance.id()), release, fork);
    Hosting.Deployed deployed = deploys.phase(spec, phase, Deploys.watch(context));
    if (phase == Hosting.Phase.MIGRATE) {
      // the database is on the new release now: whatever runs it from here on uses its images
      deploys.runs(instance.id(), spec.fork(), release);
      context.log(
          deployed.folder() == null
              ? "the database is migrated to " + spec.fork() + " " + release
              : "the manifests of "
                  + spec.fork()
                  + " "
                  + release
                  + " are written to "
                  + deployed.folder()
                  + ": nothing runs until an operator applies them");
    }
    if (phase != Hosting.Phase.AFTER) {
      return StepOutcome.done();
    }
    ObjectNode result =
        deploys.result(
            spec,
            deployed,
            spec.host() + " runs " + spec.fork() + " " + release + " and answers as its domain.",
            "The manifests of " + spec.fork() + " " + release + " are written");
    result.put("fork", spec.fork());
    result.put("release", release);
    return StepOutcome.done(result);
  }

  /**
   * Nothing is taken back: a database migrated to the new release stays so (Mastodon's migrations
   * do not go back), and the old images do not run it; the upgrade is asked again.
   */
  @Override
  public void cleanUp(Task task) {}
}
