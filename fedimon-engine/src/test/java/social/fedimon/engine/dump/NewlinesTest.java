package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

class NewlinesTest {

  /** Each run draws a new base seed; {@code -Dnewlines.seed=N} replays a run that failed. */
  private static final long SEED =
      Long.getLong("newlines.seed", new java.security.SecureRandom().nextLong());

  @BeforeAll
  static void printSeed() {
    System.out.println("NewlinesTest seed " + SEED + " (replay with -Dnewlines.seed=" + SEED + ")");
  }

  @RepeatedTest(500)
  void countsAndFindsExactlyWhatAByteLoopWould(RepetitionInfo repetition) {
    String replay = "-Dnewlines.seed=" + SEED + ", repetition " + repetition.getCurrentRepetition();
    Random random = new Random(SEED + repetition.getCurrentRepetition());
    byte[] bytes = new byte[random.nextInt(200)];
    byte[] alphabet = {'\n', '\\', '.', 'a', 0x0A ^ 0x01, (byte) 0x8A, (byte) 0xDC, 0};
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = alphabet[random.nextInt(alphabet.length)];
    }
    int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);

    long naiveCount = 0;
    for (int i = from; i < bytes.length; i++) {
      naiveCount += bytes[i] == '\n' ? 1 : 0;
    }
    int naiveIndex = -1;
    for (int i = from + 1; i < bytes.length; i++) {
      if (bytes[i] == '\\' && bytes[i - 1] == '\n') {
        naiveIndex = i;
        break;
      }
    }

    assertThat(Newlines.count(bytes, from, bytes.length - from)).as(replay).isEqualTo(naiveCount);
    assertThat(Newlines.lineStartingWithBackslash(bytes, from, bytes.length))
        .as(replay)
        .isEqualTo(naiveIndex);

    int stop = naiveIndex < 0 ? bytes.length : naiveIndex;
    long newlinesBefore = 0;
    for (int i = from; i < stop; i++) {
      newlinesBefore += bytes[i] == '\n' ? 1 : 0;
    }
    long scan = Newlines.scanCopyData(bytes, from, bytes.length);
    assertThat(scan >>> 32).as("stop, " + replay).isEqualTo(stop);
    assertThat(scan & 0xFFFFFFFFL).as("newlines before it, " + replay).isEqualTo(newlinesBefore);
  }
}
