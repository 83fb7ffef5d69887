package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import social.fedimon.server.account.AccountStore;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.account.Passwords;
import social.fedimon.server.account.PgpKeys;
import social.fedimon.server.account.RateLimits;
import social.fedimon.server.account.TwoFactor;
import social.fedimon.server.mail.Mailer;

/**
 * The account page: email, language (of the pages and the mails), password, two-factor log-in
 * ({@link TwoFactorPages}), the OpenPGP key exports are encrypted to, and personal access tokens
 * for the API.
 */
@Controller
class AccountPages {

  private final AccountStore accounts;
  private final PgpKeys pgpKeys;
  private final PasswordEncoder passwords;
  private final RateLimits limits;
  private final LocaleResolver locales;
  private final TwoFactor twoFactor;

  AccountPages(
      AccountStore accounts,
      PgpKeys pgpKeys,
      PasswordEncoder passwords,
      RateLimits limits,
      LocaleResolver locales,
      TwoFactor twoFactor) {
    this.twoFactor = twoFactor;
    this.accounts = accounts;
    this.pgpKeys = pgpKeys;
    this.passwords = passwords;
    this.limits = limits;
    this.locales = locales;
  }

  @GetMapping("/account")
  String account(@AuthenticationPrincipal CurrentAccount current, Model model) {
    AccountStore.Account account = accounts.byId(current.id()).orElseThrow();
    model.addAttribute("account", account);
    model.addAttribute("pgp", pgpKeys.info(current.id()).orElse(null));
    model.addAttribute("tokens", accounts.tokens(current.id()));
    boolean twoFactorOn = twoFactor.enabled(current.id());
    model.addAttribute("twoFactorOn", twoFactorOn);
    model.addAttribute("recoveryLeft", twoFactorOn ? twoFactor.recoveryCodesLeft(current.id()) : 0);
    return "account";
  }

  @PostMapping("/account/language")
  String language(
      @RequestParam String language,
      @AuthenticationPrincipal CurrentAccount current,
      HttpServletRequest request,
      HttpServletResponse response) {
    if (Mailer.LANGUAGES.contains(language)) {
      accounts.language(current.id(), language);
      locales.setLocale(request, response, Locale.forLanguageTag(language));
    }
    return "redirect:/account";
  }

  @PostMapping("/account/password")
  String password(
      @RequestParam(defaultValue = "") String current,
      @RequestParam(defaultValue = "") String password,
      @AuthenticationPrincipal CurrentAccount who,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    Duration wait =
        limits.take(
            RateLimits.Action.LOG_IN, "address " + request.getRemoteAddr(), "email " + who.email());
    AccountStore.Account account = accounts.byId(who.id()).orElseThrow();
    if (!wait.isZero()) {
      redirect.addFlashAttribute("passwordError", "limit");
    } else if (!passwords.matches(current, account.passwordHash())) {
      redirect.addFlashAttribute("passwordError", "account.password.wrong");
    } else if (!Passwords.acceptable(password)) {
      redirect.addFlashAttribute("passwordError", "signup.error.password");
    } else {
      accounts.password(who.id(), passwords.encode(password));
      redirect.addFlashAttribute("done", "account.password.changed");
    }
    return "redirect:/account#password";
  }

  @PostMapping("/account/pgp-key")
  String pgpKey(
      @RequestParam(defaultValue = "") String key,
      @AuthenticationPrincipal CurrentAccount current,
      RedirectAttributes redirect) {
    try {
      pgpKeys.set(current.id(), key.strip().getBytes(StandardCharsets.UTF_8));
      redirect.addFlashAttribute("done", "account.pgp.saved");
    } catch (IllegalArgumentException e) {
      redirect.addFlashAttribute("pgpError", e.getMessage());
    }
    return "redirect:/account#pgp";
  }

  @PostMapping("/account/pgp-key/remove")
  String removePgpKey(
      @AuthenticationPrincipal CurrentAccount current, RedirectAttributes redirect) {
    pgpKeys.remove(current.id());
    redirect.addFlashAttribute("done", "account.pgp.removed");
    return "redirect:/account#pgp";
  }

  @PostMapping("/account/tokens")
  String newToken(
      @RequestParam(defaultValue = "") String name,
      @AuthenticationPrincipal CurrentAccount current,
      RedirectAttributes redirect) {
    String label = name.isBlank() ? "api" : name.strip();
    if (label.length() > 100) {
      label = label.substring(0, 100);
    }
    // shown once, on the next page only: never stored in clear
    redirect.addFlashAttribute("newToken", accounts.newToken(current.id(), label));
    return "redirect:/account#tokens";
  }

  @PostMapping("/account/tokens/{id}/revoke")
  String revoke(
      @PathVariable UUID id,
      @AuthenticationPrincipal CurrentAccount current,
      RedirectAttributes redirect) {
    if (!accounts.revokeToken(current.id(), id)) {
      throw InstancePages.notFound();
    }
    redirect.addFlashAttribute("done", "account.token.revoked");
    return "redirect:/account#tokens";
  }
}
