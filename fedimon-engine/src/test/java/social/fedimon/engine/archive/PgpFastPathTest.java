package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.testing.Gpg;
import social.fedimon.engine.testing.Tools;

/**
 * The fast OpenPGP path gives exactly what gpg encrypted, for the messages gpg makes by default and
 * with each compression; it checks the MDC itself; and whatever it does not handle (a wrong
 * passphrase, another cipher) goes back, rewound, to PGPainless. Fixtures are made by gpg.
 */
class PgpFastPathTest {

  @TempDir static Path dir;
  private static Map<String, String> gpg;
  private static final String PASSPHRASE = "correct horse battery";

  @BeforeAll
  static void fixtures() throws IOException {
    gpg = Gpg.homeWithAdminKey(dir);
    Tools.sh(
        dir,
        "(seq 1 40000; head -c 300000 /dev/urandom; seq 1 1000) > data"
            + " && head -c 20000 /dev/urandom > small");
    String symmetric = "gpg -q --batch --pinentry-mode loopback --passphrase '" + PASSPHRASE + "' ";
    Tools.sh(
        dir,
        gpg,
        symmetric
            + "-c -o zip.gpg data && "
            + symmetric
            + "--compress-algo zlib -c -o zlib.gpg data && "
            + symmetric
            + "--compress-algo bzip2 -c -o bzip2.gpg data && "
            + symmetric
            + "--compress-algo none -c -o none.gpg data && "
            + symmetric
            + "--cipher-algo AES128 -c -o aes128.gpg data && "
            + symmetric
            + "-a -c -o armored.asc data && "
            + symmetric
            + "--compress-algo none -c -o small.gpg small && "
            + symmetric
            + "--cipher-algo CAMELLIA256 -c -o camellia.gpg data && "
            + "gpg -q --batch --trust-model always -r admin@example.social -s -e -o signed.gpg"
            + " data");
  }

  private static Secrets secrets() {
    return Secrets.load(
        List.of("not this one", PASSPHRASE), List.of(), List.of(dir.resolve("admin.key")));
  }

  private static byte[] data() throws IOException {
    return Files.readAllBytes(dir.resolve("data"));
  }

