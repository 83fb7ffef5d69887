package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;

/**
 * A forgotten password in Chromium: the same answer whether the address has an account or not, a
 * link by mail that sets a new password once, and the new password logs in.
 */
class PasswordResetTest {

  static Platform platform;
  static Platform.Node node;

  @BeforeAll
  static void start() {
    platform = new Platform("reset");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void aLinkByMailSetsANewPasswordOnce() {
    platform.account(node, "gus@example.org");
    try (Browser browser = new Browser(node, "en")) {
      browser.open("/login");
      browser.clickAndWait("a[href='/password-reset']");
      browser.type("#email", "nobody@example.org");
      browser.clickAndWait("main form button");
      String unknown = browser.find("#reset-sent").getText();

      browser.open("/password-reset");
      browser.type("#email", "gus@example.org");
      browser.clickAndWait("main form button");
      assertThat(browser.find("#reset-sent").getText()).isEqualTo(unknown);

      String link = platform.mailLink("gus@example.org", "/password-reset/new?token=");
      browser.open(link);
      browser.type("#password", "short");
      browser.clickAndWait("main form button");
      assertThat(browser.find(".alert").getText()).contains("10");
      browser.type("#password", "my brand new password");
      browser.clickAndWait("main form button");
      assertThat(browser.path()).isEqualTo("/login");
      assertThat(browser.find("#reset-done").getText()).contains("Your password is set");

      browser.type("#email", "gus@example.org");
      browser.type("#password", "my brand new password");
      browser.clickAndWait("main form button[type=submit]");
      assertThat(browser.path()).isEqualTo("/instances");

      // the link is spent
      browser.open(link);
      assertThat(browser.find("#reset-invalid").getText()).contains("already used");
    }
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/tokens",
                    null,
                    java.util.Map.of(
                        "email", "gus@example.org", "password", "correct horse battery"))
                .status())
        .isEqualTo(401);
  }
}
