package social.fedimon.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import social.fedimon.engine.intake.Inspector;
import social.fedimon.engine.mastodon.Compatibility;
import social.fedimon.engine.mastodon.Releases;

/** What the backup is checked against: the instance request's domain and the target release. */
final class ExpectationOptions {

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      description = "The instance request's domain: LOCAL_DOMAIN must be it.")
  @Nullable String domain;

  @Option(
      names = "--target-release",
      paramLabel = "RELEASE",
      description =
          "The Mastodon release the instance will run (default: the newest, ${DEFAULT-VALUE}).")
  @Nullable String release;

  @Option(
      names = "--target-fork",
      paramLabel = "FORK",
      description = "mastodon, glitch-soc or hometown (default: the backup's own).")
  @Nullable String fork;

  Inspector.Expectations expectations(CommandLine commandLine) {
    Compatibility.Target target = null;
    if (release != null || fork != null) {
      String label = release == null ? Releases.newest().label() : release;
      if (Releases.byLabel(label).isEmpty()) {
        throw new CommandLine.ParameterException(
            commandLine,
            "--target-release "
                + label
                + " is not a release FédiMon knows ("
                + String.join(", ", Releases.all().stream().map(Releases.Release::label).toList())
                + ")");
      }
      String forkName = fork == null || fork.equals("mastodon") ? null : fork;
      if (forkName != null && !forkName.equals("glitch-soc") && !forkName.equals("hometown")) {
        throw new CommandLine.ParameterException(
            commandLine, "--target-fork is mastodon, glitch-soc or hometown");
      }
      target = new Compatibility.Target(label, forkName);
    }
    return new Inspector.Expectations(domain, target);
  }
}
