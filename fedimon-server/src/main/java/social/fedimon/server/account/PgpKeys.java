package social.fedimon.server.account;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.jspecify.annotations.Nullable;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.EncryptionPurpose;
import org.pgpainless.key.OpenPgpFingerprint;
import org.pgpainless.key.info.KeyRingInfo;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import social.fedimon.engine.export.ExportFlow;

/**
 * An account's OpenPGP public key, which its exports are encrypted to: parsed and checked when set
 * (an expired, revoked or encryption-less key is refused, saying which), shown with its
 * fingerprint, user IDs and expiry.
 */
@Service
public class PgpKeys {

  /** Keys larger than this are refused: a public key with many signatures is still far smaller. */
  public static final int MAX_BYTES = 256 * 1024;

  /** What the console and the API show of a key. */
  public record Info(
      String fingerprint, List<String> userIds, Instant created, @Nullable Instant expires) {}

  private final JdbcClient jdbc;
  private final Clock clock;

  PgpKeys(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Checks and stores {@code armored} as the account's key.
   *
   * @throws IllegalArgumentException in plain words, when it is not a key to encrypt to
   */
  public Info set(UUID account, byte[] armored) {
    Info info = check(armored);
    jdbc.sql("UPDATE account SET pgp_public_key = :key WHERE id = :id")
        .param("key", new String(armored, StandardCharsets.UTF_8))
        .param("id", account)
        .update();
    return info;
  }

  public void remove(UUID account) {
    jdbc.sql("UPDATE account SET pgp_public_key = NULL WHERE id = :id")
        .param("id", account)
        .update();
  }

  /** The stored key, armored. */
  public Optional<String> armored(UUID account) {
    return jdbc.sql("SELECT pgp_public_key FROM account WHERE id = :id")
        .param("id", account)
        .query(String.class)
        .optional();
  }

  public Optional<Info> info(UUID account) {
    return armored(account).map(text -> describe(read(text.getBytes(StandardCharsets.UTF_8))));
  }

  /** The key's facts, or why it cannot be used. */
  public Info check(byte[] armored) {
    if (armored.length > MAX_BYTES) {
      throw new IllegalArgumentException("the key is over " + MAX_BYTES + " bytes");
    }
    String text = new String(armored, StandardCharsets.UTF_8);
    if (!text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
      throw new IllegalArgumentException(
          "paste the key armored, as gpg --armor --export prints it (-----BEGIN PGP PUBLIC KEY"
              + " BLOCK-----)");
    }
    PGPPublicKeyRing ring = read(armored);
    KeyRingInfo info = PGPainless.inspectKeyRing(ring, java.util.Date.from(clock.instant()));
    if (!info.getRevocationState().isNotRevoked()) {
      throw new IllegalArgumentException("this key is revoked");
    }
    java.util.Date expiry = info.getPrimaryKeyExpirationDate();
    if (expiry != null && !expiry.toInstant().isAfter(clock.instant())) {
      throw new IllegalArgumentException("this key expired on " + expiry.toInstant());
    }
    if (info.getEncryptionSubkeys(EncryptionPurpose.ANY).isEmpty()) {
      throw new IllegalArgumentException(
          "this key cannot encrypt: it has no valid encryption subkey (sign-only, or its"
              + " encryption subkey expired or was revoked)");
    }
    return describe(ring);
  }

  private static PGPPublicKeyRing read(byte[] bytes) {
    try {
      return ExportFlow.readPublicKey(bytes);
    } catch (IllegalArgumentException e) {
      // the engine refuses sign-only keys too; this class says more precisely why
      try {
        PGPPublicKeyRing ring = PGPainless.readKeyRing().publicKeyRing(bytes);
        if (ring != null) {
          return ring;
        }
      } catch (java.io.IOException unreadable) {
        // as below
      }
      throw e;
    }
  }

  private static Info describe(PGPPublicKeyRing ring) {
    KeyRingInfo info = PGPainless.inspectKeyRing(ring);
    java.util.Date expiry = info.getPrimaryKeyExpirationDate();
    return new Info(
        OpenPgpFingerprint.of(ring).prettyPrint(),
        info.getUserIds(),
        info.getCreationDate().toInstant(),
        expiry == null ? null : expiry.toInstant());
  }
}
