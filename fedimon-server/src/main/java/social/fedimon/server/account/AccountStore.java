package social.fedimon.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Accounts and their tokens. Tokens and verification links are kept as SHA-256 only. */
@Repository
public class AccountStore {

  /**
   * What a stored account is.
   *
   * @param language the language of its mails and pages: {@code en} or {@code fr}
   */
  public record Account(
      UUID id, String email, String passwordHash, boolean verified, String language) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final Clock clock;

  AccountStore(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * A new, unverified account.
   *
   * @return the secret of its verification link, or empty if the email is taken
   */
  public Optional<String> create(String email, String passwordHash, String language) {
    String secret = newSecret();
    int rows =
        jdbc.sql(
                "INSERT INTO account (id, email, password_hash, verify_hash, created_at, language)"
                    + " VALUES (:id, :email, :hash, :verify, :now, :language)"
                    + " ON CONFLICT (email) DO NOTHING")
            .param("id", UUID.randomUUID())
            .param("email", email)
            .param("hash", passwordHash)
            .param("language", language)
            .param("verify", sha256(secret))
            .param("now", now())
            .update();
    return rows == 1 ? Optional.of(secret) : Optional.empty();
  }

  public Optional<Account> byEmail(String email) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM account a WHERE email = :email")
        .param("email", email)
        .query(AccountStore::account)
        .optional();
  }

  public Optional<Account> byId(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM account a WHERE id = :id")
        .param("id", id)
        .query(AccountStore::account)
        .optional();
  }

  public void language(UUID id, String language) {
    jdbc.sql("UPDATE account SET language = :language WHERE id = :id")
        .param("language", language)
        .param("id", id)
        .update();
  }

  private static final String COLUMNS =
      "a.id, a.email, a.password_hash, a.verified_at IS NOT NULL AS verified, a.language";

  private static Account account(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new Account(
        rs.getObject("id", UUID.class),
        rs.getString("email"),
        rs.getString("password_hash"),
        rs.getBoolean("verified"),
        rs.getString("language"));
  }

  /** Follows a verification link; false if it is unknown or was used. */
  public boolean verify(String secret) {
    return jdbc.sql(
                "UPDATE account SET verified_at = :now, verify_hash = NULL"
                    + " WHERE verify_hash = :hash")
            .param("now", now())
            .param("hash", sha256(secret))
            .update()
        == 1;
  }

  /** A new personal access token; the returned secret is shown once and never stored. */
  public String newToken(UUID accountId, String name) {
    String secret = "fdm_" + newSecret();
    jdbc.sql(
            "INSERT INTO access_token (id, account_id, token_hash, name, created_at)"
                + " VALUES (:id, :account, :hash, :name, :now)")
        .param("id", UUID.randomUUID())
        .param("account", accountId)
        .param("hash", sha256(secret))
        .param("name", name)
        .param("now", now())
        .update();
    return secret;
  }

  /** A personal access token as its owner sees it: never its secret. */
  public record Token(
      UUID id,
      String name,
      java.time.Instant createdAt,
      java.time.@org.jspecify.annotations.Nullable Instant lastUsedAt) {}

  public java.util.List<Token> tokens(UUID accountId) {
    return jdbc.sql(
            "SELECT id, name, created_at, last_used_at FROM access_token WHERE account_id = :a"
                + " ORDER BY created_at")
        .param("a", accountId)
        .query(
            (rs, n) -> {
              OffsetDateTime used = rs.getObject("last_used_at", OffsetDateTime.class);
              return new Token(
                  rs.getObject("id", UUID.class),
                  rs.getString("name"),
                  rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                  used == null ? null : used.toInstant());
            })
        .list();
  }

  /** Revokes one of the account's tokens; false if it has no such token. */
  public boolean revokeToken(UUID accountId, UUID tokenId) {
    return jdbc.sql("DELETE FROM access_token WHERE id = :id AND account_id = :a")
            .param("id", tokenId)
            .param("a", accountId)
            .update()
        == 1;
  }

  /** A password reset link for the account; its secret (mailed, never stored). */
  public String newReset(UUID accountId, java.time.Duration lifetime) {
    String secret = newSecret();
    jdbc.sql("UPDATE account SET reset_hash = :hash, reset_expires_at = :until WHERE id = :id")
        .param("hash", sha256(secret))
        .param("until", OffsetDateTime.ofInstant(clock.instant().plus(lifetime), ZoneOffset.UTC))
        .param("id", accountId)
        .update();
    return secret;
  }

  /** The account a reset link is for, while it works. */
  public Optional<Account> byReset(String secret) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM account a WHERE reset_hash = :hash AND reset_expires_at > :now")
        .param("hash", sha256(secret))
        .param("now", now())
        .query(AccountStore::account)
        .optional();
  }

  /**
   * Sets the password through a reset link, which is spent; the address is confirmed too (the link
   * came by mail).
   *
   * @return false if the link is unknown, spent or expired
   */
  public boolean reset(String secret, String passwordHash) {
    return jdbc.sql(
                "UPDATE account SET password_hash = :password, reset_hash = NULL,"
                    + " reset_expires_at = NULL, verified_at = coalesce(verified_at, :now)"
                    + " WHERE reset_hash = :hash AND reset_expires_at > :now")
            .param("password", passwordHash)
            .param("hash", sha256(secret))
            .param("now", now())
            .update()
        == 1;
  }

  public void password(UUID accountId, String hash) {
    jdbc.sql("UPDATE account SET password_hash = :hash WHERE id = :id")
        .param("hash", hash)
        .param("id", accountId)
        .update();
  }

  /** The account a token belongs to. */
  public Optional<Account> byToken(String secret) {
    return jdbc.sql(
            "UPDATE access_token t SET last_used_at = :now FROM account a"
                + " WHERE t.token_hash = :hash AND a.id = t.account_id"
                + " RETURNING "
                + COLUMNS)
        .param("now", now())
        .param("hash", sha256(secret))
        .query(AccountStore::account)
        .optional();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
