package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Raw LZMA2 as 7-Zip's multi-threaded encoder writes it (a dictionary reset every block) is cut at
 * the resets and decoded on several threads into exactly the input; a stream without resets (xz's
 * raw single-threaded LZMA2) falls back to one decoder. Fixtures: the packed stream of a 7z made by
 * 7zz with uncompressed headers (it starts at byte 32), and {@code xz --format=raw}.
 */
class ParallelLzma2Test {

  @TempDir static Path dir;
  private static final int DICT = 64 * 1024;

  @BeforeAll
  static void fixtures() {
    Tools.require("7zz", "xz");
    Tools.sh(
        dir,
        "(head -c 800000 /dev/urandom; seq 1 300000; head -c 200000 /dev/urandom) > data"
            + " && 7zz a -m0=LZMA2:d=64k -mmt=2 -mx1 -mhc=off lz.7z data > /dev/null"
            + " && 7zz l -slt lz.7z | sed -n 's/^Packed Size = //p' > packed-size"
            + " && head -c 6000000 /dev/urandom > big"
            + " && xz --format=raw --lzma2=preset=1,dict=64KiB -c big > big.lzma2");
  }

  private static byte[] packed() throws IOException {
    byte[] archive = Files.readAllBytes(dir.resolve("lz.7z"));
    int size = Integer.parseInt(Files.readString(dir.resolve("packed-size")).trim());
    return Arrays.copyOfRange(archive, 32, 32 + size);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void givesBackExactlyWhat7ZipPackedCutAtItsResets(int threads) throws IOException {
    try (ParallelLzma2InputStream in =
        new ParallelLzma2InputStream(new ByteArrayInputStream(packed()), DICT, threads)) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(dir.resolve("data")));
      assertThat(in.segments()).as("segments decoded apart").isGreaterThan(1);
    }
  }

  @Test
  void aStreamWithoutResetsIsReadOnOneDecoder() throws IOException {
    byte[] raw = Files.readAllBytes(dir.resolve("big.lzma2"));
    try (ParallelLzma2InputStream in =
        new ParallelLzma2InputStream(new ByteArrayInputStream(raw), DICT, 2)) {
      assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(dir.resolve("big")));
      assertThat(in.segments()).isZero();
    }
  }

  @ParameterizedTest(name = "cut at {0}")
  @ValueSource(ints = {0, 1, 3, 1000, 100_000, -2, -1})
  void refusesATruncatedStream(int cut) throws IOException {
    byte[] packed = packed();
    byte[] truncated = Arrays.copyOf(packed, cut >= 0 ? cut : packed.length + cut);

    assertThatThrownBy(() -> decode(truncated)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest(name = "byte {0}")
  @ValueSource(ints = {0, 1, 2, 5000, 200_000})
  void refusesDamage(int at) throws IOException {
    byte[] packed = packed();
    packed[at] ^= 0x40;
    byte[] data = Files.readAllBytes(dir.resolve("data"));

    // damage inside compressed data may decode to other bytes: never silently to the same ones
    try {
      assertThat(decode(packed)).isNotEqualTo(data);
    } catch (IOException refused) {
      // the usual answer
    }
  }

  private static byte[] decode(byte[] raw) throws IOException {
    try (ParallelLzma2InputStream in =
        new ParallelLzma2InputStream(new ByteArrayInputStream(raw), DICT, 2)) {
      return in.readAllBytes();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void arbitraryBytesOnlyEverFailWithIOException(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      decode(bytes);
    } catch (IOException expected) {
      // refused
    }
  }
}
