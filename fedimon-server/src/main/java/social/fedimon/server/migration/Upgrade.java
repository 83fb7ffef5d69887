package social.fedimon.server.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.springframework.stereotype.Component;
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.hosting.InstanceManifests;
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
  private final Hosting hosting;
  private final MigrateIn migrateIn;
  private final ObjectMapper json;
  private final List<Step> steps;

  Upgrade(
      InstanceStore instances,
      Deploys deploys,
      Hosting hosting,
      MigrateIn migrateIn,
      ObjectMapper json) {
    this.instances = instances;
    this.deploys = deploys;
    this.hosting = hosting;
    this.migrateIn = migrateIn;
    this.json = json;
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
    Hosting.Deployed deployed;
    try {
      deployed = hosting.deploy(spec, phase, Deploys.watch(context));
    } catch (InstanceManifests.Refused e) {
      throw new TaskProblem(Deploys.NO_IMAGE, e.getMessage(), e);
    } catch (Hosting.NotRunning e) {
      throw new TaskProblem(Deploys.NOT_RUNNING, e.getMessage(), e);
    }
    if (phase == Hosting.Phase.MIGRATE) {
      // the database is on the new release now: whatever runs it from here on uses its images
      deploys.upgraded(instance.id(), spec.fork(), release);
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
    ObjectNode result = json.createObjectNode();
    result.put("state", deployed.state());
    result.put("fork", spec.fork());
    result.put("release", release);
    result.put("namespace", deployed.namespace());
    if (deployed.folder() == null) {
      result.put(
          "message",
          spec.host() + " runs " + spec.fork() + " " + release + " and answers as its domain.");
    } else {
      result.put("manifests", deployed.folder().toString());
      deployed.commands().forEach(result.withArray("commands")::add);
      result.put(
          "message",
          "The manifests of "
              + spec.fork()
              + " "
              + release
              + " are written to "
              + deployed.folder()
              + ". No cluster is configured: nothing runs until an operator applies them.");
    }
    return StepOutcome.done(result);
  }

  /**
   * Nothing is taken back: a database migrated to the new release stays so (Mastodon's migrations
   * do not go back), and the old images do not run it; the upgrade is asked again.
   */
  @Override
  public void cleanUp(Task task) {}
}
