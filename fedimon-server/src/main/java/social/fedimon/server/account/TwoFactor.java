package social.fedimon.server.account;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import social.fedimon.server.secret.SecretBox;

/**
 * Two-factor log-in: a TOTP secret (RFC 6238: HMAC-SHA1, 30 s, 6 digits, what every authenticator
 * app reads) sealed with the {@link SecretBox}, and ten recovery codes kept as SHA-256 and spent
 * once each. A code is accepted in its 30 s step or the steps on either side (clocks drift), and
 * only once: the step of the last accepted code is kept, and a code of that step or an earlier one
 * is refused, so a code seen over a shoulder cannot be replayed.
 */
@Service
public class TwoFactor {

  /** How many recovery codes an account gets. */
  public static final int RECOVERY_CODES = 10;

  static final String ISSUER = "FédiMon";
  private static final int SECRET_BYTES = 20;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

  /**
   * A secret being set up.
   *
   * @param secret the Base32 an admin types into their app
   * @param uri the {@code otpauth://} URI the QR code holds
   */
  public record Enrollment(String secret, String uri) {}

  private final JdbcClient jdbc;
  private final SecretBox box;
  private final Clock clock;
  private final TimeBasedOneTimePasswordGenerator totp = new TimeBasedOneTimePasswordGenerator();

  TwoFactor(JdbcClient jdbc, SecretBox box, Clock clock) {
    this.jdbc = jdbc;
    this.box = box;
    this.clock = clock;
  }

  /** Whether the account logs in with a second factor. */
  public boolean enabled(UUID account) {
    return jdbc.sql("SELECT totp_secret IS NOT NULL FROM account WHERE id = :id")
        .param("id", account)
        .query(Boolean.class)
        .optional()
        .orElse(false);
  }

  /** How many recovery codes are left unspent. */
  public int recoveryCodesLeft(UUID account) {
    return jdbc.sql("SELECT count(*) FROM recovery_code WHERE account_id = :id AND used_at IS NULL")
        .param("id", account)
        .query(Integer.class)
        .single();
  }

  /**
   * A new secret for the account, kept aside until {@link #confirm} sees a code made from it; an
   * earlier secret being set up is replaced. An account that has two-factor on keeps its secret
   * until then too.
   */
  public Enrollment start(UUID account, String email) {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    String base32 = new Base32().encodeToString(secret).replace("=", "");
    jdbc.sql("UPDATE account SET totp_pending = :sealed WHERE id = :id")
        .param("sealed", box.seal(base32, context(account)))
        .param("id", account)
        .update();
    return enrollment(base32, email);
  }

  private static Enrollment enrollment(String base32, String email) {
    String label =
        URLEncoder.encode(ISSUER + ":" + email, StandardCharsets.UTF_8).replace("+", "%20");
    return new Enrollment(
        base32,
        "otpauth://totp/"
            + label
            + "?secret="
            + base32
            + "&issuer="
            + URLEncoder.encode(ISSUER, StandardCharsets.UTF_8)
            + "&algorithm=SHA1&digits=6&period=30");
  }

  /** The secret being set up, if any (to show it again after a wrong code). */
  public Optional<Enrollment> pending(UUID account, String email) {
    byte[] sealed = sealed(account, "totp_pending", false);
    if (sealed == null) {
      return Optional.empty();
    }
    return Optional.of(enrollment(box.open(sealed, context(account)), email));
  }

  /**
   * Turns two-factor on with the secret being set up, if {@code code} was made from it.
   *
   * @return the new recovery codes (shown once), or empty if the code is wrong or nothing is being
   *     set up
   */
  @Transactional
  public Optional<List<String>> confirm(UUID account, String code) {
    byte[] sealed = sealed(account, "totp_pending", true);
    if (sealed == null) {
      return Optional.empty();
    }
    long step = matchingStep(box.open(sealed, context(account)), code, 0);
    if (step < 0) {
      return Optional.empty();
    }
    jdbc.sql(
            "UPDATE account SET totp_secret = totp_pending, totp_pending = NULL,"
                + " totp_enabled_at = :now, totp_last_step = :step WHERE id = :id")
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .param("step", step)
        .param("id", account)
        .update();
    return Optional.of(newRecoveryCodes(account));
  }

