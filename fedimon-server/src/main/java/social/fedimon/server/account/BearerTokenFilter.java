package social.fedimon.server.account;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import social.fedimon.server.api.ApiErrors;

/** {@code Authorization: Bearer TOKEN}: a personal access token names the account. */
final class BearerTokenFilter extends OncePerRequestFilter {

  private final AccountStore accounts;
  private final Operators operators;

  BearerTokenFilter(AccountStore accounts, Operators operators) {
    this.accounts = accounts;
    this.operators = operators;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      chain.doFilter(request, response);
      return;
    }
    String secret = header.substring(7).strip();
    var account = secret.isEmpty() ? null : accounts.byToken(secret).orElse(null);
    if (account == null) {
      ApiErrors.write(response, HttpStatus.UNAUTHORIZED, "unauthorized", "this token is not valid");
      return;
    }
    var authentication = PasswordAuthentication.authenticated(account, operators);
    SecurityContextHolder.getContext().setAuthentication(authentication);
    try {
      chain.doFilter(request, response);
    } finally {
      SecurityContextHolder.clearContext();
    }
  }
}
