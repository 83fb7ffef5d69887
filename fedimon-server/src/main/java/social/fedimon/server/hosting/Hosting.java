package social.fedimon.server.hosting;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import social.fedimon.server.infra.DataDirectory;

/**
 * Runs instances. On a cluster ({@code FEDIMON_HOSTING_KUBERNETES} or {@code _URL}), a deploy
 * applies the instance's objects through fabric8's client and waits until it answers: the instance
 * is "running". With none (embedded defaults), a deploy writes the objects as manifests under
 * {@code var/instances/<domain>/} and the instance is "ready to apply": nothing runs until an
 * operator applies them, and nothing here says it does.
 */
@Service
public class Hosting implements DisposableBean {

  /** The state of an instance whose manifests are written and not applied by us. */
  public static final String READY_TO_APPLY = "ready-to-apply";

  /** The state of an instance that answers on its domain. */
  public static final String RUNNING = "running";

  /**
   * What a deploy did.
   *
   * @param state {@link #READY_TO_APPLY} or {@link #RUNNING}
   * @param namespace the instance's namespace
   * @param folder where the manifests are, when they were written for an operator
   * @param commands what an operator runs to apply them
   */
  public record Deployed(
      String state, String namespace, @Nullable Path folder, List<String> commands) {}

  /** An instance that did not start; the message says what the cluster said. */
  public static final class NotRunning extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotRunning(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final HostingProperties properties;
  private final InstanceManifests manifests;
  private final DataDirectory data;
  private final Clock clock;
  private final @Nullable KubernetesClient client;

  Hosting(HostingProperties properties, DataDirectory data, Clock clock) {
    this.properties = properties;
    this.manifests = new InstanceManifests(properties);
    this.data = data;
    this.clock = clock;
    this.client = properties.cluster() ? client(properties) : null;
  }

  private static KubernetesClient client(HostingProperties properties) {
    Config config = Config.autoConfigure(null);
    if (properties.kubernetesUrl() != null) {
      config = new ConfigBuilder(config).withMasterUrl(properties.kubernetesUrl()).build();
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  public InstanceManifests manifests() {
    return manifests;
  }

  /** Whether deploys go to a cluster. */
  public boolean cluster() {
    return client != null;
  }

  /**
   * Deploys the instance.
   *
   * @throws InstanceManifests.Refused when it cannot run here (no image for its release)
   * @throws NotRunning when the cluster did not get it running in time
   */
  public Deployed deploy(InstanceSpec spec, Watch watch) {
    Deployed deployed = null;
    for (Phase phase : Phase.values()) {
      deployed = deploy(spec, phase, watch);
    }
    return java.util.Objects.requireNonNull(deployed);
  }

  /** The phases of a deploy, which a task may run as steps of their own. */
  public enum Phase {
    /** The base and the database migration Job, to its end. */
    MIGRATE,
    /** Web, streaming and Sidekiq, until the instance answers as its domain. */
    ROLL,
    /** The Jobs that run once the new version runs. */
    AFTER
  }

  /**
   * One phase of a deploy. Without a cluster, {@link Phase#MIGRATE} writes all the manifests and
   * the others have nothing to do: the instance is ready to apply.
   */
  public Deployed deploy(InstanceSpec spec, Phase phase, Watch watch) {
    InstanceManifests.Objects objects = manifests.of(spec);
    if (client != null) {
      ClusterDeploy deploy = new ClusterDeploy(client, properties, clock);
      try {
        switch (phase) {
          case MIGRATE -> deploy.migrate(objects, watch);
          case ROLL -> deploy.roll(spec, objects, watch);
          case AFTER -> deploy.after(objects, watch);
        }
      } catch (ClusterDeploy.Failed e) {
        throw new NotRunning(e.getMessage(), e);
      }
      return new Deployed(RUNNING, objects.namespace(), null, List.of());
    }
    Path folder = folder(spec.localDomain());
    if (phase == Phase.MIGRATE) {
      ManifestFolder.write(folder, objects);
    }
    return new Deployed(
        READY_TO_APPLY, objects.namespace(), folder, ManifestFolder.commands(folder));
  }

  /**
   * A pod of an instance, as the cluster reports it.
   *
   * @param component {@code web}, {@code streaming}, {@code sidekiq}, {@code redis}, or a Job's
   *     name
   */
  public record PodState(
      String name, String component, String phase, boolean ready, int restarts) {}

  /**
   * An instance as the cluster sees it.
   *
   * @param replicas what each Deployment is asked to run (0: stopped)
   * @param events the namespace's last events, oldest first
   */
  public record ClusterStatus(
      String namespace, Map<String, Integer> replicas, List<PodState> pods, List<String> events) {}

  /** What the cluster says of the instance of this domain. */
  public ClusterStatus status(String localDomain) {
    return read(requireCluster(), manifests.namespace(localDomain));
  }

  /** What the cluster says of namespace {@code ns}. */
  static ClusterStatus read(KubernetesClient k, String ns) {
    Map<String, Integer> replicas = new java.util.TreeMap<>();
    for (io.fabric8.kubernetes.api.model.apps.Deployment d :
        k.apps().deployments().inNamespace(ns).list().getItems()) {
      replicas.put(
          d.getMetadata().getName(),
          d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
    }
    List<PodState> pods = new java.util.ArrayList<>();
    for (io.fabric8.kubernetes.api.model.Pod pod : k.pods().inNamespace(ns).list().getItems()) {
      var status = pod.getStatus();
      boolean ready =
          status != null
              && status.getConditions() != null
              && status.getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      int restarts =
          status == null || status.getContainerStatuses() == null
              ? 0
              : status.getContainerStatuses().stream()
                  .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount())
                  .sum();
      Map<String, String> labels =
          pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
      pods.add(
          new PodState(
              pod.getMetadata().getName(),
              labels.getOrDefault(InstanceManifests.COMPONENT, ""),
              status == null || status.getPhase() == null ? "Unknown" : status.getPhase(),
              ready,
              restarts));
    }
    List<String> events =
        k.v1().events().inNamespace(ns).list().getItems().stream()
            .sorted(
                java.util.Comparator.comparing(
                    e -> java.util.Optional.ofNullable(e.getLastTimestamp()).orElse("")))
            .map(e -> e.getInvolvedObject().getName() + ": " + e.getMessage())
            .toList();
    return new ClusterStatus(
        ns, replicas, pods, events.subList(Math.max(0, events.size() - 10), events.size()));
  }

  /** Scales web, streaming and Sidekiq: 0 stops the instance (its data, Redis and Secret kept). */
  public void scale(String localDomain, int replicas) {
    KubernetesClient k = requireCluster();
    String ns = manifests.namespace(localDomain);
    for (String component : new String[] {"web", "streaming", "sidekiq"}) {
      k.apps()
          .deployments()
          .inNamespace(ns)
          .withName(component)
          .edit(
              d ->
                  new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d)
                      .editSpec()
                      .withReplicas(replicas)
                      .endSpec()
                      .build());
    }
  }

  /** Restarts web, streaming and Sidekiq, one pod after the other (a rolling restart). */
  public void restart(String localDomain) {
    KubernetesClient k = requireCluster();
    String ns = manifests.namespace(localDomain);
    for (String component : new String[] {"web", "streaming", "sidekiq"}) {
      k.apps().deployments().inNamespace(ns).withName(component).rolling().restart();
    }
  }

  /**
   * Removes what runs or was written for the instance: its namespace on the cluster (and with it
   * every object in it), or its manifests' folder.
   */
  public void remove(String localDomain) {
    if (client != null) {
      client.namespaces().withName(manifests.namespace(localDomain)).delete();
      return;
    }
    Path folder = folder(localDomain);
    if (java.nio.file.Files.exists(folder)) {
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(folder)) {
        for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.delete(file);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("could not remove " + folder, e);
      }
    }
  }

  public HostingProperties properties() {
    return properties;
  }

  private KubernetesClient requireCluster() {
    if (client == null) {
      throw new IllegalStateException("no cluster is configured");
    }
    return client;
  }

  /**
   * Applies a change of the instance's application objects (another plan's resources): on the
   * cluster web, streaming and Sidekiq are updated (and roll), without the migration Jobs; without
   * one the manifests are written again.
   */
  public Deployed update(InstanceSpec spec) {
    InstanceManifests.Objects objects = manifests.of(spec);
    if (client != null) {
      for (io.fabric8.kubernetes.api.model.HasMetadata object : objects.app()) {
        client
            .resource(object)
            .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
      }
      return new Deployed(RUNNING, objects.namespace(), null, List.of());
    }
    Path folder = folder(spec.localDomain());
    ManifestFolder.write(folder, objects);
    return new Deployed(
        READY_TO_APPLY, objects.namespace(), folder, ManifestFolder.commands(folder));
  }

  /**
   * Starts a one-off Job of the instance (on the cluster), or writes it next to its manifests for
   * an operator ({@code 5-<name>.yaml}).
   */
  public Deployed runJob(InstanceSpec spec, io.fabric8.kubernetes.api.model.HasMetadata job) {
    String ns = manifests.namespace(spec.localDomain());
    if (client != null) {
      client.resource(job).create();
      return new Deployed(RUNNING, ns, null, List.of());
    }
    Path folder = folder(spec.localDomain());
    Path file = ManifestFolder.writeOne(folder, "5-" + job.getMetadata().getName() + ".yaml", job);
    return new Deployed(READY_TO_APPLY, ns, folder, List.of("kubectl apply -f " + file));
  }

  /**
   * Whether the instance's Job of that name has ended (completed or failed), as the cluster says;
   * true when there is none.
   */
  public boolean jobEnded(String localDomain, String name) {
    KubernetesClient k = requireCluster();
    io.fabric8.kubernetes.api.model.batch.v1.Job job =
        k.batch().v1().jobs().inNamespace(manifests.namespace(localDomain)).withName(name).get();
    return job == null
        || (job.getStatus() != null
            && job.getStatus().getConditions() != null
            && job.getStatus().getConditions().stream()
                .anyMatch(
                    c ->
                        ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                            && "True".equals(c.getStatus())));
  }

  /** Where an instance's manifests are written. */
  public Path folder(String localDomain) {
    if (!localDomain.matches("[a-z0-9.-]{1,253}") || localDomain.contains("..")) {
      throw new IllegalArgumentException("not a domain in punycode: " + localDomain);
    }
    return data.folder("instances").resolve(localDomain);
  }

  @Override
  public void destroy() {
    if (client != null) {
      client.close();
    }
  }
}
