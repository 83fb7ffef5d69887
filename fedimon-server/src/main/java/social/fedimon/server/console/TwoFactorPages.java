package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.account.RateLimits;
import social.fedimon.server.account.SecondFactorLogIns;
import social.fedimon.server.account.TwoFactor;

/**
 * Two-factor authentication: the second page of a log-in, and on the account page, setting it up (a
 * QR code and the secret, confirmed by a first code; the recovery codes shown once), new recovery
 * codes, and turning it off. What changes it asks for the password, and turning it off a code too.
 */
@Controller
class TwoFactorPages {

  private final TwoFactor twoFactor;
  private final SecondFactorLogIns logIns;
  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final RateLimits limits;

  TwoFactorPages(
      TwoFactor twoFactor,
      SecondFactorLogIns logIns,
      AccountStore accounts,
      PasswordEncoder passwords,
      RateLimits limits) {
    this.twoFactor = twoFactor;
    this.logIns = logIns;
    this.accounts = accounts;
    this.passwords = passwords;
    this.limits = limits;
  }

  @GetMapping("/login/code")
  String codeForm() {
    return "login-code";
  }

  @PostMapping("/login/code")
  String code(
      @RequestParam(defaultValue = "") String code,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    SecondFactorLogIns.Outcome outcome = logIns.logIn(code, request, response);
    if (outcome instanceof SecondFactorLogIns.Outcome.LoggedIn in) {
      return "redirect:" + in.target();
    }
    if (outcome instanceof SecondFactorLogIns.Outcome.Wait wait) {
      response.setHeader("Retry-After", String.valueOf(wait.retryAfter().toSeconds()));
      model.addAttribute("wait", Math.max(1, wait.retryAfter().toSeconds()));
    } else {
      model.addAttribute("wrong", true);
    }
    return "login-code";
  }

  @PostMapping("/account/two-factor")
  String start(@AuthenticationPrincipal CurrentAccount current) {
    twoFactor.start(current.id(), current.email());
    return "redirect:/account/two-factor";
  }

  @GetMapping("/account/two-factor")
  String setUp(@AuthenticationPrincipal CurrentAccount current, Model model) {
    Optional<TwoFactor.Enrollment> pending = twoFactor.pending(current.id(), current.email());
    if (pending.isEmpty()) {
      return "redirect:/account#two-factor";
    }
    model.addAttribute("secret", spaced(pending.get().secret()));
    model.addAttribute("uri", pending.get().uri());
    model.addAttribute("qr", QrCodes.svgDataUri(pending.get().uri()));
    return "two-factor";
  }

  @PostMapping("/account/two-factor/confirm")
  String confirm(
      @RequestParam(defaultValue = "") String code,
      @AuthenticationPrincipal CurrentAccount current,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    if (!limited(current, request).isZero()) {
      redirect.addFlashAttribute("codeError", "limit");
      return "redirect:/account/two-factor";
    }
    Optional<List<String>> codes = twoFactor.confirm(current.id(), code);
    if (codes.isEmpty()) {
      redirect.addFlashAttribute("codeError", "twoFactor.code.wrong");
      return "redirect:/account/two-factor";
    }
    model.addAttribute("codes", codes.get());
    model.addAttribute("justEnabled", true);
    return "two-factor-codes";
  }

  @PostMapping("/account/two-factor/recovery-codes")
  String recoveryCodes(
      @RequestParam(defaultValue = "") String password,
      @AuthenticationPrincipal CurrentAccount current,
      HttpServletRequest request,
      Model model,
      RedirectAttributes redirect) {
    String refused = refusal(current, request, password, null);
    if (refused != null) {
      redirect.addFlashAttribute("twoFactorError", refused);
      return "redirect:/account#two-factor";
    }
    model.addAttribute("codes", twoFactor.newRecoveryCodes(current.id()));
    model.addAttribute("justEnabled", false);
    return "two-factor-codes";
  }

  @PostMapping("/account/two-factor/disable")
  String disable(
      @RequestParam(defaultValue = "") String password,
      @RequestParam(defaultValue = "") String code,
      @AuthenticationPrincipal CurrentAccount current,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    String refused = refusal(current, request, password, code);
    if (refused != null) {
      redirect.addFlashAttribute("twoFactorError", refused);
    } else {
      twoFactor.disable(current.id());
      redirect.addFlashAttribute("done", "twoFactor.disabled");
    }
    return "redirect:/account#two-factor";
  }

  /** Why a change is refused (a message key), or null: the password, and a code if one is due. */
  private String refusal(
      CurrentAccount current, HttpServletRequest request, String password, String code) {
    if (!limited(current, request).isZero()) {
      return "limit";
    }
    AccountStore.Account account = accounts.byId(current.id()).orElseThrow();
    if (!passwords.matches(password, account.passwordHash())) {
      return "account.password.wrong";
    }
    if (code != null && !twoFactor.check(current.id(), code)) {
      return "twoFactor.code.wrong";
    }
    return null;
  }

  private Duration limited(CurrentAccount current, HttpServletRequest request) {
    return limits.take(
        RateLimits.Action.LOG_IN, "address " + request.getRemoteAddr(), "email " + current.email());
  }

  /** The secret in groups of four, as authenticator apps show it. */
  private static String spaced(String secret) {
    return String.join(" ", secret.split("(?<=\\G.{4})"));
  }
}
