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
 * bzip2 decoded block by block on several threads gives exactly what {@code bzip2 -dc} gives, and
 * refuses what it refuses. Fixtures are made by the bzip2 command.
 */
class ParallelBzip2Test {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    Tools.require("bzip2");
    // ~3 MB of random and text: about 30 blocks at -1 (100 kB blocks)
    Tools.sh(
        dir,
        "(head -c 1500000 /dev/urandom; seq 1 250000; head -c 300000 /dev/urandom) > mixed"
            + " && bzip2 -1 -k mixed"
            + " && seq 1 50000 > small && bzip2 -9 -k small"
            + " && cat mixed.bz2 small.bz2 mixed.bz2 > concatenated.bz2"
            + " && bzip2 -dc concatenated.bz2 > concatenated"
            + " && bzip2 < /dev/null > empty.bz2"
            // 50 MB of zeros: one block expands to ~45 MB, more than a block is held whole
            + " && head -c 50000000 /dev/zero | bzip2 > zeros.bz2");
  }

  private static byte[] decode(String file, int threads) throws IOException {
    try (InputStream in =
        new ParallelBzip2InputStream(Files.newInputStream(dir.resolve(file)), threads)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void givesWhatBzip2Gives(int threads) throws IOException {
    assertThat(decode("mixed.bz2", threads)).isEqualTo(Files.readAllBytes(dir.resolve("mixed")));
    assertThat(decode("small.bz2", threads)).isEqualTo(Files.readAllBytes(dir.resolve("small")));
    assertThat(decode("concatenated.bz2", threads))
        .isEqualTo(Files.readAllBytes(dir.resolve("concatenated")));
    assertThat(decode("empty.bz2", threads)).isEmpty();
  }

  @Test
  void aBlockExpandingPastWhatIsHeldIsStreamed() throws IOException {
    byte[] zeros = decode("zeros.bz2", 2);

    assertThat(zeros.length).isEqualTo(50_000_000);
    assertThat(zeros).containsOnly((byte) 0);
  }

  @Test
  void falseBoundariesInsideBlocksAreJoinedAway() throws IOException {
    byte[] compressed = Files.readAllBytes(dir.resolve("mixed.bz2"));
    // header (32 bits), magic (48), CRC (32): cuts well inside the first and a later block
    long[] cuts = {32 + 80 + 4001, 32 + 80 + 9003, 32 + 80 + 100_000, 2_000_000};

    byte[] out;
    int joined;
    try (ParallelBzip2InputStream in =
        ParallelBzip2InputStream.withFalseBoundaries(new ByteArrayInputStream(compressed), cuts)) {
      out = in.readAllBytes();
      joined = in.joined();
    }

    assertThat(out).isEqualTo(Files.readAllBytes(dir.resolve("mixed")));
    assertThat(joined).as("each false cut joined away").isEqualTo(cuts.length);
  }

  @Test
  void aDamagedBlockFailsWithTheCrcError() throws IOException {
    byte[] compressed = Files.readAllBytes(dir.resolve("mixed.bz2"));
    compressed[compressed.length / 2] ^= 0x10;

    assertThatThrownBy(() -> readAll(compressed)).isInstanceOf(IOException.class);
  }

  @Test
  void aWrongStreamCrcIsFound() throws IOException {
    byte[] compressed = Files.readAllBytes(dir.resolve("small.bz2"));
    long end = lastBits(compressed, ParallelBzip2InputStream.END_MAGIC);
    long crcBit = end + 48 + 5;
    compressed[(int) (crcBit >>> 3)] ^= (byte) (0x80 >>> (crcBit & 7));

    assertThatThrownBy(() -> readAll(compressed))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRC");
  }

  @Test
  void truncationAndGarbageAreRefused() throws IOException {
    byte[] compressed = Files.readAllBytes(dir.resolve("mixed.bz2"));

    assertThatThrownBy(() -> readAll(Arrays.copyOf(compressed, compressed.length / 2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("middle of a block");
    assertThatThrownBy(() -> readAll(Arrays.copyOf(compressed, compressed.length - 1)))
        .isInstanceOf(IOException.class);
    byte[] withGarbage = Arrays.copyOf(compressed, compressed.length + 5);
    System.arraycopy("hello".getBytes(), 0, withGarbage, compressed.length, 5);
    assertThatThrownBy(() -> readAll(withGarbage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("garbage");
    assertThatThrownBy(() -> readAll("not bzip2 at all".getBytes()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not bzip2");
    assertThatThrownBy(() -> readAll(new byte[0])).isInstanceOf(IOException.class);
  }

  @FuzzTest(maxDuration = "60s")
  void anyBytesAreDecodedOrRefused(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      readAll(bytes);
    } catch (IOException expected) {
      // refused
    }
  }

  private static byte[] readAll(byte[] compressed) throws IOException {
    try (InputStream in = new ParallelBzip2InputStream(new ByteArrayInputStream(compressed), 2)) {
      return in.readAllBytes();
    }
  }

  /** The bit position of the last occurrence of a 48-bit pattern. */
  private static long lastBits(byte[] bytes, long pattern) {
    for (long bit = bytes.length * 8L - 48; bit >= 0; bit--) {
      long value = 0;
      for (int i = 0; i < 48; i++) {
        long at = bit + i;
        value = (value << 1) | ((bytes[(int) (at >>> 3)] >>> (7 - (at & 7))) & 1);
      }
      if (value == pattern) {
        return bit;
      }
    }
    throw new IllegalStateException("pattern not found");
  }
}
