package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static social.fedimon.engine.testing.Inspections.inspect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.testing.Inspections;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;

/**
 * A backup cut short in transfer (an interrupted upload, a full disk) is {@code corrupt}, wherever
 * the cut falls, and never accepted as if it were whole.
 */
class TruncatedArchivesTest {

  static final String PASSWORD = "secret";

  @TempDir static Path dir;

  @BeforeAll
  static void makeArchives() {
    InstanceTree.create(dir);
    String files = "live database.sql.xz";
    Tools.sh(dir, "tar -cf b.tar " + files);
    Tools.sh(
        dir,
        "gzip -k b.tar && bzip2 -k b.tar && xz -k b.tar && zstd -q -k b.tar && lz4 -q b.tar b.tar.lz4");
    Tools.sh(dir, "zip -q -r b.zip " + files + " && 7zz a b.7z " + files + " > /dev/null");
    Tools.sh(
        dir,
        "age-keygen -o age.key 2>/dev/null && age -r $(grep -o 'age1[a-z0-9]*' age.key) -o b.tar.age b.tar");
    Tools.sh(
        dir,
        "export GNUPGHOME=$(mktemp -d) && gpg -q --batch --pinentry-mode loopback --passphrase "
            + PASSWORD
            + " -c -o b.tar.gpg b.tar");
  }

  static Stream<Arguments> cuts() {
    List<String> archives =
        List.of(
            "b.tar.gz",
            "b.tar.bz2",
            "b.tar.xz",
            "b.tar.zst",
            "b.tar.lz4",
            "b.zip",
            "b.7z",
            "b.tar.age",
            "b.tar.gpg",
            "b.tar");
    return archives.stream()
        .flatMap(
            archive ->
                Stream.of(25, 50, 75, 100)
                    .filter(percent -> !(archive.equals("b.tar") && percent == 100))
                    .map(percent -> Arguments.of(archive, percent)));
  }

  @ParameterizedTest(name = "{0} cut at {1}%")
  @MethodSource("cuts")
  void isCorruptWhereverTheCutFalls(String archive, int percent) throws Exception {
    byte[] whole = Files.readAllBytes(dir.resolve(archive));
    // 100% means one byte short: the last checksum or MAC is incomplete
    int length = percent == 100 ? whole.length - 1 : whole.length * percent / 100;
    Path cut = dir.resolve("cut-" + percent + "-" + archive);
    Files.write(cut, java.util.Arrays.copyOf(whole, length));
    Secrets secrets = Secrets.load(List.of(PASSWORD), List.of(), List.of(dir.resolve("age.key")));

    Report report = inspect(cut, secrets);

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(Inspections.codes(report)).contains("corrupt");
  }
}
