package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Dnsmasq;
import social.fedimon.server.testing.Platform;

/**
 * The admin's first journey in a real browser (Debian's headless Chromium): sign up, confirm the
 * address from the mail, log in, file an instance request (the form's errors first), and find the
 * DNS records to create on the instance's page. In French too.
 */
class ConsoleJourneyTest {

  static Platform platform;
  static Platform.Node node;
  static String source;
  static int dnsPort;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    platform = new Platform("console");
    dnsPort = Dnsmasq.freePort();
    node =
        platform.start(
            "--fedimon.dns.ipv4=192.0.2.10",
            "--fedimon.dns.ipv6=2001:db8::10",
            "--fedimon.dns.resolver=127.0.0.1:" + dnsPort);
  }

  private static String operator;

  /** The operator's token: the account is made by the first test that needs it. */
  private static synchronized String operator() {
    if (operator == null) {
      operator = platform.account(node, Platform.OPERATOR);
    }
    return operator;
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void anAdminRequestsAnExportAndThePageFollowsItToTheLink() throws Exception {
    String admin = platform.account(node, "bob@example.org");
    Platform.Migration migration =
        platform.migrate(
            node, admin, operator(), Backups.instanceArchive("console-export", source));
    platform.awaitEnd(node, admin, migration.task(), Duration.ofSeconds(120));

    try (Browser browser = new Browser(node, "en")) {
      browser.logIn("bob@example.org");
      browser.clickAndWait("main a[href='/instances/" + migration.instance() + "']");
      // no cluster: the page says nothing runs, and what an operator runs to apply the objects
      assertThat(browser.find(".badge").getText()).isEqualTo("Ready to apply");
      assertThat(browser.find("#ready-to-apply").getText())
          .contains("nothing runs until an operator applies them")
          .contains("apply.sh");

      List<String> a11y = new java.util.ArrayList<>(browser.accessibilityProblems());
      // the pre-flight report, for a person
      browser.clickAndWait("#pre-flight");
      a11y.addAll(browser.accessibilityProblems());
      assertThat(browser.find("#verdict").getText()).isEqualTo("Your backup can be restored.");
      assertThat(browser.find("#release").getText())
          .matches("Its schema is that of \\S+ [0-9.]+, .*");
      assertThat(browser.text())
          .contains("Your database was made by PostgreSQL")
          .doesNotContain("??");
      for (WebElement finding : browser.all(".findings li")) {
        assertThat(finding.findElement(By.cssSelector(".advice")).getText()).isNotBlank();
      }
      browser.screenshot("journey-report");
      browser.driver().navigate().back();

      browser.clickAndWait("#exports-title + form button");
      assertThat(browser.path()).startsWith("/tasks/");
      assertThat(browser.find("h1").getText()).isEqualTo("Export archive");
      // the page follows the task by itself (server-sent events, htmx) until the link shows
      // once the task has ended the page is shown again whole, without the live stream
      WebElement link =
          browser.await(
              Duration.ofSeconds(120),
              d -> {
                List<WebElement> links = d.findElements(By.cssSelector("a.download"));
                return links.isEmpty() || !d.findElements(By.cssSelector("[sse-connect]")).isEmpty()
                    ? null
                    : links.get(0);
              });
      assertThat(browser.find(".task-panel").getAttribute("data-state")).isEqualTo("succeeded");
      assertThat(browser.text()).containsPattern("Your export archive is ready: [0-9.]+ [kMG]?B");
      assertThat(link.getText()).contains("example.social");
      browser.screenshot("journey-export");
      a11y.addAll(browser.accessibilityProblems());

      // the link downloads the archive with the session's cookie
      String cookie = browser.driver().manage().getCookieNamed("SESSION").getValue();
      HttpResponse<byte[]> archive =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(link.getAttribute("href")))
                      .header("Cookie", "SESSION=" + cookie)
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(archive.statusCode()).isEqualTo(200);
      assertThat(archive.body().length).isGreaterThan(1000);
      // and not without it
      HttpResponse<byte[]> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(link.getAttribute("href"))).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(anonymous.statusCode()).isNotEqualTo(200);

      // the instance page lists the export with its size
      browser.open("/instances/" + migration.instance());
      assertThat(browser.find("#exports-title ~ table").getText()).contains("Done");
      assertThat(a11y).as("axe-core: serious or critical findings").isEmpty();
    }
  }

  @Test
  void anAdminSignsUpAndRequestsAnInstance() throws Exception {
    List<String> a11y = new java.util.ArrayList<>();
    try (Browser browser = new Browser(node, "en")) {
      browser.open("/");
      a11y.addAll(browser.accessibilityProblems());
      browser.clickAndWait("a[href='/signup']");
      a11y.addAll(browser.accessibilityProblems());
      browser.type("#email", "Alice@Example.org");
      browser.type("#password", "short");
      browser.clickAndWait("main form button[type=submit]");
      assertThat(browser.find(".field.invalid .error").getText()).contains("10");

      browser.type("#password", "correct horse battery");
      browser.clickAndWait("main form button[type=submit]");
      assertThat(browser.find("h1").getText()).isEqualTo("Check your mail");
      a11y.addAll(browser.accessibilityProblems());
      assertThat(browser.text()).contains("alice@example.org");

      // logging in before confirming says what to do
      browser.logIn("alice@example.org");
      assertThat(browser.find(".alert").getText()).contains("Confirm your email address");
      a11y.addAll(browser.accessibilityProblems());

      browser.open(platform.verificationLink("alice@example.org"));
      assertThat(browser.text()).contains("Your email address is confirmed");

      browser.clickAndWait("main a[href='/login']");
      browser.type("#email", "alice@example.org");
      browser.type("#password", "correct horse battery");
      browser.clickAndWait("main form button[type=submit]");
      assertThat(browser.path()).isEqualTo("/instances");
      assertThat(browser.text()).contains("You have no instance yet");
      a11y.addAll(browser.accessibilityProblems());

      browser.clickAndWait("a[href='/instances/new']");
      browser.type("#localDomain", "not a domain");
      browser.type("#version", "");
      browser.clickAndWait("main form button[type=submit]");
      assertThat(browser.find(".alert").getText()).contains("Some fields need a change");
      a11y.addAll(browser.accessibilityProblems());
      assertThat(browser.find("#localDomain").findElement(By.xpath("..")).getText())
          .contains("This is not a domain name");
      assertThat(browser.find("#version").findElement(By.xpath("..")).getText())
          .contains("Give the version running now");

      browser.type("#localDomain", "café.example");
      browser.type("#webDomain", "social.café.example");
      browser.type("#version", "4.3.2");
      browser.type("#accounts", "120");
      browser.clickAndWait("main form button[type=submit]");
      assertThat(browser.path()).startsWith("/instances/");
      String instancePath = browser.path();
      assertThat(browser.find("h1").getText()).isEqualTo("café.example");
      assertThat(browser.text()).contains("xn--caf-dma.example");
      String records = browser.find("#dns table").getText();
      assertThat(records)
          .contains("social.xn--caf-dma.example A 192.0.2.10")
          .contains("social.xn--caf-dma.example AAAA 2001:db8::10")
          .contains("xn--caf-dma.example A 192.0.2.10")
          .contains("_fedimon.xn--caf-dma.example TXT fedimon-verification=");
      assertThat(browser.find(".timeline").getText()).contains("Request submitted");
      assertThat(browser.all("#dns tbody tr[data-verdict=unchecked]")).hasSize(5);
      a11y.addAll(browser.accessibilityProblems());
      browser.screenshot("journey-request");

      // the admin sets the records (the TXT value as the page shows it) and checks them
      String txt =
          browser.all("#dns tbody tr").stream()
              .filter(row -> row.getText().contains(" TXT "))
              .findFirst()
              .orElseThrow()
              .findElement(By.cssSelector("code.copy"))
              .getText();
      try (Dnsmasq dns =
          Dnsmasq.start(
              dnsPort,
              List.of("xn--caf-dma.example"),
              List.of(
                  "host-record=social.xn--caf-dma.example,192.0.2.10,2001:db8::10",
                  "host-record=xn--caf-dma.example,192.0.2.66"))) {
        browser.clickAndWait("form.dns-check button");
        assertThat(browser.all("#dns tbody tr[data-verdict=correct]")).hasSize(2);
        assertThat(browser.find("#dns tbody tr[data-verdict=wrong]").getText())
            .contains("found: 192.0.2.66");
        assertThat(browser.all("#dns tbody tr[data-verdict=missing]"))
            .extracting(row -> row.findElements(By.tagName("td")).get(1).getText())
            .containsExactly("AAAA", "TXT");
        assertThat(browser.find(".timeline li[data-milestone=dns]").getAttribute("class"))
            .isEqualTo("current");
      }
      try (Dnsmasq dns =
          Dnsmasq.start(
              dnsPort,
              List.of("xn--caf-dma.example"),
              List.of(
                  "host-record=social.xn--caf-dma.example,192.0.2.10,2001:db8::10",
                  "host-record=xn--caf-dma.example,192.0.2.10,2001:db8::10",
                  "txt-record=_fedimon.xn--caf-dma.example," + txt))) {
        browser.clickAndWait("form.dns-check button");
        assertThat(browser.all("#dns tbody tr[data-verdict=correct]")).hasSize(5);
        assertThat(browser.find("#dns-verified").getText()).contains("Your DNS records are right");
        assertThat(browser.find(".timeline li[data-milestone=dns]").getAttribute("class"))
            .isEqualTo("done");
      }
      browser.screenshot("journey-dns");

      // the page follows the request live: an operator approves it, the timeline says so at once
      ((org.openqa.selenium.JavascriptExecutor) browser.driver())
          .executeScript("window.notReloaded = true;");
      assertThat(browser.find(".timeline li[data-milestone=approved]").getAttribute("class"))
          .isEqualTo("current");
      String instanceId = browser.path().replace("/instances/", "");
      assertThat(
              platform
                  .call(
                      node,
                      "POST",
                      "/api/v1/operator/instances/" + instanceId + "/approve",
                      operator(),
                      null)
                  .status())
          .isEqualTo(200);
      browser.await(
          Duration.ofSeconds(20),
          d ->
              "done"
                  .equals(
                      browser.find(".timeline li[data-milestone=approved]").getAttribute("class")));
      assertThat(
              ((org.openqa.selenium.JavascriptExecutor) browser.driver())
                  .executeScript("return window.notReloaded === true;"))
          .as("updated in place, not reloaded")
          .isEqualTo(true);

      // the migration's page follows the task live: a backup of another domain stops it
      browser.clickAndWait("#follow-migration");
      assertThat(browser.find("h1").getText()).isEqualTo("Migration");
      assertThat(browser.find(".task-panel").getText()).contains("Step: receive");
      String token =
          platform
              .call(
                  node,
                  "POST",
                  "/api/v1/tokens",
                  null,
                  java.util.Map.of(
                      "email", "alice@example.org", "password", "correct horse battery"))
              .json()
              .get("token")
              .asText();
      Platform.Answer sent =
          platform.call(
              node,
              "PUT",
              "/api/v1/instances/" + instancePath.substring(11) + "/backup",
              token,
              Backups.instanceArchive("console-other-domain", source));
      assertThat(sent.status()).as(sent.body()).isEqualTo(200);
      browser.await(
          Duration.ofSeconds(60),
          d ->
              "failed"
                  .equals(d.findElement(By.cssSelector(".task-panel")).getAttribute("data-state")));
      assertThat(browser.find(".task-panel .alert").getText()).contains("example.social");
      a11y.addAll(browser.accessibilityProblems());
      browser.screenshot("journey-backup-refused");

      // the request shows on the list
      browser.open("/instances");
      assertThat(browser.text()).contains("café.example");

      // another account gets a 404 for this instance, as if it did not exist
      String other = platform.account(node, "mallory@example.org");
      HttpResponse<String> stolen =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          node.base().resolve("/api/v1/instances/" + instancePath.substring(11)))
                      .header("Authorization", "Bearer " + other)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(stolen.statusCode()).isEqualTo(404);

      // the same page in French
      browser.open(instancePath + "?lang=fr");
      assertThat(browser.find("#dns-title").getText()).isEqualTo("Enregistrements DNS");
      assertThat(browser.find("html").getAttribute("lang")).isEqualTo("fr");

      browser.clickAndWait(".site-nav form button");
      browser.await(Duration.ofSeconds(10), d -> browser.path().equals("/login"));
      browser.open(instancePath);
      assertThat(browser.path()).isEqualTo("/login");
    }
    assertThat(a11y).as("axe-core: serious or critical findings").isEmpty();
  }
}