  private static InputStream fast(byte[] message, Secrets secrets) throws IOException {
    return PgpFastPath.open(
        new BufferedInputStream(new ByteArrayInputStream(message), 64 * 1024),
        secrets,
        DecoderThreads.perCore());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "zip.gpg",
        "zlib.gpg",
        "bzip2.gpg",
        "none.gpg",
        "aes128.gpg",
        "armored.asc",
        "signed.gpg"
      })
  void givesExactlyWhatGpgEncrypted(String file) throws IOException {
    try (InputStream in = fast(Files.readAllBytes(dir.resolve(file)), secrets())) {
      assertThat(in).as("the fast path takes %s", file).isNotNull();
      assertThat(in.readAllBytes()).isEqualTo(data());
    }
  }

  @Test
  void aChangedByteIsCaughtByTheMdc() throws IOException {
    // uncompressed, so nothing but the MDC can notice; large enough to outrun the read-ahead
    byte[] message = Files.readAllBytes(dir.resolve("none.gpg"));
    message[message.length / 2] ^= 0x10;

    try (InputStream in = fast(message, secrets())) {
      assertThat(in).isNotNull();
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("MDC");
    }
  }

  @Test
  void aChangedByteInAMessageShorterThanTheReadAheadIsRefusedToo() throws IOException {
    byte[] message = Files.readAllBytes(dir.resolve("small.gpg"));
    message[message.length / 2] ^= 0x10;

    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  PgpDecryption.open(
                      new ByteArrayInputStream(message),
                      secrets(),
                      DecoderThreads.perCore(),
                      "small.gpg")) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(BackupRejected.class)
        .satisfies(e -> assertThat(((BackupRejected) e).code()).isEqualTo(ProblemCode.CORRUPT));
  }

  @ParameterizedTest(name = "cut {0} bytes short")
  @ValueSource(ints = {1, 22, 1000})
  void aTruncatedMessageIsRefused(int cut) throws IOException {
    byte[] message = Files.readAllBytes(dir.resolve("zip.gpg"));
    byte[] truncated = Arrays.copyOf(message, message.length - cut);

    try (InputStream in = fast(truncated, secrets())) {
      assertThat(in).isNotNull();
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"zip.gpg", "camellia.gpg"})
  void leavesWhatItDoesNotHandleRewoundForPgpainless(String file) throws IOException {
    byte[] message = Files.readAllBytes(dir.resolve(file));
    Secrets secrets =
        file.equals("zip.gpg") ? Secrets.load(List.of("wrong"), List.of(), List.of()) : secrets();
    BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(message), 64 * 1024);

    assertThat(PgpFastPath.open(in, secrets, DecoderThreads.perCore())).isNull();
    assertThat(in.readAllBytes()).as("rewound to the start").isEqualTo(message);
  }

  @Test
  void theWholeLayerStillReadsWhatOnlyPgpainlessHandles() throws IOException {
    try (InputStream in =
        PgpDecryption.open(
            new ByteArrayInputStream(Files.readAllBytes(dir.resolve("camellia.gpg"))),
            secrets(),
            DecoderThreads.perCore(),
            "camellia.gpg")) {
      assertThat(in.readAllBytes()).isEqualTo(data());
    }
    assertThatThrownBy(
            () ->
                PgpDecryption.open(
                    new ByteArrayInputStream(Files.readAllBytes(dir.resolve("zip.gpg"))),
                    Secrets.load(List.of("wrong"), List.of(), List.of()),
                    DecoderThreads.perCore(),
                    "zip.gpg"))
        .isInstanceOf(BackupRejected.class)
        .satisfies(
            e -> assertThat(((BackupRejected) e).code()).isEqualTo(ProblemCode.WRONG_SECRET));
  }

  /**
   * Arbitrary bytes through the OpenPGP layer with a passphrase that opens the seeds (gpg -c with a
   * small S2K count): the fast path, its MDC and inner packets, or PGPainless after a rewind; the
   * only failures allowed are a refusal with a problem code or an I/O error.
   */
  @Test
  void cfbThroughEcbDecryptsExactlyAsTheJdksCfbForAnyCutOfTheInput() throws Exception {
    java.util.Random random = new java.util.Random(4880);
    for (int keyBytes : new int[] {16, 24, 32}) {
      byte[] key = new byte[keyBytes];
      byte[] iv = new byte[16];
      random.nextBytes(key);
      random.nextBytes(iv);
      javax.crypto.spec.SecretKeySpec aes = new javax.crypto.spec.SecretKeySpec(key, "AES");
      byte[] plain = new byte[300_001]; // not a whole number of blocks
      random.nextBytes(plain);
      javax.crypto.Cipher encrypt = javax.crypto.Cipher.getInstance("AES/CFB/NoPadding");
      encrypt.init(
          javax.crypto.Cipher.ENCRYPT_MODE, aes, new javax.crypto.spec.IvParameterSpec(iv));
      byte[] ciphertext = encrypt.doFinal(plain);

      PgpFastPath.Cfb cfb = new PgpFastPath.Cfb(aes, iv, 64 * 1024);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024 + 32];
      int at = 0;
      while (at < ciphertext.length) {
        // pieces of 1 byte to 64 KiB, mostly not multiples of the block
        int n =
            Math.min(ciphertext.length - at, 1 + random.nextInt(random.nextBoolean() ? 40 : 65536));
        int produced = cfb.update(ciphertext, at, n, buffer, 0);
        assertThat(produced % 16).isZero();
        out.write(buffer, 0, produced);
        at += n;
      }
      out.write(buffer, 0, cfb.doFinal(buffer, 0));
      assertThat(out.toByteArray()).as("AES-%d", keyBytes * 8).isEqualTo(plain);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void arbitraryMessagesAreReadOrRefused(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    Secrets secrets = Secrets.load(List.of("fuzz"), List.of(), List.of());
    try (InputStream in =
        PgpDecryption.open(
            new ByteArrayInputStream(bytes), secrets, DecoderThreads.perCore(), "fuzz")) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (BackupRejected | IOException expected) {
      // refused
    }
  }
}
