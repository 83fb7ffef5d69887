package social.fedimon.server.account;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** Password rules shared by the API and the console. */
public final class Passwords {

  /** Passwords shorter than this are refused. */
  static final int MIN_LENGTH = 10;

  static final int MAX_LENGTH = 1000;

  /** A hash no password matches in practice: checked when the email is unknown. */
  static final String UNKNOWN_HASH =
      Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode("no account has this password");

  private Passwords() {}

  /** Whether a new password has an acceptable length. */
  public static boolean acceptable(String password) {
    return password.length() >= MIN_LENGTH && password.length() <= MAX_LENGTH;
  }
}
