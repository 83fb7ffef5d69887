package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;

/**
 * Two nodes on one platform database, as behind a load balancer that does not pin a client to a
 * node: a log-in on one is a log-in on the other, and so is a log-out. (The browser sends its
 * cookies to both, as they differ only by port.)
 */
class SessionsAcrossNodesTest {

  static Platform platform;
  static Platform.Node first;
  static Platform.Node second;

  @BeforeAll
  static void start() {
    platform = new Platform("sessions");
    first = platform.start();
    second = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aSessionMadeOnOneNodeWorksOnTheOther() {
    platform.account(first, "jo@example.org");
    try (Browser browser = new Browser(first, "en")) {
      browser.logIn("jo@example.org");
      assertThat(browser.path()).isEqualTo("/instances");

      browser.open(second.base().resolve("/account").toString());
      assertThat(browser.path()).isEqualTo("/account");
      assertThat(browser.find("#account-email").getText()).isEqualTo("jo@example.org");

      // a form posted to the second node carries the token the session holds
      browser.clickAndWait("header form.inline button");
      assertThat(browser.path()).isEqualTo("/login");
      browser.open(first.base().resolve("/instances").toString());
      assertThat(browser.path()).as("logged out on both").isEqualTo("/login");
    }
  }
}
