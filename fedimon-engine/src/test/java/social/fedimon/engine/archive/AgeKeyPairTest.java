package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.testing.Tools;

/**
 * Key pairs we make are the ones age makes: {@code age-keygen -y} derives our recipient from our
 * identity, {@code age -r} encrypts to our recipient and our identity opens it, and the recipient
 * of an identity {@code age-keygen} made is the one it printed.
 */
class AgeKeyPairTest {

  @Test
  void theAgeToolsAgreeWithOurKeys(@TempDir Path dir) throws Exception {
    Tools.require("age", "age-keygen");
    AgeKeyPair pair = AgeKeyPair.generate();
    assertThat(pair.identity()).startsWith("AGE-SECRET-KEY-1").hasSize(74);
    assertThat(pair.recipient()).startsWith("age1").hasSize(62);
    assertThat(pair.toString()).doesNotContain(pair.identity());
    Files.writeString(dir.resolve("ours.txt"), pair.identity() + "\n");
    assertThat(Tools.sh(dir, "age-keygen -y ours.txt").strip()).isEqualTo(pair.recipient());

    Files.write(dir.resolve("plain"), "the backup".getBytes());
    Tools.sh(dir, "age -r " + pair.recipient() + " -o plain.age plain");
    Secrets secrets = Secrets.of(List.of(), List.of(pair.identity()));
    try (InputStream in =
        AgeDecryption.open(
            new ByteArrayInputStream(Files.readAllBytes(dir.resolve("plain.age"))),
            false,
            secrets,
            ArchiveLimits.DEFAULTS,
            "plain.age")) {
      assertThat(new String(in.readAllBytes())).isEqualTo("the backup");
    }

    Tools.sh(dir, "age-keygen -o theirs.txt 2>/dev/null");
    String theirs = Files.readString(dir.resolve("theirs.txt"));
    String identity =
        theirs.lines().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().get();
    String recipient =
        theirs.lines().filter(l -> l.startsWith("# public key: ")).findFirst().get().substring(14);
    assertThat(AgeKeyPair.recipientOf(identity)).isEqualTo(recipient);
    assertThat(AgeKeyPair.generate()).isNotEqualTo(pair);
  }
}
