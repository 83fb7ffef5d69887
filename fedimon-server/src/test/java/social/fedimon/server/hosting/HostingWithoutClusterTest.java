package social.fedimon.server.hosting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.server.infra.DataDirectory;

/**
 * With no cluster, a deploy writes the instance's manifests under the data folder and says "ready
 * to apply", never "running"; removing the instance removes its folder; the cluster's controls
 * refuse rather than pretend.
 */
class HostingWithoutClusterTest {

  @Test
  void aDeployWritesManifestsAndARemovalTakesThemAway(@TempDir Path data) throws Exception {
    Hosting hosting =
        new Hosting(
            InstanceManifestsTest.properties(), DataDirectory.unlocked(data), Clock.systemUTC());
    assertThat(hosting.cluster()).isFalse();
    Hosting.Deployed deployed = hosting.deploy(InstanceManifestsTest.spec("mastodon"), Watch.NONE);
    assertThat(deployed.state()).isEqualTo(Hosting.READY_TO_APPLY);
    Path folder = data.resolve("instances").resolve("example.social");
    assertThat(deployed.folder()).isEqualTo(folder);
    assertThat(folder.resolve("1-base.yaml")).exists();
    assertThat(deployed.commands()).containsExactly("sh " + folder.resolve("apply.sh"));

    // another plan: the manifests written again with its resources
    InstanceSpec small = InstanceManifestsTest.spec("mastodon");
    hosting.update(
        new InstanceSpec(
            small.id(),
            small.localDomain(),
            small.webDomain(),
            small.fork(),
            small.release(),
            Plan.MEDIUM,
            small.env()));
    assertThat(Files.readString(folder.resolve("3-app.yaml"))).contains("memory: \"1536Mi\"");

    hosting.remove("example.social");
    assertThat(Files.exists(folder)).isFalse();
    // a second removal (a sweep that ran twice) is no error
    hosting.remove("example.social");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> hosting.scale("example.social", 0)))
        .hasMessageContaining("no cluster");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> hosting.folder("../etc")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
