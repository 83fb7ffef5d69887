package social.fedimon.engine.archive;

import com.exceptionfactory.jagged.FileKey;
import com.exceptionfactory.jagged.RecipientStanza;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * age's passphrase recipient (the {@code scrypt} stanza of the age v1 specification), which the
 * jagged library does not ship here: the file key is wrapped with ChaCha20-Poly1305 under a key
 * derived by scrypt(N = 2^logN, r = 8, p = 1) from the passphrase and the label-prefixed salt.
 */
final class AgeScryptStanzaReader implements RecipientStanzaReader {

  static final String TYPE = "scrypt";

  private static final byte[] LABEL =
      "age-encryption.org/v1/scrypt".getBytes(StandardCharsets.US_ASCII);
  private static final int SALT_BYTES = 16;
  private static final int FILE_KEY_BYTES = 16;
  private static final int TAG_BYTES = 16;

  private final String passphrase;
  private final int maxLogN;

  AgeScryptStanzaReader(String passphrase, int maxLogN) {
    this.passphrase = passphrase;
    this.maxLogN = maxLogN;
  }

  @Override
  public FileKey getFileKey(Iterable<RecipientStanza> stanzas) throws GeneralSecurityException {
    for (RecipientStanza stanza : stanzas) {
      if (!TYPE.equals(stanza.getType())) {
        continue;
      }
      List<String> arguments = stanza.getArguments();
      if (arguments.size() != 2) {
        throw new AgeHeaderException("an scrypt stanza needs a salt and a work factor");
      }
      byte[] salt = Base64.getDecoder().decode(arguments.get(0));
      if (salt.length != SALT_BYTES) {
        throw new AgeHeaderException("the scrypt salt is not 16 bytes");
      }
      int logN = workFactor(arguments.get(1));
      byte[] body = stanza.getBody();
      if (body.length != FILE_KEY_BYTES + TAG_BYTES) {
        throw new AgeHeaderException("the scrypt stanza body is not 32 bytes");
      }
      byte[] saltWithLabel = new byte[LABEL.length + SALT_BYTES];
      System.arraycopy(LABEL, 0, saltWithLabel, 0, LABEL.length);
      System.arraycopy(salt, 0, saltWithLabel, LABEL.length, SALT_BYTES);
      byte[] wrapKey =
          SCrypt.generate(
              passphrase.getBytes(StandardCharsets.UTF_8), saltWithLabel, 1 << logN, 8, 1, 32);
      Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(wrapKey, "ChaCha20"),
          new IvParameterSpec(new byte[12]));
      try {
        return new FileKey(cipher.doFinal(body));
      } catch (AEADBadTagException wrongPassphrase) {
        throw new AgeWrongSecretException();
      }
    }
    throw new AgeWrongSecretException();
  }

  /** A work factor in decimal without leading zeros, at most {@code maxLogN}. */
  private int workFactor(String text) throws GeneralSecurityException {
    if (!text.matches("[1-9][0-9]?")) {
      throw new AgeHeaderException("the scrypt work factor is not a small decimal number");
    }
    int logN = Integer.parseInt(text);
    if (logN > maxLogN) {
      throw new AgeWorkFactorException(logN, maxLogN);
    }
    return logN;
  }

  /** The age header is malformed. */
  static final class AgeHeaderException extends GeneralSecurityException {
    AgeHeaderException(String message) {
      super(message);
    }
  }

  /** The passphrase does not open this file. */
  static final class AgeWrongSecretException extends GeneralSecurityException {
    AgeWrongSecretException() {
      super("the passphrase does not open this file");
    }
  }

  /**
   * The file asks for more scrypt work than allowed: a denial-of-service attempt or a raised limit.
   */
  static final class AgeWorkFactorException extends GeneralSecurityException {
    final int logN;
    final int maxLogN;

    AgeWorkFactorException(int logN, int maxLogN) {
      super("scrypt work factor 2^" + logN + " is above the limit 2^" + maxLogN);
      this.logN = logN;
      this.maxLogN = maxLogN;
    }
  }
}
