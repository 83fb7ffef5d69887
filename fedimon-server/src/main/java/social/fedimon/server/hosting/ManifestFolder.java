package social.fedimon.server.hosting;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * An instance's objects as YAML in a folder of its own, for an operator to apply: {@code
 * 1-base.yaml}, {@code 2-migrate.yaml}, {@code 3-app.yaml}, {@code 4-after.yaml}, and {@code
 * apply.sh}, which applies them in order and waits where it must. The folder and its files are
 * readable by their owner only: the base holds the env's Secret.
 */
public final class ManifestFolder {

  static final String APPLY = "apply.sh";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private ManifestFolder() {}

  /** Writes the objects under {@code folder} (replacing what a deploy wrote before). */
  public static void write(Path folder, InstanceManifests.Objects objects) {
    try {
      Files.createDirectories(folder);
      owner(folder, "rwx------");
      file(folder, "1-base.yaml", yaml(objects.base()));
      file(folder, "2-migrate.yaml", yaml(objects.migrate()));
      file(folder, "3-app.yaml", yaml(objects.app()));
      file(folder, "4-after.yaml", yaml(objects.after()));
      file(folder, APPLY, script(objects));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the manifests to " + folder, e);
    }
  }

  /** Writes one more object as {@code name} in the folder; its path. */
  static Path writeOne(Path folder, String name, HasMetadata object) {
    try {
      Files.createDirectories(folder);
      owner(folder, "rwx------");
      file(folder, name, yaml(List.of(object)));
      return folder.resolve(name);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + name + " to " + folder, e);
    }
  }

  /** The commands an operator runs, from the folder. */
  public static List<String> commands(Path folder) {
    return List.of("sh " + folder.resolve(APPLY));
  }

  /** Objects as one YAML stream, documents separated by {@code ---}. */
  public static String yaml(List<HasMetadata> objects) {
    StringBuilder out = new StringBuilder();
    for (HasMetadata object : objects) {
      String document = YAML.asYaml(object);
      out.append(document.startsWith("---") ? document : "---\n" + document);
      if (!document.endsWith("\n")) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String script(InstanceManifests.Objects objects) {
    String ns = objects.namespace();
    return "#!/bin/sh\n"
        + "# Written by FédiMon: applies this instance's objects in order. Run it from anywhere\n"
        + "# with kubectl pointing at the cluster (kubectl config current-context).\n"
        + "set -eu\n"
        + "cd \"$(dirname \"$0\")\"\n"
        + "kubectl apply -f 1-base.yaml\n"
        + (objects.base().stream().anyMatch(o -> o.getKind().equals("StatefulSet"))
            ? "kubectl -n " + ns + " rollout status statefulset/redis --timeout=5m\n"
            : "")
        + "# the database's migrations, before web starts (SKIP_POST_DEPLOYMENT_MIGRATIONS=true)\n"
        + "kubectl apply -f 2-migrate.yaml\n"
        + "kubectl -n "
        + ns
        + " wait --for=condition=complete job/"
        + objects.migrate().get(0).getMetadata().getName()
        + " --timeout=30m\n"
        + "kubectl apply -f 3-app.yaml\n"
        + "kubectl -n "
        + ns
        + " rollout status deployment/web --timeout=10m\n"
        + "# once the new version runs: post-deployment migrations, home feeds"
        + (objects.after().size() > 2 ? ", search index" : "")
        + "\n"
        + "kubectl apply -f 4-after.yaml\n";
  }

  private static void file(Path folder, String name, String text) throws IOException {
    Path temporary = folder.resolve("." + name + ".tmp");
    Files.writeString(temporary, text, StandardCharsets.UTF_8);
    owner(temporary, "rw-------");
    Files.move(
        temporary,
        folder.resolve(name),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private static void owner(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException notPosix) {
      // a file system without POSIX permissions: the data folder's own protection applies
    }
  }
}
