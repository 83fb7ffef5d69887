package social.fedimon.server.account;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.runtime.FedimonProperties;

/** Sign-up (a verification mail with one link follows) and personal access tokens. */
@RestController
class AccountController {

  /** Passwords shorter than this are refused. */
  static final int MIN_PASSWORD = 10;

  record SignUp(
      @NotBlank @Email @Size(max = 254) String email,
      @NotBlank @Size(min = MIN_PASSWORD, max = 1000) String password) {}

  record TokenRequest(@NotBlank String email, @NotBlank String password, String name) {}

  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final JavaMailSender mail;
  private final FedimonProperties properties;

  AccountController(
      AccountStore accounts,
      PasswordEncoder passwords,
      JavaMailSender mail,
      FedimonProperties properties) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.mail = mail;
    this.properties = properties;
  }

  @PostMapping(path = "/api/v1/accounts", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> signUp(@Valid @RequestBody SignUp request) {
    String email = request.email().strip().toLowerCase(Locale.ROOT);
    String secret =
        accounts
            .create(email, passwords.encode(request.password()))
            .orElseThrow(() -> ApiException.conflict("an account with this email exists"));
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom(properties.mail().from());
    message.setTo(email);
    message.setSubject("Confirm your FédiMon account");
    message.setText(
        "Welcome to FédiMon.\n\nFollow this link to confirm your email address:\n\n"
            + base()
            + "/accounts/verify?token="
            + secret
            + "\n\nIf you did not sign up, ignore this mail.\n");
    mail.send(message);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("email", email, "verified", false));
  }

  @GetMapping(path = "/accounts/verify", produces = MediaType.TEXT_PLAIN_VALUE)
  ResponseEntity<String> verify(@RequestParam("token") String token) {
    if (!accounts.verify(token)) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .body("This link is unknown or was already used.\n");
    }
    return ResponseEntity.ok("Your email address is confirmed. You can log in now.\n");
  }

  @PostMapping(path = "/api/v1/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> token(@Valid @RequestBody TokenRequest request) {
    String email = request.email().strip().toLowerCase(Locale.ROOT);
    var account = accounts.byEmail(email).orElse(null);
    // the same answer and (nearly) the same work whether the email exists or not
    String hash = account == null ? UNKNOWN_HASH : account.passwordHash();
    boolean matches = passwords.matches(request.password(), hash);
    if (account == null || !matches) {
      throw new ApiException(
          HttpStatus.UNAUTHORIZED, "unauthorized", "the email or the password is wrong");
    }
    if (!account.verified()) {
      throw ApiException.forbidden(
          "confirm your email address first: follow the link in the mail we sent");
    }
    String name = request.name() == null || request.name().isBlank() ? "api" : request.name();
    String secret = accounts.newToken(account.id(), name);
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("token", secret, "name", name));
  }

  private static final String UNKNOWN_HASH =
      Argon2Holder.ENCODER.encode("no account has this password");

  private String base() {
    URI url = properties.publicUrl();
    return url != null
        ? url.toString().replaceAll("/$", "")
        : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
  }

  private static final class Argon2Holder {
    static final PasswordEncoder ENCODER =
        org.springframework.security.crypto.argon2.Argon2PasswordEncoder
            .defaultsForSpringSecurity_v5_8();
  }
}
