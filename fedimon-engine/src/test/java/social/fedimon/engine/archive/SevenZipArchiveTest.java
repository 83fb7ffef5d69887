package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import social.fedimon.engine.testing.Tools;

/**
 * Our 7z reader gives back exactly the files 7-Zip packed, with every coder 7-Zip offers for a
 * backup (PPMd above all, which Commons Compress cannot decode), and refuses damage, wrong
 * passwords and coders it does not know by name. Fixtures are made by {@code 7zz}.
 */
class SevenZipArchiveTest {

  @TempDir static Path dir;
  private static final String PASSWORD = "pa55 wörd";

  @BeforeAll
  static void fixtures() {
    Tools.require("7zz");
    // text that looks like a dump (PPMd's case), random bytes, an empty file and a folder
    Tools.sh(
        dir,
        "mkdir -p in/sub in/empty-dir && cd in"
            + " && for i in $(seq 1 20000); do echo \"$i\tstatus $((i * 7919 % 1000))"
            + "\thttps://example.social/@user$((i % 97))/$i\"; done > dump.sql"
            + " && head -c 300000 /dev/urandom > sub/random.bin"
            + " && (cat dump.sql; head -c 100000 /dev/urandom; rev dump.sql) > sub/mixed.bin"
            + " && : > sub/empty.txt && echo small > sub/small.txt");
  }

  private static Path make(String name, String switches) {
    Path archive = dir.resolve(name);
    if (!Files.exists(archive)) {
      Tools.sh(dir.resolve("in"), "7zz a " + switches + " ../" + name + " . > /dev/null");
    }
    return archive;
  }

