package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import social.fedimon.engine.testing.Gpg;
import social.fedimon.engine.testing.Tools;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;

/**
 * The account page in Chromium: the language of pages and mails, the password, the OpenPGP key
 * (keys made by gpg: a good one shows its fingerprint; expired, revoked and sign-only ones are
 * refused, each saying why), and personal access tokens shown once, then revoked.
 */
class AccountPageTest {

  static Platform platform;
  static Platform.Node node;

  @BeforeAll
  static void start() {
    platform = new Platform("account");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void anAdminKeepsTheirAccount(@TempDir Path dir) throws Exception {
    platform.account(node, "fay@example.org");
    Map<String, String> gpg = Gpg.homeWithAdminKey(dir);
    Tools.sh(dir, gpg, "gpg -q --batch --armor --export " + Gpg.ADMIN + " > good.asc");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --passphrase '' --quick-gen-key 'Signer <signer@example.org>' ed25519 sign never"
            + " && gpg -q --batch --armor --export signer@example.org > sign-only.asc");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --faked-system-time 20200101T000000 --passphrase ''"
            + " --quick-gen-key 'Old <old@example.org>' future-default default 1d"
            + " && gpg -q --batch --armor --export old@example.org > expired.asc");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --passphrase '' --quick-gen-key 'Gone <gone@example.org>' future-default default never"
            + " && fpr=$(gpg --batch --with-colons --list-keys gone@example.org | awk -F: '/^fpr/ {print $10; exit}')"
            + " && sed 's/^:-----BEGIN/-----BEGIN/' \"$GNUPGHOME/openpgp-revocs.d/$fpr.rev\" > rev.asc"
            + " && gpg -q --batch --import rev.asc"
            + " && gpg -q --batch --armor --export gone@example.org > revoked.asc");

    try (Browser browser = new Browser(node, "en")) {
      browser.logIn("fay@example.org");
      browser.clickAndWait("a[href='/account']");
      assertThat(browser.find("#account-email").getText()).isEqualTo("fay@example.org");

      // OpenPGP keys: refused with the reason, or shown
      paste(browser, "not a key at all");
      assertThat(browser.find("#pgp .alert").getText()).contains("armored");
      paste(browser, Files.readString(dir.resolve("sign-only.asc")));
      assertThat(browser.find("#pgp .alert").getText()).contains("cannot encrypt");
      paste(browser, Files.readString(dir.resolve("expired.asc")));
      assertThat(browser.find("#pgp .alert").getText()).contains("expired");
      paste(browser, Files.readString(dir.resolve("revoked.asc")));
      assertThat(browser.find("#pgp .alert").getText()).contains("revoked");
      assertThat(browser.all("#pgp-key")).isEmpty();
      paste(browser, Files.readString(dir.resolve("good.asc")));
      assertThat(browser.find(".notice").getText()).isEqualTo("Your OpenPGP key is saved.");
      String fingerprint =
          Tools.sh(
                  dir,
                  gpg,
                  "gpg --batch --with-colons --list-keys "
                      + Gpg.ADMIN
                      + " | awk -F: '/^fpr/ {print $10; exit}'")
              .strip();
      assertThat(browser.find("#pgp-key code").getText().replace(" ", "")).isEqualTo(fingerprint);
      assertThat(browser.find("#pgp-key").getText())
          .contains("Admin <admin@example.social>")
          .contains("never");

      // a token, shown once, works until revoked
      browser.type("#token-name", "backup script");
      browser.clickAndWait("#token-form button");
      String token = browser.find("#new-token").getText();
      assertThat(token).startsWith("fdm_");
      assertThat(platform.call(node, "GET", "/api/v1/instances", token, null).status())
          .isEqualTo(200);
      browser.open("/account");
      assertThat(browser.all("#new-token")).isEmpty();
      assertThat(browser.find("#tokens table").getText()).contains("backup script");
      browser.clickAndWait(browser.all("#tokens table form button").get(1));
      assertThat(platform.call(node, "GET", "/api/v1/instances", token, null).status())
          .isEqualTo(401);

      // the password: the current one is asked, the new one works at the next log-in
      browser.type("#current", "not my password");
      browser.type("#new-password", "a much longer new password");
      browser.clickAndWait("#password form button");
      assertThat(browser.find("#password .alert").getText()).contains("current password is wrong");
      browser.type("#current", "correct horse battery");
      browser.type("#new-password", "a much longer new password");
      browser.clickAndWait("#password form button");
      assertThat(browser.find(".notice").getText()).isEqualTo("Your password is changed.");
      assertThat(
              platform
                  .call(
                      node,
                      "POST",
                      "/api/v1/tokens",
                      null,
                      Map.of("email", "fay@example.org", "password", "a much longer new password"))
                  .status())
          .isEqualTo(201);

      // the language: the page, and the account's mails from now on
      browser.find("#language option[value=fr]").click();
      browser.clickAndWait("#language-title + form button");
      assertThat(browser.find("h1").getText()).isEqualTo("Votre compte");
      assertThat(browser.find("html").getAttribute("lang")).isEqualTo("fr");
      browser.screenshot("account");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
    }
  }

  private static void paste(Browser browser, String key) {
    // typing a whole key into the field is slow: set it as a paste would
    ((JavascriptExecutor) browser.driver())
        .executeScript("document.getElementById('key').value = arguments[0];", key);
    browser.clickAndWait("#pgp-form button");
  }
}
