package social.fedimon.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import social.fedimon.engine.archive.Secrets;

/** {@code --password}, {@code --password-file}, {@code --identity}: what opens encrypted layers. */
final class SecretOptions {

  @Option(
      names = "--password",
      paramLabel = "P",
      description = "A password or passphrase to try on every encrypted layer (repeatable).")
  List<String> passwords = new ArrayList<>();

  @Option(
      names = "--password-file",
      paramLabel = "F",
      description = "A file whose first line is a password (repeatable).")
  List<Path> passwordFiles = new ArrayList<>();

  @Option(
      names = "--identity",
      paramLabel = "F",
      description =
          "An age identity file or an OpenPGP secret key, armored or binary (repeatable).")
  List<Path> identities = new ArrayList<>();

  Secrets load() {
    return Secrets.load(passwords, passwordFiles, identities);
  }
}
