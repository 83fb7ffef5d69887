package social.fedimon.server.migration;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.pgpainless.PGPainless;
import org.pgpainless.key.OpenPgpFingerprint;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import social.fedimon.engine.archive.AgeKeyPair;
import social.fedimon.server.secret.SecretBox;

/**
 * The platform's own keys for each instance, so an admin can encrypt a backup to us rather than
 * send a password: an age X25519 recipient and an OpenPGP key (PGPainless' modern key: Ed25519 for
 * certification, X25519 for encryption), made the first time they are asked for. The secret halves
 * are sealed with the {@link SecretBox} and never leave the server; {@link BackupSecrets} adds them
 * to what opens the instance's archive.
 */
@Component
public class PlatformKeys {

  /**
   * The public halves.
   *
   * @param ageRecipient what {@code age -r} takes
   * @param openPgpKey the armored public key, for {@code gpg --import}
   * @param openPgpFingerprint its fingerprint (40 hex digits), what {@code gpg -r} takes
   */
  public record Published(String ageRecipient, String openPgpKey, String openPgpFingerprint) {}

  private final JdbcClient jdbc;
  private final SecretBox box;
  private final Clock clock;

  PlatformKeys(JdbcClient jdbc, SecretBox box, Clock clock) {
    this.jdbc = jdbc;
    this.box = box;
    this.clock = clock;
  }

  /** The instance's keys, made now if it has none yet. */
  public Published published(UUID instance, String domain) {
    return find(instance).orElseGet(() -> make(instance, domain));
  }

  /**
   * The secret halves as identity texts ({@code AGE-SECRET-KEY-1…} and an armored OpenPGP secret
   * key), or none when no key was ever shown for the instance.
   */
  List<String> identities(UUID instance) {
    return jdbc.sql("SELECT age_identity, pgp_secret FROM platform_key WHERE instance_id = :id")
        .param("id", instance)
        .query(
            (rs, n) ->
                List.of(
                    box.open(rs.getBytes("age_identity"), context(instance, "age")),
                    box.open(rs.getBytes("pgp_secret"), context(instance, "openpgp"))))
        .optional()
        .orElse(List.of());
  }

  private Optional<Published> find(UUID instance) {
    return jdbc.sql(
            "SELECT age_recipient, pgp_public, pgp_fingerprint FROM platform_key"
                + " WHERE instance_id = :id")
        .param("id", instance)
        .query(
            (rs, n) ->
                new Published(
                    rs.getString("age_recipient"),
                    rs.getString("pgp_public"),
                    rs.getString("pgp_fingerprint")))
        .optional();
  }

  private Published make(UUID instance, String domain) {
    AgeKeyPair age = AgeKeyPair.generate();
    // PGPainless (Kotlin) declares no checked exception here
    PGPSecretKeyRing pgp =
        PGPainless.generateKeyRing()
            .modernKeyRing("FédiMon, backups of " + domain + " <backup@" + domain + ">");
    String armoredSecret = PGPainless.asciiArmor(pgp);
    String armoredPublic = PGPainless.asciiArmor(PGPainless.extractCertificate(pgp));
    String fingerprint = OpenPgpFingerprint.of(pgp).toString();
    // two nodes asked at once: the first one's keys stay
    jdbc.sql(
            "INSERT INTO platform_key (instance_id, age_recipient, age_identity, pgp_fingerprint,"
                + " pgp_public, pgp_secret, created_at) VALUES (:id, :recipient, :identity,"
                + " :fingerprint, :public, :secret, :now) ON CONFLICT (instance_id) DO NOTHING")
        .param("id", instance)
        .param("recipient", age.recipient())
        .param("identity", box.seal(age.identity(), context(instance, "age")))
        .param("fingerprint", fingerprint)
        .param("public", armoredPublic)
        .param("secret", box.seal(armoredSecret, context(instance, "openpgp")))
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .update();
    return find(instance).orElseThrow();
  }

  private static String context(UUID instance, String kind) {
    return "platform-key " + kind + " " + instance;
  }
}
