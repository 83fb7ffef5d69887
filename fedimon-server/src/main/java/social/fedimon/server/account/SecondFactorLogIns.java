package social.fedimon.server.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Component;

/**
 * The second half of a log-in with two-factor on: the code (or a recovery code) turns the half-way
 * authentication into the account's own, in a new session id, within the log-in rate limit.
 */
@Component
public class SecondFactorLogIns {

  /** What a code gave. */
  public sealed interface Outcome {
    /** Logged in; go on to {@code target}. */
    record LoggedIn(String target) implements Outcome {}

    /** The code is wrong or spent. */
    record Wrong() implements Outcome {}

    /** Too many tries: wait. */
    record Wait(Duration retryAfter) implements Outcome {}
  }

  private final AccountStore accounts;
  private final Operators operators;
  private final RateLimits limits;
  private final TwoFactor twoFactor;
  private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
  private final RequestCache requests = new HttpSessionRequestCache();

  SecondFactorLogIns(
      AccountStore accounts, Operators operators, RateLimits limits, TwoFactor twoFactor) {
    this.accounts = accounts;
    this.operators = operators;
    this.limits = limits;
    this.twoFactor = twoFactor;
  }

  /** Whether this authentication waits for its second factor. */
  public static boolean due(@Nullable Authentication authentication) {
    return authentication != null
        && authentication.getAuthorities().stream()
            .anyMatch(a -> PasswordAuthentication.SECOND_FACTOR.equals(a.getAuthority()));
  }

  /** Checks the code of the half-way authentication in this request's security context. */
  public Outcome logIn(String code, HttpServletRequest request, HttpServletResponse response) {
    Authentication pending = SecurityContextHolder.getContext().getAuthentication();
    if (!due(pending) || !(pending.getPrincipal() instanceof CurrentAccount who)) {
      return new Outcome.Wrong();
    }
    Duration wait =
        limits.take(
            RateLimits.Action.LOG_IN, "address " + request.getRemoteAddr(), "email " + who.email());
    if (!wait.isZero()) {
      return new Outcome.Wait(wait);
    }
    AccountStore.Account account = accounts.byId(who.id()).orElse(null);
    if (account == null || !twoFactor.check(account.id(), code)) {
      return new Outcome.Wrong();
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(PasswordAuthentication.authenticated(account, operators));
    SecurityContextHolder.setContext(context);
    request.changeSessionId();
    contexts.saveContext(context, request, response);
    SavedRequest saved = requests.getRequest(request, response);
    requests.removeRequest(request, response);
    return new Outcome.LoggedIn(saved == null ? "/instances" : saved.getRedirectUrl());
  }
}
