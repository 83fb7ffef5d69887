package social.fedimon.engine.archive;

import com.exceptionfactory.jagged.bech32.Bech32;
import com.exceptionfactory.jagged.bech32.Bech32Address;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMExtractor;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPrivateKeyParameters;

/**
 * Something that may unwrap an age file key from a recipient stanza: an X25519 identity ({@code
 * AGE-SECRET-KEY-1…}), a hybrid post-quantum identity ({@code AGE-SECRET-KEY-PQ-1…}, ML-KEM-768
 * with X25519, age 1.3), or a passphrase ({@code scrypt} stanzas). Each looks only at stanzas of
 * its own type; a stanza of its type that is malformed is refused, one sealed to another key is
 * passed over.
 */
sealed interface AgeIdentity {

  /**
   * The file key, when {@code stanza} is of this identity's type and opens with it; empty when the
   * stanza is of another type or for another key.
   *
   * @throws AgeHeader.Malformed when the stanza is of this identity's type but malformed
   * @throws WorkFactorTooHigh when an scrypt stanza asks for more work than allowed
   */
  Optional<byte[]> unwrap(AgeHeader.Stanza stanza) throws GeneralSecurityException;

  /**
   * The identity a line of an identity file holds.
   *
   * @throws IllegalArgumentException when the line is not a valid age identity (the message never
   *     holds the line)
   */
  static AgeIdentity parse(String line) {
    String text = line.strip();
    if (!text.equals(text.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException("an age identity is written in upper case");
    }
    Bech32Address address;
    try {
      address = Bech32.getDecoder().decode(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("an age identity is not valid Bech32 (a typo?)");
    }
    String prefix = address.getHumanReadablePart().toString().toUpperCase(Locale.ROOT);
    byte[] key = address.getData();
    if (key.length != 32) {
      throw new IllegalArgumentException("an age identity does not hold a 32-byte key");
    }
    return switch (prefix) {
      case X25519Identity.PREFIX -> new X25519Identity(key);
      case HybridIdentity.PREFIX -> new HybridIdentity(key);
      default -> throw new IllegalArgumentException("not an age identity we know: " + prefix);
    };
  }

  /** An scrypt stanza asks for a work factor above the limit. */
  final class WorkFactorTooHigh extends GeneralSecurityException {
    final int logN;
    final int maxLogN;

    WorkFactorTooHigh(int logN, int maxLogN) {
      super("scrypt work factor 2^" + logN + " is above the limit 2^" + maxLogN);
      this.logN = logN;
      this.maxLogN = maxLogN;
    }
  }

  /** age's X25519 recipient type (age-encryption.org/v1, "The X25519 recipient type"). */
  final class X25519Identity implements AgeIdentity {
    static final String PREFIX = "AGE-SECRET-KEY-";
    private static final String TYPE = "X25519";
    private static final byte[] LABEL =
        "age-encryption.org/v1/X25519".getBytes(StandardCharsets.US_ASCII);

    private final byte[] secret;
    private final byte[] publicKey = new byte[X25519.POINT_SIZE];

    X25519Identity(byte[] secret) {
      this.secret = secret.clone();
      X25519.scalarMultBase(this.secret, 0, publicKey, 0);
    }

    byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public Optional<byte[]> unwrap(AgeHeader.Stanza stanza) throws GeneralSecurityException {
      if (!stanza.type().equals(TYPE)) {
        return Optional.empty();
      }
      if (stanza.arguments().size() != 1) {
        throw new AgeHeader.Malformed("an X25519 stanza takes exactly one argument");
      }
      byte[] share = AgeHeader.decode(stanza.arguments().get(0), "an X25519 share");
      if (share.length != X25519.POINT_SIZE) {
        throw new AgeHeader.Malformed("an X25519 share is not 32 bytes");
      }
      byte[] shared = agree(secret, share, "an X25519 stanza");
      byte[] key = AgeKeys.hkdfSha256(shared, concat(share, publicKey), LABEL, 32);
      return AgeKeys.openFileKey(key, new byte[12], stanza.body(), "an X25519 stanza");
    }
  }

  /**
   * age 1.3's post-quantum hybrid recipient: HPKE (RFC 9180, base mode) with the X-Wing KEM
   * (ML-KEM-768 and X25519). The identity is a 32-byte seed; SHAKE256 of it gives the ML-KEM seed
   * (64 bytes) and the X25519 private key.
   */
  final class HybridIdentity implements AgeIdentity {
    static final String PREFIX = "AGE-SECRET-KEY-PQ-";
    private static final String TYPE = "mlkem768x25519";
    private static final int MLKEM_CIPHERTEXT_BYTES = 1088;
    private static final byte[] XWING_LABEL = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};
    // "HPKE" || KEM X-Wing (0x647a) || KDF HKDF-SHA256 (1) || AEAD ChaCha20-Poly1305 (3)
    private static final byte[] SUITE = {'H', 'P', 'K', 'E', 0x64, 0x7a, 0, 1, 0, 3};
    private static final byte[] INFO =
        "age-encryption.org/mlkem768x25519".getBytes(StandardCharsets.US_ASCII);

    private final MLKEMExtractor mlkem;
    private final byte[] x25519Secret;
    private final byte[] x25519Public = new byte[X25519.POINT_SIZE];

    HybridIdentity(byte[] seed) {
      SHAKEDigest shake = new SHAKEDigest(256);
      shake.update(seed, 0, seed.length);
      byte[] expanded = new byte[96];
      shake.doFinal(expanded, 0, expanded.length);
      this.mlkem =
          new MLKEMExtractor(
              new MLKEMPrivateKeyParameters(
                  MLKEMParameters.ml_kem_768, Arrays.copyOfRange(expanded, 0, 64)));
      this.x25519Secret = Arrays.copyOfRange(expanded, 64, 96);
      X25519.scalarMultBase(x25519Secret, 0, x25519Public, 0);
      Arrays.fill(expanded, (byte) 0);
    }

    @Override
    public Optional<byte[]> unwrap(AgeHeader.Stanza stanza) throws GeneralSecurityException {
      if (!stanza.type().equals(TYPE)) {
        return Optional.empty();
      }
      if (stanza.arguments().size() != 1) {
        throw new AgeHeader.Malformed("an mlkem768x25519 stanza takes exactly one argument");
      }
      byte[] enc = AgeHeader.decode(stanza.arguments().get(0), "an mlkem768x25519 share");
      if (enc.length != MLKEM_CIPHERTEXT_BYTES + X25519.POINT_SIZE) {
        throw new AgeHeader.Malformed("an mlkem768x25519 share is not 1120 bytes");
      }
      byte[] share = Arrays.copyOfRange(enc, MLKEM_CIPHERTEXT_BYTES, enc.length);
      byte[] pqSecret = mlkem.extractSecret(Arrays.copyOf(enc, MLKEM_CIPHERTEXT_BYTES));
      byte[] classicSecret = agree(x25519Secret, share, "an mlkem768x25519 stanza");
      SHA3Digest sha3 = new SHA3Digest(256);
      for (byte[] part : new byte[][] {pqSecret, classicSecret, share, x25519Public, XWING_LABEL}) {
        sha3.update(part, 0, part.length);
      }
      byte[] shared = new byte[32];
      sha3.doFinal(shared, 0);
      // RFC 9180 5.1, base mode: no PSK, so psk and psk_id are empty
      byte[] context =
          concat(
              new byte[] {0},
              labeledExtract(new byte[0], "psk_id_hash", new byte[0]),
              labeledExtract(new byte[0], "info_hash", INFO));
      byte[] secret = labeledExtract(shared, "secret", new byte[0]);
      byte[] key = labeledExpand(secret, "key", context, 32);
      byte[] nonce = labeledExpand(secret, "base_nonce", context, 12);
      return AgeKeys.openFileKey(key, nonce, stanza.body(), "an mlkem768x25519 stanza");
    }

    private static byte[] labeledExtract(byte[] salt, String label, byte[] ikm)
        throws GeneralSecurityException {
      return AgeKeys.extract(salt, concat(hpke(), ascii(label), ikm));
    }

    private static byte[] labeledExpand(byte[] prk, String label, byte[] info, int length)
        throws GeneralSecurityException {
      byte[] size = {(byte) (length >>> 8), (byte) length};
      return AgeKeys.expand(prk, concat(size, hpke(), ascii(label), info), length);
    }

    private static byte[] hpke() {
      return concat(ascii("HPKE-v1"), SUITE);
    }
  }

  /** age's passphrase recipient (age-encryption.org/v1, "The scrypt recipient type"). */
  final class Passphrase implements AgeIdentity {
    private static final String TYPE = "scrypt";
    private static final byte[] LABEL =
        "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_BYTES = 16;
    // decimal, no sign, no leading zero; two digits at most is already past any limit we allow
    private static final java.util.regex.Pattern WORK_FACTOR =
        java.util.regex.Pattern.compile("[1-9][0-9]{0,8}");

    private final String passphrase;
    private final int maxLogN;

    Passphrase(String passphrase, int maxLogN) {
      this.passphrase = passphrase;
      this.maxLogN = maxLogN;
    }

    @Override
    public Optional<byte[]> unwrap(AgeHeader.Stanza stanza) throws GeneralSecurityException {
      if (!stanza.type().equals(TYPE)) {
        return Optional.empty();
      }
      if (stanza.arguments().size() != 2) {
        throw new AgeHeader.Malformed("an scrypt stanza takes a salt and a work factor");
      }
      byte[] salt = AgeHeader.decode(stanza.arguments().get(0), "an scrypt salt");
      if (salt.length != SALT_BYTES) {
        throw new AgeHeader.Malformed("an scrypt salt is not 16 bytes");
      }
      String factor = stanza.arguments().get(1);
      if (!WORK_FACTOR.matcher(factor).matches()) {
        throw new AgeHeader.Malformed("an scrypt work factor is not a decimal number");
      }
      int logN = Integer.parseInt(factor);
      if (logN > maxLogN) {
        throw new WorkFactorTooHigh(logN, maxLogN);
      }
      if (stanza.body().length != AgeKeys.WRAPPED_FILE_KEY_BYTES) {
        throw new AgeHeader.Malformed("an scrypt stanza's body is not a sealed 16-byte file key");
      }
      byte[] key =
          SCrypt.generate(
              passphrase.getBytes(StandardCharsets.UTF_8),
              concat(LABEL, salt),
              1 << logN,
              8,
              1,
              32);
      return AgeKeys.openFileKey(key, new byte[12], stanza.body(), "an scrypt stanza");
    }
  }

  /** X25519, refusing the all-zero result of a low-order or identity point (RFC 7748, 6.1). */
  private static byte[] agree(byte[] secret, byte[] share, String stanza)
      throws AgeHeader.Malformed {
    byte[] shared = new byte[X25519.POINT_SIZE];
    if (!X25519.calculateAgreement(secret, 0, share, 0, shared, 0)
        || MessageDigest.isEqual(shared, new byte[X25519.POINT_SIZE])) {
      throw new AgeHeader.Malformed(stanza + " has a low-order share (an all-zero secret)");
    }
    return shared;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
