package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.account.Passwords;
import social.fedimon.server.account.RateLimits;
import social.fedimon.server.account.SignUps;

/** Sign-up, its confirmation link, and the log-in page (Spring Security checks the form). */
@Controller
class AuthPages {

  private final SignUps signUps;
  private final AccountStore accounts;
  private final RateLimits limits;

  AuthPages(SignUps signUps, AccountStore accounts, RateLimits limits) {
    this.signUps = signUps;
    this.accounts = accounts;
    this.limits = limits;
  }

  @GetMapping("/signup")
  String signUpForm(Model model) {
    model.addAttribute("email", "");
    model.addAttribute("errors", Map.of());
    return "signup";
  }

  @PostMapping("/signup")
  String signUp(
      @RequestParam(defaultValue = "") String email,
      @RequestParam(defaultValue = "") String password,
      HttpServletRequest request,
      Locale locale,
      Model model) {
    String address = email.strip().toLowerCase(Locale.ROOT);
    Map<String, String> errors = new LinkedHashMap<>();
    if (!address.matches("[^@\\s]{1,64}@[^@\\s]{1,189}") || address.length() > 254) {
      errors.put("email", "signup.error.email");
    }
    if (!Passwords.acceptable(password)) {
      errors.put("password", "signup.error.password");
    }
    model.addAttribute("email", email);
    model.addAttribute("errors", errors);
    if (!errors.isEmpty()) {
      return "signup";
    }
    Duration wait = limits.take(RateLimits.Action.SIGN_UP, "address " + request.getRemoteAddr());
    if (!wait.isZero()) {
      model.addAttribute("wait", Math.max(1, wait.toSeconds()));
      return "signup";
    }
    if (!signUps.signUp(address, password, locale)) {
      errors.put("email", "signup.error.taken");
      return "signup";
    }
    model.addAttribute("email", address);
    return "signup-sent";
  }

  @GetMapping("/accounts/verify")
  String verify(
      @RequestParam(defaultValue = "") String token,
      jakarta.servlet.http.HttpServletResponse response,
      Model model) {
    boolean verified = !token.isEmpty() && accounts.verify(token);
    if (!verified) {
      response.setStatus(404);
    }
    model.addAttribute("verified", verified);
    return "verified";
  }

  @GetMapping("/login")
  String login(
      @RequestParam(required = false) @Nullable String error,
      @RequestParam(required = false) @Nullable String wait,
      Model model) {
    model.addAttribute("error", error);
    model.addAttribute("wait", wait);
    return "login";
  }
}
