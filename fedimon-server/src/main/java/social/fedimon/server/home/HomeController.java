package social.fedimon.server.home;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The public home page: what FédiMon is and how moving an instance in works. */
@Controller
class HomeController {

  static final String VIEW = "home";

  @GetMapping("/")
  String home(Model model) {
    return VIEW;
  }
}