  /** Every file the archive holds, by name, and the folders it lists. */
  private static Map<String, byte[]> read(Path archive, String password) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (SevenZipArchive sevenZip =
        SevenZipArchive.open(archive, password, ArchiveLimits.DEFAULTS)) {
      sevenZip.read(
          (entry, content) ->
              files.put(
                  entry.directory() ? entry.name() + "/" : entry.name(), content.readAllBytes()));
    }
    return files;
  }

  private static void assertHoldsTheInputFiles(Map<String, byte[]> files) throws IOException {
    assertThat(files.keySet())
        .contains(
            "dump.sql",
            "sub/random.bin",
            "sub/mixed.bin",
            "sub/empty.txt",
            "sub/small.txt",
            "empty-dir/");
    for (String name : List.of("dump.sql", "sub/random.bin", "sub/mixed.bin", "sub/small.txt")) {
      assertThat(files.get(name))
          .as(name)
          .isEqualTo(Files.readAllBytes(dir.resolve("in").resolve(name)));
    }
    assertThat(files.get("sub/empty.txt")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "-m0=PPMd",
        "-m0=PPMd:o=2:mem=64k",
        "-m0=PPMd:o=32:mem=1m -ms=off",
        "-m0=PPMd:o=16:mem=256k -mhc=off",
        "-m0=LZMA2",
        "-mx1 -mmt=2",
        "-m0=LZMA -ms=off",
        "-m0=BZip2",
        "-m0=Deflate",
        "-m0=Deflate64",
        "-m0=Copy",
        "-m0=Delta:4 -m1=LZMA2",
        "-mf=ARM64",
        "-mf=BCJ"
      })
  void givesBackWhat7ZipPacked(String switches) throws IOException {
    Path archive = make("a" + Integer.toHexString(switches.hashCode()) + ".7z", switches);

    assertHoldsTheInputFiles(read(archive, null));
  }

  @Test
  void readsPpmdBehindAesAndEncryptedHeaders() throws IOException {
    Path archive = make("ppmd-aes.7z", "-m0=PPMd -mhe=on -p'" + PASSWORD + "'");

    assertHoldsTheInputFiles(read(archive, PASSWORD));
    assertThatThrownBy(() -> read(archive, null))
        .isInstanceOf(SevenZipArchive.PasswordRequired.class);
    assertThatThrownBy(() -> read(archive, "wrong"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("password")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void tellsTheRightPasswordByTheSmallestEncryptedFolder() throws IOException {
    Path archive = make("aes-data.7z", "-m0=PPMd -ms=off -p'" + PASSWORD + "'");

    try (SevenZipArchive plain = SevenZipArchive.open(archive, null, ArchiveLimits.DEFAULTS)) {
      assertThat(plain.encrypted()).isTrue();
      assertThatThrownBy(() -> plain.read((entry, content) -> content.readAllBytes()))
          .isInstanceOf(SevenZipArchive.PasswordRequired.class);
    }
    try (SevenZipArchive wrong = SevenZipArchive.open(archive, "wrong", ArchiveLimits.DEFAULTS)) {
      assertThat(wrong.decryptsSmallestFolder()).isFalse();
    }
    try (SevenZipArchive right = SevenZipArchive.open(archive, PASSWORD, ArchiveLimits.DEFAULTS)) {
      assertThat(right.decryptsSmallestFolder()).isTrue();
    }
    assertHoldsTheInputFiles(read(archive, PASSWORD));
  }

  @Test
  void namesBcj2AsACoderItCannotDecode() {
    Path archive = make("bcj2.7z", "-mf=BCJ2");

    assertThatThrownBy(() -> read(archive, null))
        .isInstanceOf(SevenZipArchive.UnsupportedMethod.class)
        .hasMessageContaining("BCJ2");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-m0=PPMd -mhc=off", "-m0=LZMA2 -mhc=off", "-m0=Copy -mhc=off"})
  void aDamagedByteInsideTheDataIsCaught(String switches) throws IOException {
    Path archive = make("d" + Integer.toHexString(switches.hashCode()) + ".7z", switches);
    byte[] bytes = Files.readAllBytes(archive);
    // the packed streams start right after the 32-byte signature header
    for (int offset : new int[] {40, 5000, bytes.length / 3}) {
      byte[] damaged = bytes.clone();
      damaged[offset] ^= 0x5A;
      Path file = dir.resolve("damaged-" + offset + ".7z");
      Files.write(file, damaged);

      assertThatThrownBy(() -> read(file, null))
          .as("byte %d", offset)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void refusesTruncationAndADamagedHeader() throws IOException {
    byte[] bytes = Files.readAllBytes(make("plain.7z", "-m0=PPMd"));
    for (int length : new int[] {0, 6, 31, 32, 1000, bytes.length - 1}) {
      Path cut = dir.resolve("cut-" + length + ".7z");
      Files.write(cut, java.util.Arrays.copyOf(bytes, length));
      assertThatThrownBy(() -> read(cut, null))
          .as("cut at %d", length)
          .isInstanceOf(IOException.class);
    }
    byte[] header = bytes.clone();
    header[bytes.length - 10] ^= 1;
    Path damaged = dir.resolve("header.7z");
    Files.write(damaged, header);
    assertThatThrownBy(() -> read(damaged, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRC");
  }

  @Test
  void aPpmdModelBeyondTheMemoryLimitIsRefusedBeforeItIsAllocated() {
    Path archive = make("big-model.7z", "-m0=PPMd:mem=64m");
    ArchiveLimits small = ArchiveLimits.DEFAULTS.withXzMemoryKib(16 * 1024);

    assertThatThrownBy(
            () -> {
              try (SevenZipArchive sevenZip = SevenZipArchive.open(archive, null, small)) {
                sevenZip.read((entry, content) -> content.readAllBytes());
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PPMd")
        .hasMessageContaining("16 MiB");
  }

  @FuzzTest(maxDuration = "60s")
  void ppmdOnArbitraryBytesOnlyEverFailsWithIOException(byte[] bytes) {
    if (bytes == null || bytes.length < 2) {
      return;
    }
    int order = PpmdInputStream.MIN_ORDER + (bytes[0] & 0x3F) % 63;
    try (InputStream in =
        new PpmdInputStream(
            new ByteArrayInputStream(bytes, 1, bytes.length - 1), order, 1 << 16, 1 << 16)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException expected) {
      // damaged input is refused, never anything else
    }
  }

  @FuzzTest(maxDuration = "60s")
  void headersOnArbitraryBytesOnlyEverFailWithIOException(byte[] bytes) throws IOException {
    if (bytes == null) {
      return;
    }
    Path file = Files.createTempFile("fuzz", ".7z");
    try {
      Files.write(file, bytes);
      try (SevenZipArchive archive =
          SevenZipArchive.open(file, "x", ArchiveLimits.DEFAULTS.withXzMemoryKib(16 * 1024))) {
        archive.read((entry, content) -> content.readAllBytes());
      } catch (IOException expected) {
        // refused
      }
    } finally {
      Files.delete(file);
    }
  }
}
