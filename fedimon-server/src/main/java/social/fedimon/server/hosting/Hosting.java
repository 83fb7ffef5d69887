package social.fedimon.server.hosting;

import java.nio.file.Path;
import java.util.List;
import org.springframework.stereotype.Service;
import social.fedimon.server.infra.DataDirectory;

/**
 * Runs instances. With no cluster configured (embedded defaults), a deploy writes the instance's
 * objects as manifests under {@code var/instances/<domain>/} and the instance is "ready to apply":
 * nothing runs until an operator applies them, and nothing here says it does.
 */
@Service
public class Hosting {

  /** The state of an instance whose manifests are written and not applied by us. */
  public static final String READY_TO_APPLY = "ready-to-apply";

  /**
   * What a deploy did.
   *
   * @param state {@link #READY_TO_APPLY}
   * @param namespace the instance's namespace
   * @param folder where the manifests are
   * @param commands what an operator runs to apply them
   */
  public record Deployed(String state, String namespace, Path folder, List<String> commands) {}

  private final InstanceManifests manifests;
  private final DataDirectory data;

  Hosting(HostingProperties properties, DataDirectory data) {
    this.manifests = new InstanceManifests(properties);
    this.data = data;
  }

  public InstanceManifests manifests() {
    return manifests;
  }

  /**
   * Deploys the instance.
   *
   * @throws InstanceManifests.Refused when it cannot run here (no image for its release)
   */
  public Deployed deploy(InstanceSpec spec) {
    InstanceManifests.Objects objects = manifests.of(spec);
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
}
