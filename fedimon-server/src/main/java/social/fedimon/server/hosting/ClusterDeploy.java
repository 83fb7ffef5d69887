package social.fedimon.server.hosting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A deploy on a cluster, in order, each wait bounded: the base; the database migration Job, to its
 * end; the application, until web, streaming and Sidekiq are ready; then {@code /health} through
 * the ingress and {@code /api/v1/instance} naming the instance's domain; the Jobs that run after.
 * Applying is idempotent (create or update; a Job that failed is made again), so a retried step
 * starts over cleanly. A wait that times out fails with what the cluster said: the pods' states and
 * the namespace's last events.
 */
final class ClusterDeploy {

  /** A deploy that did not get the instance running. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  private static final String[] COMPONENTS = {"web", "streaming", "sidekiq"};

  private final KubernetesClient client;
  private final HostingProperties properties;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final ObjectMapper json = new ObjectMapper();

  ClusterDeploy(KubernetesClient client, HostingProperties properties, Clock clock) {
    this.client = client;
    this.properties = properties;
    this.clock = clock;
  }

  /** The base, then the database migration Job, to its end. */
  void migrate(InstanceManifests.Objects objects, Watch watch) {
    String ns = objects.namespace();
    apply(objects.base());
    watch.log(
        "applied the namespace "
            + ns
            + ", its env Secret, "
            + (objects.base().stream().anyMatch(o -> o.getKind().equals("StatefulSet"))
                ? "Redis and "
                : "")
            + "NetworkPolicy");
    for (HasMetadata job : objects.migrate()) {
      runJob(ns, job, watch);
    }
  }

  /**
   * Web, streaming and Sidekiq (new ones, or updated: they roll), until they are ready and the
   * instance answers through the ingress as its domain.
   */
  void roll(InstanceSpec spec, InstanceManifests.Objects objects, Watch watch) {
    String ns = objects.namespace();
    apply(objects.app());
    watch.log("applied web, streaming, Sidekiq, their Services and the Ingress");
    await(
        properties.healthTimeout(),
        watch,
        "web, streaming and Sidekiq to be ready",
        ns,
        () -> {
          for (String component : COMPONENTS) {
            Deployment d = client.apps().deployments().inNamespace(ns).withName(component).get();
            if (!rolledOut(d)) {
              return false;
            }
          }
          return true;
        });
    watch.log("web, streaming and Sidekiq are ready");
    String base = properties.healthUrl().replace("{host}", spec.host()).replaceAll("/$", "");
    await(
        properties.healthTimeout(),
        watch,
        base + "/health to answer and /api/v1/instance to name " + spec.localDomain(),
        ns,
        () -> healthy(base, spec.localDomain()));
    watch.log(base + " answers as " + spec.localDomain());
  }

  /** The Jobs that run once the new version runs: started, not awaited. */
  void after(InstanceManifests.Objects objects, Watch watch) {
    apply(objects.after());
    watch.log(
        "started the post-deployment migrations and the home feeds' rebuild"
            + (objects.after().size() > 2 ? ", and the search index" : ""));
  }

  private void apply(List<HasMetadata> objects) {
    for (HasMetadata object : objects) {
      if (object instanceof Job) {
        // a Job's template cannot change: one there already (a step run again) is left to run
        if (client.resource(object).get() == null) {
          client.resource(object).create();
        }
      } else {
        client.resource(object).createOr(NonDeletingOperation::update);
      }
    }
  }