  /** Replaces the account's recovery codes; the new ones are returned once, never stored. */
  @Transactional
  public List<String> newRecoveryCodes(UUID account) {
    jdbc.sql("DELETE FROM recovery_code WHERE account_id = :id").param("id", account).update();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < RECOVERY_CODES; i++) {
      StringBuilder code = new StringBuilder();
      for (int c = 0; c < 10; c++) {
        if (c == 5) {
          code.append('-');
        }
        code.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
      }
      codes.add(code.toString());
      jdbc.sql("INSERT INTO recovery_code (account_id, code_hash) VALUES (:id, :hash)")
          .param("id", account)
          .param("hash", AccountStore.sha256(normalized(code.toString())))
          .update();
    }
    return codes;
  }

  /** Turns two-factor off: the secret and the recovery codes are forgotten. */
  @Transactional
  public void disable(UUID account) {
    jdbc.sql(
            "UPDATE account SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL,"
                + " totp_last_step = 0 WHERE id = :id")
        .param("id", account)
        .update();
    jdbc.sql("DELETE FROM recovery_code WHERE account_id = :id").param("id", account).update();
  }

  /**
   * Checks a second factor: six digits are a TOTP code (spent once), anything else a recovery code
   * (spent once).
   */
  @Transactional
  public boolean check(UUID account, String code) {
    String given = code == null ? "" : code.strip();
    if (given.replace(" ", "").matches("\\d{6}")) {
      byte[] sealed = sealed(account, "totp_secret", false);
      if (sealed == null) {
        return false;
      }
      long last =
          jdbc.sql("SELECT totp_last_step FROM account WHERE id = :id FOR UPDATE")
              .param("id", account)
              .query(Long.class)
              .single();
      long step = matchingStep(box.open(sealed, context(account)), given, last);
      return step >= 0
          && jdbc.sql(
                      "UPDATE account SET totp_last_step = :step"
                          + " WHERE id = :id AND totp_last_step < :step")
                  .param("step", step)
                  .param("id", account)
                  .update()
              == 1;
    }
    String recovery = normalized(given);
    return !recovery.isEmpty()
        && recovery.length() <= 64
        && jdbc.sql(
                    "UPDATE recovery_code SET used_at = :now WHERE account_id = :id"
                        + " AND code_hash = :hash AND used_at IS NULL")
                .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .param("id", account)
                .param("hash", AccountStore.sha256(recovery))
                .update()
            == 1;
  }

  /**
   * The time step whose code {@code code} is (this step or one on either side) and that is later
   * than {@code after}, or -1.
   */
  private long matchingStep(String base32, String code, long after) {
    String digits = code == null ? "" : code.replace(" ", "").strip();
    if (!digits.matches("\\d{6}")) {
      return -1;
    }
    SecretKeySpec key = new SecretKeySpec(new Base32().decode(base32), "HmacSHA1");
    Instant now = clock.instant();
    long period = totp.getTimeStep().getSeconds();
    long current = now.getEpochSecond() / period;
    for (long step = current - 1; step <= current + 1; step++) {
      if (step <= after) {
        continue;
      }
      try {
        String expected =
            totp.generateOneTimePasswordString(key, Instant.ofEpochSecond(step * period));
        if (java.security.MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            digits.getBytes(StandardCharsets.US_ASCII))) {
          return step;
        }
      } catch (InvalidKeyException e) {
        throw new IllegalStateException(e);
      }
    }
    return -1;
  }

  /** A sealed secret of the account ({@code totp_secret} or {@code totp_pending}), or null. */
  private byte @org.jspecify.annotations.Nullable [] sealed(
      UUID account, String column, boolean lock) {
    return jdbc.sql(
            "SELECT " + column + " FROM account WHERE id = :id" + (lock ? " FOR UPDATE" : ""))
        .param("id", account)
        .query(byte[].class)
        .optional()
        .orElse(null);
  }

  private static String normalized(String recovery) {
    return recovery.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
  }

  private static String context(UUID account) {
    return "totp " + account;
  }
}
