package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
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

  /**
   * A session's last use is written at most once a minute (not at every page: a write and a WAL
   * flush per view), and the session still ends when it has not been used for its timeout.
   */
  @Test
  void aSessionsLastUseIsWrittenOnceAMinuteAndItsTimeoutStillHolds() {
    platform.account(first, "kim@example.org");
    JdbcClient db =
        JdbcClient.create(Objects.requireNonNull(first.context()).getBean(DataSource.class));
    try (Browser browser = new Browser(first, "en")) {
      browser.logIn("kim@example.org");
      long loggedIn = lastUse(db, "kim@example.org");
      assertThat(
              db.sql("SELECT max(max_inactive_interval) FROM spring_session")
                  .query(Integer.class)
                  .single())
          .as("FEDIMON_SESSION_TIMEOUT's default, 2 h")
          .isEqualTo(7200);

      browser.open("/account");
      browser.open("/instances");
      assertThat(browser.path()).isEqualTo("/instances");
      assertThat(lastUse(db, "kim@example.org"))
          .as("two pages within the minute")
          .isEqualTo(loggedIn);

      moveBack(db, "kim@example.org", 90_000);
      browser.open("/account");
      assertThat(lastUse(db, "kim@example.org"))
          .as("a page 90 s after the last written use is written")
          .isGreaterThanOrEqualTo(loggedIn);

      // unused for longer than the timeout (2 h): the session is over
      moveBack(db, "kim@example.org", 3 * 3600_000);
      browser.open("/account");
      assertThat(browser.path()).isEqualTo("/login");
    }
  }

  /**
   * A page reads its session from the database once: Spring Session's filter read it a second time
   * when it committed (spring-session#1731), a query per page for nothing. A log-out still ends the
   * session within the request that asked for it.
   */
  @Test
  void aPageReadsItsSessionOnce() {
    platform.account(first, "lu@example.org");
    MeterRegistry registry = Objects.requireNonNull(first.context()).getBean(MeterRegistry.class);
    try (Browser browser = new Browser(first, "en")) {
      browser.logIn("lu@example.org");
      for (String page : List.of("/instances", "/account", "/instances/new")) {
        double before = sessionReads(registry);
        browser.open(page);
        assertThat(browser.path()).isEqualTo(page);
        assertThat(sessionReads(registry) - before).as("session reads for %s", page).isEqualTo(1);
      }
      browser.clickAndWait("header form.inline button");
      assertThat(browser.path()).isEqualTo("/login");
      browser.open("/account");
      assertThat(browser.path()).as("logged out").isEqualTo("/login");
    }
  }

  private static double sessionReads(MeterRegistry registry) {
    return registry.get("fedimon.sessions.reads").counter().count();
  }

  private static long lastUse(JdbcClient db, String email) {
    return db.sql(
            "SELECT s.last_access_time FROM spring_session s JOIN account a"
                + " ON a.id::text = s.principal_name WHERE a.email = ?")
        .param(email)
        .query(Long.class)
        .single();
  }

  private static void moveBack(JdbcClient db, String email, long millis) {
    db.sql(
            "UPDATE spring_session s SET last_access_time = last_access_time - ?,"
                + " expiry_time = expiry_time - ? FROM account a"
                + " WHERE a.id::text = s.principal_name AND a.email = ?")
        .params(millis, millis, email)
        .update();
  }
}
