package social.fedimon.server.hosting;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
    InstanceManifests.Objects objects = manifests.of(spec);
    if (client != null) {
      try {
        new ClusterDeploy(client, properties, clock).run(spec, objects, watch);
      } catch (ClusterDeploy.Failed e) {
        throw new NotRunning(e.getMessage(), e);
      }
      return new Deployed(RUNNING, objects.namespace(), null, List.of());
    }
    Path folder = folder(spec.localDomain());
    ManifestFolder.write(folder, objects);
    return new Deployed(
        READY_TO_APPLY, objects.namespace(), folder, ManifestFolder.commands(folder));
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
