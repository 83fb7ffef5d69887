package social.fedimon.server.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.intake.ReportJson;
import social.fedimon.engine.mastodon.EnvFile;
import social.fedimon.server.hosting.Hosting;
import social.fedimon.server.hosting.InstanceManifests;
import social.fedimon.server.hosting.InstanceSpec;
import social.fedimon.server.hosting.Plan;
import social.fedimon.server.hosting.Watch;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.task.TaskProblem;

/**
 * The migration's last step: what runs the restored instance (its release and fork from the
 * pre-flight report, its size from the request, its rewritten env), handed to {@link Hosting}.
 */
@Component
public class Deploys {

  /** The problem code of an instance this platform has no image for. */
  static final String NO_IMAGE = "no-image";

  /** The problem code of an instance the cluster did not get running in time. */
  static final String NOT_RUNNING = "not-running";

  private final InstanceStore instances;
  // read here rather than through InstanceRequests, which starts the migrations that end here
  private final org.springframework.jdbc.core.simple.JdbcClient jdbc;
  private final Hosting hosting;
  private final ObjectMapper json;

  Deploys(
      InstanceStore instances,
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      Hosting hosting,
      ObjectMapper json) {
    this.instances = instances;
    this.jdbc = jdbc;
    this.hosting = hosting;
    this.json = json;
  }

  /** A deploy's reports as the task's log; its stop when the task stops. */
  static Watch watch(social.fedimon.server.task.StepContext context) {
    return new Watch() {
      @Override
      public void log(String message) {
        context.log(message);
      }

      @Override
      public void checkStop() {
        context.checkStop();
      }
    };
  }

  /** Deploys the instance; the task's result. */
  ObjectNode deploy(Instance instance, @Nullable String env, Watch watch) {
    InstanceSpec spec = spec(instance, env);
    Hosting.Deployed deployed = null;
    for (Hosting.Phase phase : Hosting.Phase.values()) {
      deployed = phase(spec, phase, watch);
    }
    runs(instance.id(), spec.fork(), spec.release());
    return result(
        spec,
        java.util.Objects.requireNonNull(deployed),
        "The instance runs: it answers on "
            + spec.host()
            + " as "
            + spec.localDomain()
            + " (namespace "
            + deployed.namespace()
            + ").",
        "The database and media are restored and the instance's Kubernetes objects are written");
  }

  /** One phase of a deploy; a refusal or a time-out is the task's problem. */
  Hosting.Deployed phase(InstanceSpec spec, Hosting.Phase phase, Watch watch) {
    try {
      return hosting.deploy(spec, phase, watch);
    } catch (InstanceManifests.Refused e) {
      throw new TaskProblem(NO_IMAGE, e.getMessage(), e);
    } catch (Hosting.NotRunning e) {
      throw new TaskProblem(NOT_RUNNING, e.getMessage(), e);
    }
  }

  /**
   * A deploy's result for its task: its state and namespace, and {@code running} on a cluster, or
   * the manifests, their commands and {@code written} (what was written, followed by where).
   */
  ObjectNode result(InstanceSpec spec, Hosting.Deployed deployed, String running, String written) {
    ObjectNode result = json.createObjectNode();
    result.put("state", deployed.state());
    result.put("namespace", deployed.namespace());
    if (deployed.folder() == null) {
      result.put("message", running);
    } else {
      result.put("manifests", deployed.folder().toString());
      deployed.commands().forEach(result.withArray("commands")::add);
      result.put(
          "message",
          written
              + " to "
              + deployed.folder()
              + ". No cluster is configured: nothing runs until an operator applies them.");
    }
    return result;
  }

  /**
   * What runs the instance, from its report (or the release it was upgraded to), its request, its
   * chosen plan and its env.
   */
  InstanceSpec spec(Instance instance, @Nullable String env) {
    return spec(instance, env, null);
  }

  /** The same, on release line {@code release} (an upgrade's) when not null. */
  InstanceSpec spec(Instance instance, @Nullable String env, @Nullable String release) {
    return spec(instance, env, release, null);
  }

