package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.testing.Gpg;
import social.fedimon.engine.testing.Tools;

/**
 * {@link PgpFastPath} refuses what PGPainless refuses: the same messages, made by gpg, go through
 * the fast path and through PGPainless alone, and the verdicts (the plaintext's hash, or the
 * problem code) are the same. Every symmetric cipher gpg offers, each compression, a public key and
 * a passphrase, a message without integrity protection, and one byte changed at the start, in the
 * middle and in the MDC. Where the fast path declines a message (it hands it back rewound), the
 * layer's verdict is PGPainless's, and that is checked too.
 */
class PgpPathsTest {

  private static final String PASSPHRASE = "correct horse battery";
  private static final List<String> CIPHERS =
      List.of(
          "IDEA",
          "3DES",
          "CAST5",
          "BLOWFISH",
          "AES",
          "AES192",
          "AES256",
          "TWOFISH",
          "CAMELLIA128",
          "CAMELLIA192",
          "CAMELLIA256");

  /** Ciphers PGPainless 1.7's default policy refuses to decrypt with. */
  private static final List<String> REFUSED_CIPHERS = List.of("IDEA", "3DES", "BLOWFISH");

  private static final List<String> COMPRESSIONS = List.of("none", "zip", "zlib", "bzip2");

  private static Path dir;
  private static Map<String, byte[]> messages;
  private static int fastPathHandled;

  @BeforeAll
  static void messages() throws IOException {
    dir = Files.createTempDirectory("pgp-paths");
    Map<String, String> gpg = Gpg.homeWithAdminKey(dir);
    Tools.sh(dir, "(seq 1 30000; head -c 200000 /dev/urandom; seq 1 1000) > data");
    String symmetric = "gpg -q --batch --pinentry-mode loopback --passphrase '" + PASSPHRASE + "' ";
    String publicKey = "gpg -q --batch --trust-model always -r admin@example.social ";
    Map<String, String> commands = new LinkedHashMap<>();
    for (String cipher : CIPHERS) {
      commands.put("passphrase-" + cipher, symmetric + "--cipher-algo " + cipher + " -c");
    }
    for (String compression : COMPRESSIONS) {
      commands.put(
          "passphrase-AES256-" + compression,
          symmetric + "--cipher-algo AES256 --compress-algo " + compression + " -c");
      commands.put(
          "public-key-" + compression, publicKey + "--compress-algo " + compression + " -e");
    }
    commands.put("public-key-signed", publicKey + "-s -e");
    commands.put("no-mdc", symmetric + "--rfc2440 --cipher-algo CAST5 -c");
    messages = new LinkedHashMap<>();
    for (Map.Entry<String, String> command : commands.entrySet()) {
      String file = command.getKey() + ".gpg";
      Tools.sh(dir, gpg, command.getValue() + " -o " + file + " data 2>/dev/null");
      messages.put(command.getKey(), Files.readAllBytes(dir.resolve(file)));
    }
    for (String base : List.of("passphrase-AES256-zlib", "public-key-none", "passphrase-CAST5")) {
      byte[] message = messages.get(base);
      // the first block of the encrypted data (its random prefix and quick check)
      messages.put(base + "-changed-at-start", flip(message, encryptedDataStart(message) + 3));
      messages.put(base + "-changed-in-middle", flip(message, message.length / 2));
      // the last bytes of the encrypted packet are the MDC's SHA-1
      messages.put(base + "-changed-in-mdc", flip(message, message.length - 2));
    }
  }

  @AfterAll
  static void theFastPathTookMostMessages() throws IOException {
    // not a vacuous comparison: the fast path handled the common messages itself
    assertThat(fastPathHandled).isGreaterThanOrEqualTo(10);
    Tools.sh(dir.getParent(), "rm -rf '" + dir + "'");
  }

