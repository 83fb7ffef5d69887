package social.fedimon.server.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.api.ApiException;

/**
 * Sign-up (a verification mail with one link follows) and personal access tokens, within the
 * sign-up and log-in rate limits.
 */
@RestController
class AccountController {

  record SignUp(
      @NotBlank @Email @Size(max = 254) String email,
      @NotBlank @Size(min = Passwords.MIN_LENGTH, max = Passwords.MAX_LENGTH) String password) {}

  /**
   * @param code the current TOTP code (or a recovery code) of an account with two-factor on
   */
  record TokenRequest(
      @NotBlank String email,
      @NotBlank String password,
      @Nullable String name,
      @Nullable @Size(max = 64) String code) {}

  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final SignUps signUps;
  private final RateLimits limits;
  private final TwoFactor twoFactor;

  AccountController(
      AccountStore accounts,
      PasswordEncoder passwords,
      SignUps signUps,
      RateLimits limits,
      TwoFactor twoFactor) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.signUps = signUps;
    this.limits = limits;
    this.twoFactor = twoFactor;
  }

  @PostMapping(path = "/api/v1/accounts", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> signUp(
      @Valid @RequestBody SignUp request, HttpServletRequest http, Locale locale) {
    Duration wait = limits.take(RateLimits.Action.SIGN_UP, "address " + http.getRemoteAddr());
    if (!wait.isZero()) {
      throw ApiException.tooManyRequests(wait);
    }
    String email = request.email().strip().toLowerCase(Locale.ROOT);
    if (!signUps.signUp(email, request.password(), locale)) {
      throw ApiException.conflict("an account with this email exists");
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("email", email, "verified", false));
  }

  @PostMapping(path = "/api/v1/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> token(
      @Valid @RequestBody TokenRequest request, HttpServletRequest http) {
    String email = request.email().strip().toLowerCase(Locale.ROOT);
    Duration wait =
        limits.take(RateLimits.Action.LOG_IN, "address " + http.getRemoteAddr(), "email " + email);
    if (!wait.isZero()) {
      throw ApiException.tooManyRequests(wait);
    }
    var account = accounts.byEmail(email).orElse(null);
    // the same answer and (nearly) the same work whether the email exists or not
    String hash = account == null ? Passwords.UNKNOWN_HASH : account.passwordHash();
    boolean matches = passwords.matches(request.password(), hash);
    if (account == null || !matches) {
      throw new ApiException(
          HttpStatus.UNAUTHORIZED, "unauthorized", "the email or the password is wrong");
    }
    if (!account.verified()) {
      throw ApiException.forbidden(
          "confirm your email address first: follow the link in the mail we sent");
    }
    if (twoFactor.enabled(account.id())) {
      if (request.code() == null || request.code().isBlank()) {
        throw new ApiException(
            HttpStatus.UNAUTHORIZED,
            "unauthorized",
            "this account has two-factor authentication on: add the current code of its"
                + " authenticator app (or a recovery code) as \"code\"");
      }
      if (!twoFactor.check(account.id(), request.code())) {
        throw new ApiException(
            HttpStatus.UNAUTHORIZED,
            "unauthorized",
            "the two-factor code is wrong or was already used");
      }
    }
    String name = request.name() == null || request.name().isBlank() ? "api" : request.name();
    String secret = accounts.newToken(account.id(), name);
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("token", secret, "name", name));
  }
}
