package social.fedimon.server.account;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * After a right password: the page asking for the second factor when the account has one, else the
 * page that was asked for before the log-in, or the dashboard.
 */
final class LoginSuccess implements AuthenticationSuccessHandler {

  private final SavedRequestAwareAuthenticationSuccessHandler full =
      new SavedRequestAwareAuthenticationSuccessHandler();

  LoginSuccess() {
    full.setDefaultTargetUrl("/instances");
  }

  @Override
  public void onAuthenticationSuccess(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication)
      throws IOException, ServletException {
    if (SecondFactorLogIns.due(authentication)) {
      response.sendRedirect(request.getContextPath() + "/login/code");
    } else {
      full.onAuthenticationSuccess(request, response, authentication);
    }
  }
}
