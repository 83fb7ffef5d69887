package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.testing.Tools;

/**
 * age payloads opened chunk by chunk on several threads give exactly what {@code age -d} gives, and
 * refuse truncation at a chunk boundary and altered bytes. Fixtures are made by the age command.
 */
class AgePayloadTest {

  @TempDir static Path dir;
  static Secrets identity;

  @BeforeAll
  static void fixtures() throws IOException {
    Tools.require("age", "age-keygen");
    Tools.sh(dir, "age-keygen -o key.txt 2>/dev/null");
    String recipient = "$(grep -o 'age1[a-z0-9]*' key.txt)";
    // sizes around the 64 KiB chunk: empty, one byte, exactly one and three chunks, and more
    // eight chunks go to a worker together: sizes at and around those batches too
    for (int size : new int[] {0, 1, 65536, 196608, 200000, 524288, 524289, 1000000, 1048576}) {
      Tools.sh(
          dir,
          "head -c "
              + size
              + " /dev/urandom > p"
              + size
              + " && age -r "
              + recipient
              + " -o p"
              + size
              + ".age p"
              + size);
    }
    identity = Secrets.load(List.of(), List.of(), List.of(dir.resolve("key.txt")));
  }

  private static byte[] open(byte[] encrypted) throws IOException {
    try (InputStream in =
        AgeDecryption.open(
            new ByteArrayInputStream(encrypted), false, identity, ArchiveLimits.DEFAULTS, "p")) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65536, 196608, 200000, 524288, 524289, 1000000, 1048576})
  void givesWhatAgeGives(int size) throws IOException {
    byte[] encrypted = Files.readAllBytes(dir.resolve("p" + size + ".age"));

    assertThat(open(encrypted)).isEqualTo(Files.readAllBytes(dir.resolve("p" + size)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 8, 9, 15})
  void aPayloadCutAtAChunkBoundaryIsRefused(int chunks) throws IOException {
    byte[] encrypted = Files.readAllBytes(dir.resolve("p1000000.age"));
    byte[] plain = Files.readAllBytes(dir.resolve("p1000000"));
    int headerAndNonce = encrypted.length - plain.length - 16 * (plain.length / 65536 + 1);
    byte[] cut = Arrays.copyOf(encrypted, headerAndNonce + chunks * (65536 + 16));

    assertThatThrownBy(() -> open(cut))
        .isInstanceOfSatisfying(
            BackupRejected.class,
            e -> assertThat(e.problem().code()).isEqualTo(ProblemCode.CORRUPT));
  }

  @ParameterizedTest
  @ValueSource(ints = {300, 70000, 999000})
  void anAlteredByteIsRefused(int at) throws IOException {
    byte[] encrypted = Files.readAllBytes(dir.resolve("p1000000.age"));
    encrypted[encrypted.length - 1000000 + at] ^= 1;

    assertThatThrownBy(() -> open(encrypted))
        .isInstanceOfSatisfying(
            BackupRejected.class,
            e -> assertThat(e.problem().code()).isEqualTo(ProblemCode.CORRUPT));
  }

  /**
   * A payload nonce and the chunks after it, under the file key of C2SP's age test vectors ("YELLOW
   * SUBMARINE"): the seeds are those vectors' payloads, so the fuzzer starts from chunks that
   * authenticate and mutates their framing (cuts, lengths, last flags, trailing bytes).
   */
  @com.code_intelligence.jazzer.junit.FuzzTest(maxDuration = "60s")
  void anyPayloadIsOpenedOrRefused(byte[] bytes) throws java.security.GeneralSecurityException {
    if (bytes == null || bytes.length < 16) {
      return;
    }
    byte[] key =
        AgePayload.payloadKey(
            "YELLOW SUBMARINE".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            Arrays.copyOf(bytes, 16));
    try (InputStream in =
        new AgePayload(new ByteArrayInputStream(bytes, 16, bytes.length - 16), key, 2)) {
      in.readAllBytes();
    } catch (IOException expected) {
      // refused: authentication fails, or the payload is cut
    }
  }
}
