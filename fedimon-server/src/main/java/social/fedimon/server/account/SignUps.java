package social.fedimon.server.account;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import social.fedimon.server.infra.FedimonProperties;
import social.fedimon.server.mail.Mailer;

/** Sign-up, from the API or the console: an unverified account and the mail with its link. */
@Service
public class SignUps {

  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final Mailer mailer;
  private final FedimonProperties properties;

  SignUps(
      AccountStore accounts,
      PasswordEncoder passwords,
      Mailer mailer,
      FedimonProperties properties) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.mailer = mailer;
    this.properties = properties;
  }

  /**
   * Makes the account and mails its verification link.
   *
   * @param email lower case, stripped
   * @return false if an account has this email
   */
  public boolean signUp(String email, String password, Locale locale) {
    String language = Mailer.language(locale);
    Optional<String> secret = accounts.create(email, passwords.encode(password), language);
    if (secret.isEmpty()) {
      return false;
    }
    mailer.send(
        email,
        Locale.forLanguageTag(language),
        "verify",
        Map.of("link", base() + "/accounts/verify?token=" + secret.get()));
    return true;
  }

  /** The console's address as people reach it: FEDIMON_PUBLIC_URL, else this request's. */
  private String base() {
    URI url = properties.publicUrl();
    return url != null
        ? url.toString().replaceAll("/$", "")
        : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
  }
}
