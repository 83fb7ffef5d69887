package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What is read ahead on another thread arrives whole, in order, failures included. */
class ReadAheadTest {

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void givesEveryByteInOrderWhateverTheSizes() throws IOException {
    for (int size : new int[] {0, 1, 999, 1000, 1001, 64_000, 1_000_003}) {
      byte[] bytes = random(size);
      try (ReadAhead in = new ReadAhead(new ByteArrayInputStream(bytes), 1000)) {
        assertThat(in.readAllBytes()).as("size " + size).isEqualTo(bytes);
        assertThat(in.read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aFailureBelowReachesTheConsumerAfterTheBytesBeforeIt() throws IOException {
    byte[] bytes = random(10_000);
    InputStream failing =
        new InputStream() {
          int at;

          @Override
          public int read() throws IOException {
            if (at == 5_000) {
              throw new IOException("damaged at 5000");
            }
            return bytes[at++] & 0xFF;
          }
        };
    try (ReadAhead in = new ReadAhead(failing, 1000)) {
      byte[] before = in.readNBytes(5_000);
      assertThat(before).isEqualTo(java.util.Arrays.copyOf(bytes, 5_000));
      assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("damaged at 5000");
    }
  }

  @Test
  void closeStopsTheReaderSoTheStreamBelowIsFreeAgain() throws IOException {
    AtomicLong reads = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            reads.incrementAndGet();
            return 7;
          }
        };
    ReadAhead in = new ReadAhead(endless, 100);
    assertThat(in.read()).isEqualTo(7);

    in.close();
    long after = reads.get();

    assertThat(after).as("bounded read-ahead").isLessThan(100 * 10);
    assertThat(reads.get()).as("nothing read after close returned").isEqualTo(after);
  }
}
