package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;
import social.fedimon.server.testing.TestClock;

/**
 * Two-factor log-in in Chromium and through the API: set up from the account page by scanning the
 * QR code (decoded here with ZXing from the browser's own rendering) or typing the key; a log-in
 * then asks for the code, refuses a wrong or replayed one, takes a recovery code once; the API's
 * tokens need the code too; turning it off asks for the password and a code. The server's clock is
 * moved by the test rather than waited for.
 */
class TwoFactorTest {

  static Platform platform;
  static Platform.Node node;
  static TestClock.Shifted clock;

  @BeforeAll
  static void start() {
    platform = new Platform("twofactor");
    node = platform.start(TestClock.ARGUMENT);
    clock = node.context().getBean(TestClock.Shifted.class);
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void anAdminTurnsTwoFactorOnAndLogsInWithIt() throws Exception {
    String email = "gus@example.org";
    platform.account(node, email);
    try (Browser browser = new Browser(node, "en")) {
      browser.logIn(email);
      assertThat(browser.path()).isEqualTo("/instances");
      browser.open("/account");
      assertThat(browser.find("#two-factor-state").getText()).contains("off");
      browser.clickAndWait("#two-factor-start button");
      assertThat(browser.path()).isEqualTo("/account/two-factor");

      // what a phone would scan: the QR code as the browser draws it
      byte[] png = browser.find("img.qr").getScreenshotAs(OutputType.BYTES);
      String scanned = decodeQr(png);
      String secret = browser.find("#totp-secret").getText().replace(" ", "");
      assertThat(scanned)
          .startsWith("otpauth://totp/F%C3%A9diMon%3Agus%40example.org?secret=" + secret)
          .contains("issuer=F%C3%A9diMon");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
      browser.screenshot("two-factor-set-up");

      browser.type("#code", wrong(code(secret, 0)));
      browser.clickAndWait("#confirm-form button");
      assertThat(browser.find(".alert").getText()).contains("wrong");
      String first = code(secret, 0);
      browser.type("#code", first);
      browser.clickAndWait("#confirm-form button");
      List<String> recovery =
          browser.all("#recovery-codes code").stream().map(e -> e.getText()).toList();
      assertThat(recovery).hasSize(10).doesNotHaveDuplicates();
      assertThat(recovery).allMatch(c -> c.matches("[a-z2-9]{5}-[a-z2-9]{5}"));
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
      browser.open("/account");
      assertThat(browser.find("#two-factor-state").getText()).contains("on").contains("10");
      browser.clickAndWait("header form.inline button");

      // the password alone opens nothing but the code's page
      browser.logIn(email);
      assertThat(browser.path()).isEqualTo("/login/code");
      browser.open("/instances");
      assertThat(browser.path()).isEqualTo("/login/code");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
      // the code that turned it on was spent: seen over a shoulder, it does not open the account
      browser.type("#code", first);
      browser.clickAndWait("#code-form button");
      assertThat(browser.find(".alert").getText()).contains("wrong or was already used");
      browser.type("#code", recovery.get(0).toUpperCase(java.util.Locale.ROOT));
      browser.clickAndWait("#code-form button");
      assertThat(browser.path()).isEqualTo("/instances");
      browser.open("/account");
      assertThat(browser.find("#two-factor-state").getText()).contains("9");
      browser.clickAndWait("header form.inline button");

      // a recovery code works once; the next step's code works
      browser.logIn(email);
      browser.type("#code", recovery.get(0));
      browser.clickAndWait("#code-form button");
      assertThat(browser.path()).isEqualTo("/login/code");
      clock.advance(Duration.ofSeconds(30));
      browser.type("#code", code(secret, 0));
      browser.clickAndWait("#code-form button");
      assertThat(browser.path()).isEqualTo("/instances");

      // the API's tokens ask for the code too
      Map<String, String> login = Map.of("email", email, "password", "correct horse battery");
      Platform.Answer noCode = platform.call(node, "POST", "/api/v1/tokens", null, login);
      assertThat(noCode.status()).isEqualTo(401);
      assertThat(noCode.json().path("detail").asText()).contains("two-factor").contains("\"code\"");
      clock.advance(Duration.ofSeconds(30));
      String apiCode = code(secret, 0);
      Platform.Answer withCode =
          platform.call(
              node,
              "POST",
              "/api/v1/tokens",
              null,
              Map.of("email", email, "password", "correct horse battery", "code", apiCode));
      assertThat(withCode.status()).isEqualTo(201);

      // turning it off asks for the password and a code
      browser.open("/account");
      browser.type("#disable-password", "correct horse battery");
      browser.type("#disable-code", apiCode);
      browser.clickAndWait("#two-factor-disable button");
      assertThat(browser.find("#two-factor .alert").getText()).contains("already used");
      browser.type("#disable-password", "correct horse battery");
      browser.type("#disable-code", recovery.get(1));
      browser.clickAndWait("#two-factor-disable button");
      assertThat(browser.find(".notice").getText()).isEqualTo("Two-factor authentication is off.");
      assertThat(platform.call(node, "POST", "/api/v1/tokens", null, login).status())
          .isEqualTo(201);
      browser.screenshot("two-factor");
    }
  }

  @Test
  void scriptsSetItUpThroughTheApi() throws Exception {
    String email = "hal@example.org";
    String token = platform.account(node, email);
    assertThat(platform.call(node, "GET", "/api/v1/account/two-factor", token, null).json())
        .hasToString("{\"enabled\":false,\"recoveryCodesLeft\":0}");
    assertThat(
            platform
                .call(
                    node, "POST", "/api/v1/account/two-factor/confirm", token, Map.of("code", "1"))
                .json()
                .path("detail")
                .asText())
        .contains("nothing is being set up");
    Platform.Answer started =
        platform.call(node, "POST", "/api/v1/account/two-factor", token, null);
    assertThat(started.status()).isEqualTo(201);
    String secret = started.json().path("secret").asText();
    assertThat(started.json().path("uri").asText()).contains("secret=" + secret);
    // until it is confirmed, the password alone still makes tokens
    Map<String, String> login = Map.of("email", email, "password", "correct horse battery");
    assertThat(platform.call(node, "POST", "/api/v1/tokens", null, login).status()).isEqualTo(201);
    Platform.Answer confirmed =
        platform.call(
            node,
            "POST",
            "/api/v1/account/two-factor/confirm",
            token,
            Map.of("code", code(secret, 0)));
    assertThat(confirmed.status()).isEqualTo(200);
    assertThat(confirmed.json().path("recoveryCodes")).hasSize(10);
    assertThat(platform.call(node, "POST", "/api/v1/tokens", null, login).status()).isEqualTo(401);
    // tokens made before keep working: revoking them is the account page's business
    assertThat(platform.call(node, "GET", "/api/v1/instances", token, null).status())
        .isEqualTo(200);

    Platform.Answer wrongPassword =
        platform.call(
            node,
            "POST",
            "/api/v1/account/two-factor/recovery-codes",
            token,
            Map.of("password", "not it"));
    assertThat(wrongPassword.status()).isEqualTo(403);
    Platform.Answer fresh =
        platform.call(
            node,
            "POST",
            "/api/v1/account/two-factor/recovery-codes",
            token,
            Map.of("password", "correct horse battery"));
    assertThat(fresh.json().path("recoveryCodes")).hasSize(10);
    String old = confirmed.json().path("recoveryCodes").get(0).asText();
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/tokens",
                    null,
                    Map.of("email", email, "password", "correct horse battery", "code", old))
                .status())
        .as("a recovery code of the replaced set")
        .isEqualTo(401);

    Platform.Answer off =
        platform.call(
            node,
            "POST",
            "/api/v1/account/two-factor/disable",
            token,
            Map.of(
                "password",
                "correct horse battery",
                "code",
                fresh.json().path("recoveryCodes").get(3).asText()));
    assertThat(off.status()).isEqualTo(200);
    assertThat(platform.call(node, "POST", "/api/v1/tokens", null, login).status()).isEqualTo(201);
  }

  /** The code an authenticator app shows now (by the server's clock), {@code steps} away. */
  private static String code(String base32, int steps) throws Exception {
    return new TimeBasedOneTimePasswordGenerator()
        .generateOneTimePasswordString(
            new SecretKeySpec(new Base32().decode(base32), "HmacSHA1"),
            clock.instant().plusSeconds(30L * steps));
  }

  /** Another six digits. */
  private static String wrong(String code) {
    return String.format("%06d", (Integer.parseInt(code) + 500_000) % 1_000_000);
  }

  private static String decodeQr(byte[] png) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    int[] pixels =
        image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    return new QRCodeReader()
        .decode(
            new BinaryBitmap(
                new HybridBinarizer(
                    new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels))))
        .getText();
  }
}
