package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.account.Passwords;
import social.fedimon.server.account.RateLimits;
import social.fedimon.server.infra.PublicUrl;
import social.fedimon.server.mail.Mailer;

/**
 * A forgotten password: a link by mail (one, for an hour), then a new password. The page answers
 * the same whether an account has the address or not.
 */
@Controller
class ResetPages {

  static final Duration LINK_LIFETIME = Duration.ofHours(1);

  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final RateLimits limits;
  private final Mailer mailer;
  private final PublicUrl publicUrl;

  ResetPages(
      AccountStore accounts,
      PasswordEncoder passwords,
      RateLimits limits,
      Mailer mailer,
      PublicUrl publicUrl) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.limits = limits;
    this.mailer = mailer;
    this.publicUrl = publicUrl;
  }

  @GetMapping("/password-reset")
  String ask() {
    return "reset";
  }

  @PostMapping("/password-reset")
  String send(
      @RequestParam(defaultValue = "") String email, HttpServletRequest request, Model model) {
    String address = email.strip().toLowerCase(Locale.ROOT);
    Duration wait =
        limits.take(
            RateLimits.Action.RESET, "address " + request.getRemoteAddr(), "email " + address);
    if (!wait.isZero()) {
      model.addAttribute("wait", Math.max(1, wait.toSeconds()));
      return "reset";
    }
    accounts
        .byEmail(address)
        .ifPresent(
            account ->
                mailer.send(
                    account.email(),
                    Locale.forLanguageTag(account.language()),
                    "reset",
                    Map.of(
                        "link",
                        publicUrl.base()
                            + "/password-reset/new?token="
                            + accounts.newReset(account.id(), LINK_LIFETIME))));
    model.addAttribute("sent", true);
    return "reset";
  }

  @GetMapping("/password-reset/new")
  String choose(
      @RequestParam(defaultValue = "") String token,
      jakarta.servlet.http.HttpServletResponse response,
      Model model) {
    boolean valid = !token.isEmpty() && accounts.byReset(token).isPresent();
    if (!valid) {
      // as an unknown verification link: the page says so, the status too
      response.setStatus(404);
    }
    model.addAttribute("token", token);
    model.addAttribute("valid", valid);
    return "reset-new";
  }

  @PostMapping("/password-reset/new")
  String set(
      @RequestParam(defaultValue = "") String token,
      @RequestParam(defaultValue = "") String password,
      Model model) {
    model.addAttribute("token", token);
    if (!Passwords.acceptable(password)) {
      model.addAttribute("valid", accounts.byReset(token).isPresent());
      model.addAttribute("error", "signup.error.password");
      return "reset-new";
    }
    if (!accounts.reset(token, passwords.encode(password))) {
      model.addAttribute("valid", false);
      return "reset-new";
    }
    return "redirect:/login?reset";
  }
}
