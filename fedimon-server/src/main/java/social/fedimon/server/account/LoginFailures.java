package social.fedimon.server.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/** Back to the log-in page, saying why in the query: wrong, not confirmed, or too many tries. */
final class LoginFailures implements AuthenticationFailureHandler {

  @Override
  public void onAuthenticationFailure(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String why;
    if (e instanceof TooManyTries tooMany) {
      why = "tooMany&wait=" + Math.max(1, tooMany.retryAfter().toSeconds());
      response.setHeader("Retry-After", String.valueOf(tooMany.retryAfter().toSeconds()));
    } else if (e instanceof DisabledException) {
      why = "unconfirmed";
    } else {
      why = "wrong";
    }
    response.sendRedirect(request.getContextPath() + "/login?error=" + why);
  }
}