  /**
   * Whether a Deployment runs what it was last given, as {@code kubectl rollout status} tells: the
   * controller saw its last change, every pod is of the new template, and one is ready. After an
   * update the old pods stay ready until the new ones are, so readiness alone says nothing.
   */
  private static boolean rolledOut(Deployment d) {
    if (d == null || d.getStatus() == null) {
      return false;
    }
    var status = d.getStatus();
    Long generation = d.getMetadata().getGeneration();
    if (generation != null
        && (status.getObservedGeneration() == null
            || status.getObservedGeneration() < generation)) {
      return false;
    }
    int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    if (status.getUpdatedReplicas() != null && status.getUpdatedReplicas() < wanted) {
      return false;
    }
    if (status.getReplicas() != null
        && status.getUpdatedReplicas() != null
        && status.getReplicas() > status.getUpdatedReplicas()) {
      // old pods are still there
      return false;
    }
    return status.getReadyReplicas() != null && status.getReadyReplicas() >= Math.min(1, wanted);
  }

  /** Runs a Job to its end: one that completed before is left; one that failed is made again. */
  private void runJob(String ns, HasMetadata job, Watch watch) {
    String name = job.getMetadata().getName();
    Job existing = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
    if (existing != null && condition(existing, "Complete")) {
      watch.log("the Job " + name + " ran before: done");
      return;
    }
    if (existing != null) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .withName(name)
          .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND)
          .delete();
      awaitGone(ns, name, watch);
    }
    client.resource(job).create();
    watch.log("started the Job " + name);
    await(
        properties.jobTimeout(),
        watch,
        "the Job " + name + " to finish",
        ns,
        () -> {
          Job now = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
          if (now != null && condition(now, "Failed")) {
            throw new Failed(
                "the Job " + name + " failed: " + reason(now) + ". " + clusterSays(ns));
          }
          return now != null && condition(now, "Complete");
        });
    watch.log("the Job " + name + " finished");
  }

  private void awaitGone(String ns, String name, Watch watch) {
    await(
        properties.jobTimeout(),
        watch,
        "the failed Job " + name + " to be removed",
        ns,
        () -> client.batch().v1().jobs().inNamespace(ns).withName(name).get() == null);
  }

  private static boolean condition(Job job, String type) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String reason(Job job) {
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()))
        .map(JobCondition::getMessage)
        .filter(m -> m != null && !m.isBlank())
        .findFirst()
        .orElse("no reason given");
  }

  private boolean healthy(String base, String domain) {
    try {
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (health.statusCode() != 200) {
        return false;
      }
      HttpResponse<String> instance =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/instance"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (instance.statusCode() != 200 || instance.body().length() > 1 << 20) {
        return false;
      }
      JsonNode body = json.readTree(instance.body());
      return domain.equals(body.path("uri").asText())
          || domain.equals(body.path("domain").asText());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Polls {@code done} until it holds, or fails after {@code timeout} with the cluster's word. */
  private void await(
      Duration timeout, Watch watch, String what, String ns, Supplier<Boolean> done) {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      watch.checkStop();
      try {
        if (done.get()) {
          return;
        }
      } catch (KubernetesClientException e) {
        // the API server is away for a moment: ask again
      }
      if (clock.instant().isAfter(deadline)) {
        throw new Failed(
            "gave up waiting for "
                + what
                + " after "
                + timeout.toSeconds()
                + " s. "
                + clusterSays(ns));
      }
      try {
        Thread.sleep(properties.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        watch.checkStop();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** The namespace's pods (ready or not, restarts) and its last events, in a sentence or two. */
  String clusterSays(String ns) {
    List<String> parts = new ArrayList<>();
    try {
      Hosting.ClusterStatus status = Hosting.read(client, ns);
      for (Hosting.PodState pod : status.pods()) {
        parts.add(
            "pod "
                + pod.name()
                + " "
                + pod.phase()
                + (pod.ready() ? ", ready" : "")
                + ", "
                + pod.restarts()
                + " restarts");
      }
      List<String> events = status.events();
      events
          .subList(Math.max(0, events.size() - 5), events.size())
          .forEach(e -> parts.add("event " + e));
    } catch (KubernetesClientException e) {
      parts.add("the cluster did not answer: " + e.getMessage());
    }
    return parts.isEmpty()
        ? "The cluster shows no pod and no event in " + ns + "."
        : "The cluster says: " + String.join("; ", parts) + ".";
  }
}
