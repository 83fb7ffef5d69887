package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import social.fedimon.engine.testing.Tools;

/**
 * xz decoded block by block on several threads gives exactly what {@code xz -dc} gives, for the
 * files xz makes with and without block sizes, and refuses what it refuses. Fixtures are made by
 * the xz command.
 */
class ParallelXzTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    Tools.require("xz");
    Tools.sh(
        dir,
        "(head -c 600000 /dev/urandom; seq 1 200000; head -c 100000 /dev/urandom) > mixed"
            // many blocks, each with its sizes (what xz -T writes)
            + " && xz -T2 --block-size=100KiB -k -c mixed > blocks.xz"
            + " && xz -T2 --block-size=100KiB --check=crc32 -c mixed > crc32.xz"
            + " && xz -T2 --block-size=100KiB --check=sha256 -c mixed > sha256.xz"
            + " && xz -T2 --block-size=100KiB --check=none -c mixed > none.xz"
            // one block without sizes (single-threaded xz)
            + " && xz -T1 -c mixed > single.xz"
            + " && xz -T2 -c < /dev/null > empty.xz"
            + " && (cat blocks.xz; head -c 8 /dev/zero; cat single.xz; cat empty.xz; cat blocks.xz;"
            + " head -c 4 /dev/zero) > concatenated.xz"
            + " && xz -dc concatenated.xz > concatenated");
  }

  private static byte[] decode(byte[] xz, int threads) throws IOException {
    try (InputStream in =
        new ParallelXzInputStream(new ByteArrayInputStream(xz), 256 * 1024, threads)) {
      return in.readAllBytes();
    }
  }

  private static byte[] file(String name) throws IOException {
    return Files.readAllBytes(dir.resolve(name));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"blocks.xz", "crc32.xz", "sha256.xz", "none.xz", "single.xz"})
  void givesWhatXzGives(String name) throws IOException {
    for (int threads : new int[] {1, 2, 4}) {
      assertThat(decode(file(name), threads)).as("%d threads", threads).isEqualTo(file("mixed"));
    }
  }

  @Test
  void readsConcatenatedStreamsPaddingAndEmptyStreams() throws IOException {
    assertThat(decode(file("concatenated.xz"), 2)).isEqualTo(file("concatenated"));
    assertThat(decode(file("empty.xz"), 2)).isEmpty();
  }

  @ParameterizedTest(name = "cut at {0}")
  @ValueSource(ints = {0, 5, 12, 40, 5000, 150_000, -40, -12, -1})
  void refusesATruncatedFile(int cut) throws IOException {
    byte[] xz = file("blocks.xz");
    byte[] truncated = Arrays.copyOf(xz, cut >= 0 ? cut : xz.length + cut);

    assertThatThrownBy(() -> decode(truncated, 2)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest(name = "byte {0}")
  @ValueSource(ints = {7, 14, 20, 3000, 60_000, 200_000, -30, -20, -3})
  void refusesAChangedByte(int at) throws IOException {
    byte[] xz = file("blocks.xz");
    int offset = at >= 0 ? at : xz.length + at;
    xz[offset] ^= 0x04;

    assertThatThrownBy(() -> decode(xz, 2)).isInstanceOf(IOException.class);
  }

  @Test
  void refusesGarbageAfterTheStream() throws IOException {
    byte[] xz = file("blocks.xz");
    byte[] withGarbage = Arrays.copyOf(xz, xz.length + 8);
    withGarbage[xz.length + 5] = 1;

    assertThatThrownBy(() -> decode(withGarbage, 2)).isInstanceOf(IOException.class);
  }

  @FuzzTest(maxDuration = "60s")
  void arbitraryBytesOnlyEverFailWithIOException(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      decode(bytes, 2);
    } catch (IOException expected) {
      // refused
    }
  }
}
