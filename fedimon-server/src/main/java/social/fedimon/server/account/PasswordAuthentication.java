package social.fedimon.server.account;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * The console's log-in: email and password, checked against the Argon2id hash, for verified
 * accounts, within the log-in rate limit (per address and per email). The principal is the {@link
 * CurrentAccount}, as with a token. An account with two-factor on gets only {@link #SECOND_FACTOR}
 * until {@link SecondFactorLogIns} has its code.
 */
@Component
public class PasswordAuthentication implements AuthenticationProvider {

  private final AccountStore accounts;
  private final PasswordEncoder passwords;
  private final Operators operators;
  private final RateLimits limits;
  private final TwoFactor twoFactor;

  PasswordAuthentication(
      AccountStore accounts,
      PasswordEncoder passwords,
      Operators operators,
      RateLimits limits,
      TwoFactor twoFactor) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.operators = operators;
    this.limits = limits;
    this.twoFactor = twoFactor;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String email = String.valueOf(authentication.getName()).strip().toLowerCase(Locale.ROOT);
    String password = String.valueOf(authentication.getCredentials());
    String address =
        authentication.getDetails() instanceof WebAuthenticationDetails details
            ? details.getRemoteAddress()
            : "unknown";
    Duration wait = limits.take(RateLimits.Action.LOG_IN, "address " + address, "email " + email);
    if (!wait.isZero()) {
      throw new TooManyTries(wait);
    }
    AccountStore.Account account = accounts.byEmail(email).orElse(null);
    // the same work whether the email exists or not
    boolean matches =
        passwords.matches(
            password, account == null ? Passwords.UNKNOWN_HASH : account.passwordHash());
    if (account == null || !matches) {
      throw new BadCredentialsException("the email or the password is wrong");
    }
    if (!account.verified()) {
      throw new DisabledException("the email address is not confirmed yet");
    }
    if (twoFactor.enabled(account.id())) {
      // half-way: the only page this opens is the one asking for the code
      return UsernamePasswordAuthenticationToken.authenticated(
          new CurrentAccount(account.id(), account.email(), false),
          null,
          List.of(new SimpleGrantedAuthority(SECOND_FACTOR)));
    }
    return authenticated(account, operators);
  }

  /** The authority of a log-in whose password was right and whose second factor is still due. */
  public static final String SECOND_FACTOR = "SECOND_FACTOR_DUE";

  /** The authentication of a known account, with its roles. */
  static UsernamePasswordAuthenticationToken authenticated(
      AccountStore.Account account, Operators operators) {
    boolean operator = operators.isOperator(account.email());
    CurrentAccount current = new CurrentAccount(account.id(), account.email(), operator);
    List<GrantedAuthority> roles =
        operator
            ? List.of(
                new SimpleGrantedAuthority("ROLE_ADMIN"),
                new SimpleGrantedAuthority("ROLE_OPERATOR"))
            : List.of(new SimpleGrantedAuthority("ROLE_ADMIN"));
    return UsernamePasswordAuthenticationToken.authenticated(current, null, roles);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
