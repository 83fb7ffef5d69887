package social.fedimon.server.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import social.fedimon.server.api.ApiException;

/**
 * Two-factor authentication through the API, as on the account page: its state; a set-up (the
 * secret and its {@code otpauth://} URI), confirmed by a first code, which answers the recovery
 * codes once; new recovery codes (the password); turning it off (the password and a code).
 */
@RestController
class TwoFactorController {

  record Code(@Nullable @Size(max = 64) String code) {}

  record Password(@Nullable @Size(max = 1000) String password) {}

  record Disable(
      @Nullable @Size(max = 1000) String password, @Nullable @Size(max = 64) String code) {}

  private final TwoFactor twoFactor;
  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final RateLimits limits;

  TwoFactorController(
      TwoFactor twoFactor, AccountStore accounts, PasswordEncoder passwords, RateLimits limits) {
    this.twoFactor = twoFactor;
    this.accounts = accounts;
    this.passwords = passwords;
    this.limits = limits;
  }

  @GetMapping(path = "/api/v1/account/two-factor", produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> state(@AuthenticationPrincipal CurrentAccount account) {
    boolean on = twoFactor.enabled(account.id());
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("enabled", on);
    state.put("recoveryCodesLeft", on ? twoFactor.recoveryCodesLeft(account.id()) : 0);
    return state;
  }

  @PostMapping(path = "/api/v1/account/two-factor", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Map<String, Object>> start(@AuthenticationPrincipal CurrentAccount account) {
    TwoFactor.Enrollment enrollment = twoFactor.start(account.id(), account.email());
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            Map.of(
                "secret",
                enrollment.secret(),
                "uri",
                enrollment.uri(),
                "next",
                "POST /api/v1/account/two-factor/confirm {\"code\": \"123456\"}"));
  }

  @PostMapping(
      path = "/api/v1/account/two-factor/confirm",
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> confirm(
      @Valid @RequestBody Code body,
      @AuthenticationPrincipal CurrentAccount account,
      HttpServletRequest request) {
    limit(account, request);
    List<String> codes =
        twoFactor
            .confirm(account.id(), body.code() == null ? "" : body.code())
            .orElseThrow(
                () ->
                    ApiException.invalid(
                        twoFactor.pending(account.id(), account.email()).isEmpty()
                            ? "nothing is being set up: POST /api/v1/account/two-factor first"
                            : "the code is wrong: it must be the one the app shows now"));
    return Map.of("enabled", true, "recoveryCodes", codes);
  }

  @PostMapping(
      path = "/api/v1/account/two-factor/recovery-codes",
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> recoveryCodes(
      @Valid @RequestBody Password body,
      @AuthenticationPrincipal CurrentAccount account,
      HttpServletRequest request) {
    limit(account, request);
    checkPassword(account, body.password());
    if (!twoFactor.enabled(account.id())) {
      throw ApiException.conflict("two-factor authentication is off");
    }
    return Map.of("recoveryCodes", twoFactor.newRecoveryCodes(account.id()));
  }

  @PostMapping(
      path = "/api/v1/account/two-factor/disable",
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> disable(
      @Valid @RequestBody Disable body,
      @AuthenticationPrincipal CurrentAccount account,
      HttpServletRequest request) {
    limit(account, request);
    checkPassword(account, body.password());
    if (twoFactor.enabled(account.id())
        && !twoFactor.check(account.id(), body.code() == null ? "" : body.code())) {
      throw ApiException.forbidden("the two-factor code is wrong or was already used");
    }
    twoFactor.disable(account.id());
    return Map.of("enabled", false);
  }

  private void limit(CurrentAccount account, HttpServletRequest request) {
    Duration wait =
        limits.take(
            RateLimits.Action.LOG_IN,
            "address " + request.getRemoteAddr(),
            "email " + account.email());
    if (!wait.isZero()) {
      throw ApiException.tooManyRequests(wait);
    }
  }

  private void checkPassword(CurrentAccount account, @Nullable String password) {
    AccountStore.Account stored = accounts.byId(account.id()).orElseThrow();
    if (password == null || !passwords.matches(password, stored.passwordHash())) {
      throw ApiException.forbidden("the password is wrong");
    }
  }
}
