package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Browser;
import social.fedimon.server.testing.Platform;

/**
 * The operator's console in a real browser: the request queue (approve; decline with a reason the
 * admin receives, read back from the outbox), a failed task with its log and a retry, a cancel, and
 * the capacity. An admin who is no operator is refused.
 */
class OperatorConsoleTest {

  static Platform platform;
  static Platform.Node node;
  static String source;
  static Path archive;

  @BeforeAll
  static void start() {
    source = MastodonDatabase.createSource();
    archive = Backups.instanceArchive("operator-console", source);
    platform = new Platform("operator");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void anOperatorReviewsRequestsAndTendsTasks() {
    String admin = platform.account(node, "erin@example.org");
    platform.account(node, Platform.OPERATOR);
    String approve = file(admin, "approve.example");
    String decline = file(admin, "decline.example");
    String failing = file(admin, "failing.example");
    String failingTask = task(admin, failing);
    platform.call(node, "PUT", "/api/v1/instances/" + failing + "/backup", admin, archive);
    platform.awaitTask(
        node,
        admin,
        failingTask,
        Duration.ofSeconds(60),
        t -> t.get("state").asText().equals("failed"));

    try (Browser browser = new Browser(node, "en")) {
      browser.logIn("erin@example.org");
      browser.open("/operator");
      assertThat(browser.find("h1").getText()).isEqualTo("Not allowed");
      // the error page's header is still a signed-in admin's, with no operator's link
      assertThat(navLinks(browser)).containsExactly("Instances", "Account", "Sign out");

      browser.driver().manage().deleteAllCookies();
      browser.open("/");
      assertThat(navLinks(browser)).containsExactly("Log in", "Create an account");
      browser.logIn(Platform.OPERATOR);
      browser.open("/operator");
      assertThat(navLinks(browser)).containsExactly("Instances", "Account", "Operator", "Sign out");
      assertThat(browser.find("#queue-title").getText()).isEqualTo("Requests to review (3)");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();

      browser.clickAndWait(".review[data-domain='approve.example'] form button");
      assertThat(browser.find(".notice").getText()).contains("Approved approve.example");
      assertThat(browser.all(".review[data-domain='approve.example']")).isEmpty();
      assertThat(
              platform
                  .call(node, "GET", "/api/v1/instances/" + approve, admin, null)
                  .json()
                  .get("approvedAt")
                  .isNull())
          .isFalse();

      browser.type(".review[data-domain='decline.example'] input[name=reason]", "no room for now");
      browser.clickAndWait(".review[data-domain='decline.example'] form.decline button");
      assertThat(browser.find(".notice").getText()).contains("Declined decline.example");
      assertThat(
              platform
                  .call(node, "GET", "/api/v1/instances/" + decline, admin, null)
                  .json()
                  .get("declinedAt")
                  .isNull())
          .isFalse();

      // the admin's mail, as the outbox holds it
      browser.clickAndWait("a[href='/operator/outbox']");
      browser.clickAndWait(
          browser
              .driver()
              .findElement(By.linkText("Your request for decline.example was declined")));
      assertThat(browser.find("pre.mail").getText()).contains("Our reason: no room for now");

      // the failed migration: its problem, its log, and a retry from a step
      browser.open("/operator");
      assertThat(browser.find("#capacity-title + dl").getText()).contains("Tenant databases");
      browser.open("/operator/tasks/" + failingTask);
      assertThat(browser.find("#task-state").getText()).isEqualTo("Failed");
      assertThat(browser.text()).contains("LOCAL_DOMAIN is example.social");
      assertThat(browser.find("#task-log").getText()).contains("receive");
      browser.clickAndWait("form.retry button");
      assertThat(browser.find(".notice").getText()).isEqualTo("The task is queued again.");
      browser.screenshot("operator-task");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();

      // the instance as an operator sees it, from the list of every instance
      browser.open("/operator");
      browser.clickAndWait("a[href='/operator/instances/" + failing + "']");
      assertThat(browser.find("h1").getText()).startsWith("failing.example");
      assertThat(browser.find("#facts").getText()).contains("erin@example.org");
      assertThat(browser.find("#cluster").getText()).contains("No cluster is configured");
      assertThat(browser.find("#instance-tasks").getText()).contains("Migration");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();

      // cancel a migration that waits for its backup
      String waiting = task(admin, approve);
      browser.open("/operator/tasks/" + waiting);
      browser.clickAndWait("form[action$='/cancel'] button");
      assertThat(browser.find(".notice").getText()).contains("The cancel is asked");
      platform.awaitTask(
          node,
          admin,
          waiting,
          Duration.ofSeconds(30),
          t -> t.get("state").asText().equals("cancelled"));
      browser.open("/operator/tasks/" + waiting);
      assertThat(browser.find("#task-state").getText()).isEqualTo("Cancelled");
    }
  }

  private static String file(String admin, String domain) {
    Platform.Answer filed =
        platform.call(node, "POST", "/api/v1/instances", admin, Map.of("localDomain", domain));
    assertThat(filed.status()).as(filed.body()).isEqualTo(201);
    return filed.json().get("id").asText();
  }

  private static String task(String admin, String instance) {
    return platform
        .call(node, "GET", "/api/v1/instances/" + instance, admin, null)
        .json()
        .get("tasks")
        .get(0)
        .get("id")
        .asText();
  }

  /** The header's links and buttons, not its languages. */
  private static java.util.List<String> navLinks(Browser browser) {
    return browser.all(".site-nav > a, .site-nav form button").stream()
        .map(org.openqa.selenium.WebElement::getText)
        .toList();
  }
}