  /** The same, on release line {@code release} of {@code fork} (an upgrade's) when not null. */
  InstanceSpec spec(
      Instance instance, @Nullable String env, @Nullable String release, @Nullable String fork) {
    if (env == null) {
      throw new TaskProblem(
          "no-env",
          "the backup held no .env.production, so the instance has no settings to start with:"
              + " send a backup with it");
    }
    Release running = release(instance);
    if (running == null) {
      throw new TaskProblem(
          NO_IMAGE,
          "the release of Mastodon could not be told from the database, so there is no image to"
              + " run it with");
    }
    java.util.Map<String, Object> row =
        jdbc.sql("SELECT web_domain, plan, request::text AS request FROM instance WHERE id = :id")
            .param("id", instance.id())
            .query()
            .singleRow();
    JsonNode request;
    try {
      request = json.readTree(row.get("request") == null ? "{}" : row.get("request").toString());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      request = json.createObjectNode();
    }
    return new InstanceSpec(
        instance.id(),
        instance.localDomain(),
        (String) row.get("web_domain"),
        fork != null ? fork : running.fork(),
        release != null ? release : running.release(),
        row.get("plan") != null
            ? Plan.valueOf(row.get("plan").toString().toUpperCase(java.util.Locale.ROOT))
            : Plan.forAccounts(
                request.path("accounts").isNumber() ? request.path("accounts").asLong() : null),
        EnvFile.parse(env).values());
  }

  /**
   * Gives the instance another plan: stored, and its web, streaming and Sidekiq made again with
   * that plan's resources (on the cluster, or in its manifests).
   */
  Hosting.Deployed resize(Instance instance, Plan plan, @Nullable String env) {
    jdbc.sql("UPDATE instance SET plan = :plan WHERE id = :id")
        .param("plan", plan.name().toLowerCase(java.util.Locale.ROOT))
        .param("id", instance.id())
        .update();
    try {
      return hosting.update(spec(instance, env));
    } catch (InstanceManifests.Refused e) {
      throw new TaskProblem(NO_IMAGE, e.getMessage(), e);
    }
  }

  /**
   * The fork and release an instance runs: the one it was upgraded to, else the one its database
   * came with.
   *
   * @return null when the report could not tell the release
   */
  public @Nullable Release release(Instance instance) {
    java.util.Map<String, Object> noted =
        jdbc.sql("SELECT fork, release FROM instance WHERE id = :id")
            .param("id", instance.id())
            .query()
            .singleRow();
    if (noted.get("fork") != null && noted.get("release") != null) {
      return new Release(noted.get("fork").toString(), noted.get("release").toString());
    }
    Report.Mastodon mastodon =
        instances
            .report(instance.id())
            .map(ReportJson::read)
            .map(Report::database)
            .map(Report.Database::mastodon)
            .orElse(null);
    if (mastodon == null || mastodon.release() == null) {
      return null;
    }
    Object upgraded = noted.get("release");
    return new Release(
        mastodon.fork() == null ? "mastodon" : mastodon.fork(),
        upgraded != null ? upgraded.toString() : mastodon.release());
  }

  /** A fork ({@code mastodon}, {@code glitch-soc}) and its release ({@code 4.5}, {@code 4.3.2}). */
  public record Release(String fork, String release) {}

  /**
   * The instance now runs (or is written for) release line {@code release} of {@code fork}: noted,
   * so that its pages need not read the report again, and what runs it later uses these images.
   */
  void runs(UUID instance, String fork, String release) {
    jdbc.sql("UPDATE instance SET fork = :fork, release = :release WHERE id = :id")
        .param("fork", fork)
        .param("release", release)
        .param("id", instance)
        .update();
  }

  /** The instance's plan: the one its owner chose, else the one its accounts call for. */
  public Plan currentPlan(UUID instance) {
    java.util.Map<String, Object> row =
        jdbc.sql("SELECT plan, (request->>'accounts') AS accounts FROM instance WHERE id = :id")
            .param("id", instance)
            .query()
            .singleRow();
    if (row.get("plan") != null) {
      return Plan.valueOf(row.get("plan").toString().toUpperCase(java.util.Locale.ROOT));
    }
    Object accounts = row.get("accounts");
    try {
      return Plan.forAccounts(accounts == null ? null : Long.valueOf(accounts.toString()));
    } catch (NumberFormatException e) {
      return Plan.SMALL;
    }
  }
}
