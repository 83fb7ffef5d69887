package social.fedimon.server.console;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import social.fedimon.engine.FedimonVersion;

/** What every page's layout shows: the version, and the path its language links point to. */
@ControllerAdvice(basePackages = {"social.fedimon.server.console", "social.fedimon.server.home"})
class PageModel {

  @ModelAttribute("version")
  String version() {
    return FedimonVersion.current();
  }

  @ModelAttribute("path")
  String path(HttpServletRequest request) {
    return request.getRequestURI().substring(request.getContextPath().length());
  }
}
