package social.fedimon.engine.archive;

import com.exceptionfactory.jagged.bech32.Bech32;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A new age X25519 key pair, as {@code age-keygen} makes one: the identity ({@code
 * AGE-SECRET-KEY-1…}, which {@link Secrets} reads) and its recipient ({@code age1…}, what {@code
 * age -r} encrypts to).
 *
 * @param identity the secret half: keep it sealed
 * @param recipient the public half
 */
public record AgeKeyPair(String identity, String recipient) {

  private static final SecureRandom RANDOM = new SecureRandom();

  public static AgeKeyPair generate() {
    byte[] secret = new byte[X25519.SCALAR_SIZE];
    RANDOM.nextBytes(secret);
    byte[] pub = new byte[X25519.POINT_SIZE];
    X25519.scalarMultBase(secret, 0, pub, 0);
    String identity =
        Bech32.getEncoder()
            .encode(AgeIdentity.X25519Identity.PREFIX.toLowerCase(Locale.ROOT), secret)
            .toString()
            .toUpperCase(Locale.ROOT);
    Arrays.fill(secret, (byte) 0);
    return new AgeKeyPair(identity, Bech32.getEncoder().encode("age", pub).toString());
  }

  /** The recipient of an identity, as {@code age-keygen -y} prints it. */
  public static String recipientOf(String identity) {
    AgeIdentity parsed = AgeIdentity.parse(identity);
    if (!(parsed instanceof AgeIdentity.X25519Identity x25519)) {
      throw new IllegalArgumentException("not an X25519 age identity");
    }
    return Bech32.getEncoder().encode("age", x25519.publicKey()).toString();
  }

  @Override
  public String toString() {
    return "AgeKeyPair[" + recipient + "]";
  }
}