  /**
   * Where the encrypted data packet's body starts (after its version byte): the packets before it
   * (session keys, a marker) have definite lengths (RFC 4880, 4.2).
   */
  private static int encryptedDataStart(byte[] message) {
    int at = 0;
    while (true) {
      int header = message[at] & 0xFF;
      int tag;
      long length;
      int start;
      if ((header & 0x40) != 0) { // new format
        tag = header & 0x3F;
        int first = message[at + 1] & 0xFF;
        if (first < 192) {
          length = first;
          start = at + 2;
        } else if (first < 224) {
          length = ((first - 192) << 8) + (message[at + 2] & 0xFF) + 192;
          start = at + 3;
        } else if (first == 255) {
          length =
              ((message[at + 2] & 0xFFL) << 24)
                  | ((message[at + 3] & 0xFF) << 16)
                  | ((message[at + 4] & 0xFF) << 8)
                  | (message[at + 5] & 0xFF);
          start = at + 6;
        } else {
          length = -1; // a partial length: only the last packet has one
          start = at + 2;
        }
      } else { // old format
        tag = (header >> 2) & 0x0F;
        int type = header & 3;
        int bytes = type == 0 ? 1 : type == 1 ? 2 : type == 2 ? 4 : 0;
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (message[at + 1 + i] & 0xFF);
        }
        start = at + 1 + bytes;
      }
      if (tag == 18) {
        return start + 1; // after the SEIPD version byte
      }
      if (tag == 9) {
        return start; // a SED packet has no version byte
      }
      at = (int) (start + length);
    }
  }

  private static byte[] flip(byte[] message, int at) {
    byte[] changed = message.clone();
    changed[at] ^= 0x20;
    return changed;
  }

  /** Evaluated after {@link #messages()}: every message it made. */
  static Stream<String> names() {
    return List.copyOf(messages.keySet()).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void bothPathsGiveTheSameVerdict(String name) throws Exception {
    byte[] message = messages.get(name);
    Secrets secrets = secrets();
    String pgpainless =
        verdict(
            () -> PgpDecryption.withPgpainless(new ByteArrayInputStream(message), secrets, name));
    String layer =
        verdict(
            () ->
                PgpDecryption.open(
                    new ByteArrayInputStream(message), secrets, DecoderThreads.perCore(), name));
    assertThat(layer).as("the layer's verdict on %s", name).isEqualTo(pgpainless);

    String fast =
        verdict(
            () -> {
              return PgpFastPath.open(
                  new BufferedInputStream(new ByteArrayInputStream(message), 64 * 1024),
                  secrets,
                  DecoderThreads.perCore());
            });
    if (!fast.equals("declined")) {
      fastPathHandled++;
      assertThat(fast).as("the fast path's verdict on %s", name).isEqualTo(pgpainless);
    }
    if (name.contains("changed") || name.equals("no-mdc")) {
      assertThat(pgpainless).as("%s is refused", name).startsWith("refused");
    } else if (REFUSED_CIPHERS.stream().anyMatch(cipher -> name.equals("passphrase-" + cipher))) {
      // PGPainless's default policy does not decrypt these (gpg still does)
      assertThat(pgpainless).as("%s", name).isEqualTo("refused wrong-secret");
    } else {
      assertThat(pgpainless).as("%s opens", name).isEqualTo(expected());
    }
  }

  private interface Opening {
    InputStream open() throws IOException;
  }

  /**
   * "opened SHA-256", "refused CODE" (an I/O failure while reading counts as {@code corrupt}, as
   * the archive reader reports it), or "declined" (the fast path handed the message back).
   */
  private static String verdict(Opening opening) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = opening.open()) {
      if (in == null) {
        return "declined";
      }
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (BackupRejected e) {
      return "refused " + e.code().code();
    } catch (IOException e) {
      return "refused corrupt";
    }
    return "opened " + HexFormat.of().formatHex(digest.digest());
  }

  private static String expected() throws Exception {
    return "opened "
        + HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("data"))));
  }

  private static Secrets secrets() {
    return Secrets.load(
        List.of("not this one", PASSPHRASE), List.of(), List.of(dir.resolve("admin.key")));
  }
}
