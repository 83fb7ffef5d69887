package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.web.servlet.error.BasicErrorController;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import social.fedimon.engine.FedimonVersion;

/**
 * What every page's layout shows: the version, the path its language links point to, and which
 * links the header offers (signed in as an admin, an operator). The error page has them too.
 */
@ControllerAdvice(
    basePackages = {"social.fedimon.server.console", "social.fedimon.server.home"},
    assignableTypes = BasicErrorController.class)
class PageModel {

  /**
   * The header's links: an admin's or a stranger's. (Not {@code sec:authorize} in the layout: it
   * parses its expression again at every page.)
   */
  @ModelAttribute("nav")
  Nav nav() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !authentication.isAuthenticated()) {
      return new Nav(false, false);
    }
    boolean admin = false;
    boolean operator = false;
    for (GrantedAuthority authority : authentication.getAuthorities()) {
      admin |= "ROLE_ADMIN".equals(authority.getAuthority());
      operator |= "ROLE_OPERATOR".equals(authority.getAuthority());
    }
    return new Nav(admin, admin && operator);
  }

  /** Which links the header shows. */
  public record Nav(boolean admin, boolean operator) {}

  @ModelAttribute("version")
  String version() {
    return FedimonVersion.current();
  }

  @ModelAttribute("path")
  String path(HttpServletRequest request) {
    return request.getRequestURI().substring(request.getContextPath().length());
  }
}
