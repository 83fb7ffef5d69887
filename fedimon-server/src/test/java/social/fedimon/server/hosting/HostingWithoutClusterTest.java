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

    // a one-off Job is written next to the manifests, with the command that applies it
    Hosting.Deployed refresh =
        hosting.runJob(small, hosting.manifests().mediaRefresh(small, 41, "media-refresh-test"));
    assertThat(refresh.state()).isEqualTo(Hosting.READY_TO_APPLY);
    Path job = folder.resolve("5-media-refresh-test.yaml");
    assertThat(refresh.commands()).containsExactly("kubectl apply -f " + job);
    assertThat(Files.readString(job))
        .contains("kind: \"Job\"")
        .contains("- \"--days\"\n        - \"41\"");
    assertThat(Files.getPosixFilePermissions(job))
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

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

  @Test
  void anUpgradeWritesTheNewReleasesManifestsInItsFirstPhaseAndNothingElse(@TempDir Path data)
      throws Exception {
    Hosting hosting =
        new Hosting(
            InstanceManifestsTest.properties(), DataDirectory.unlocked(data), Clock.systemUTC());
    // a 4.3 instance, upgraded to 4.5
    InstanceSpec target = InstanceManifestsTest.spec("mastodon");
    hosting.deploy(
        new InstanceSpec(
            target.id(),
            target.localDomain(),
            null,
            "mastodon",
            "4.3",
            target.plan(),
            target.env()),
        Watch.NONE);
    assertThat(hosting.manifests().newerLines("mastodon", "4.3")).containsExactly("4.4", "4.5");
    assertThat(hosting.manifests().newerLines("glitch-soc", "4.4.3")).containsExactly("4.5");
    assertThat(hosting.manifests().newerLines("mastodon", "4.5.1")).isEmpty();
    assertThat(hosting.manifests().newerLines("hometown", "4.0")).isEmpty();
    // Mastodon may move to a fork's same or newer line; a fork never moves back
    assertThat(hosting.manifests().forkTargets("mastodon", "4.4.2"))
        .containsExactly("glitch-soc 4.4", "glitch-soc 4.5");
    assertThat(hosting.manifests().forkTargets("mastodon", "4.5"))
        .containsExactly("glitch-soc 4.5");
    assertThat(hosting.manifests().forkTargets("glitch-soc", "4.4")).isEmpty();

    Path folder = data.resolve("instances").resolve("example.social");
    Hosting.Deployed migrated = hosting.deploy(target, Hosting.Phase.MIGRATE, Watch.NONE);
    assertThat(migrated.state()).isEqualTo(Hosting.READY_TO_APPLY);
    assertThat(Files.readString(folder.resolve("2-migrate.yaml")))
        .contains("name: \"db-migrate-v4-5\"")
        .contains("ghcr.io/mastodon/mastodon:v4.5");
    assertThat(Files.readString(folder.resolve("3-app.yaml")))
        .contains("ghcr.io/mastodon/mastodon-streaming:v4.5")
        .doesNotContain("v4.3");
    assertThat(Files.readString(folder.resolve("apply.sh"))).contains("job/db-migrate-v4-5");
    java.nio.file.attribute.FileTime written =
        Files.getLastModifiedTime(folder.resolve("3-app.yaml"));
    for (Hosting.Phase later : new Hosting.Phase[] {Hosting.Phase.ROLL, Hosting.Phase.AFTER}) {
      assertThat(hosting.deploy(target, later, Watch.NONE).state())
          .isEqualTo(Hosting.READY_TO_APPLY);
    }
    assertThat(Files.getLastModifiedTime(folder.resolve("3-app.yaml"))).isEqualTo(written);
  }
}
