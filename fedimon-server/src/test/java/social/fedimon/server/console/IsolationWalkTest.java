package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import social.fedimon.server.testing.Platform;

/**
 * Every route Spring reports, walked as a second account with the first account's instance and
 * task: the answer is the one an object that does not exist gets (a 404 where the route reads one),
 * never a success, on pages and API alike. A new route with a path variable this walk does not know
 * fails it, so none is forgotten.
 */
class IsolationWalkTest {

  static Platform platform;
  static Platform.Node node;

  @BeforeAll
  static void start() {
    platform = new Platform("isolation");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  record Route(String method, String pattern) implements Comparable<Route> {
    @Override
    public int compareTo(Route o) {
      return (pattern + method).compareTo(o.pattern + o.method);
    }
  }

  @Test
  void anotherAccountGetsWhatANonexistentObjectGets() throws Exception {
    String owner = platform.account(node, "owner@example.org");
    Platform.Answer filed =
        platform.call(
            node, "POST", "/api/v1/instances", owner, Map.of("localDomain", "owner.example"));
    assertThat(filed.status()).isEqualTo(201);
    String instance = filed.json().get("id").asText();
    String task = filed.json().get("tasks").get(0).get("id").asText();
    assertThat(platform.call(node, "GET", "/api/v1/instances/" + instance, owner, null).status())
        .isEqualTo(200);

    String other = platform.account(node, "other@example.org");
    Session session = Session.logIn(node, "other@example.org", "correct horse battery");

    Set<Route> routes = new TreeSet<>();
    RequestMappingHandlerMapping mapping =
        Objects.requireNonNull(node.context())
            .getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
    for (var handler : mapping.getHandlerMethods().entrySet()) {
      RequestMappingInfo info = handler.getKey();
      if (handler.getValue().getBeanType().getName().startsWith("org.springdoc.")) {
        continue; // the API's description: public, no account's data
      }
      Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
      for (String pattern : info.getPatternValues()) {
        if (methods.isEmpty()) {
          routes.add(new Route("GET", pattern));
        }
        methods.forEach(m -> routes.add(new Route(m.name(), pattern)));
      }
    }
    assertThat(routes).as("the walk sees the routes").hasSizeGreaterThan(20);

    List<String> walked = new ArrayList<>();
    List<String> leaks = new ArrayList<>();
    for (Route route : routes) {
      String pattern = route.pattern();
      Matcher variable = Pattern.compile("\\{([^}]+)}").matcher(pattern);
      List<String> names = new ArrayList<>();
      while (variable.find()) {
        names.add(variable.group(1));
      }
      if (names.isEmpty()) {
        continue;
      }
      boolean operators =
          pattern.startsWith("/operator/") || pattern.startsWith("/api/v1/operator/");
      if (operators) {
        // operators' routes refuse this account whatever they name: a file name is as good
        pattern = pattern.replaceAll("\\{name:[^}]*}", "20261202T000000.000Z-x.eml");
        names.removeIf(name -> name.startsWith("name:"));
      }
      // an upload of the instance and a chunk of it: the instance decides whose they are
      pattern = pattern.replace("{upload}", UUID.randomUUID().toString()).replace("{n}", "0");
      names.removeIf(name -> name.equals("upload") || name.equals("n"));
      assertThat(names)
          .as("a route with a path variable this walk does not know: " + route)
          .allMatch("id"::equals);
      boolean api = pattern.startsWith("/api/");
      for (String id : List.of(instance, task)) {
        Answer theirs =
            session.call(route.method(), pattern.replace("{id}", id), api ? other : null);
        Answer none =
            session.call(
                route.method(),
                pattern.replace("{id}", UUID.randomUUID().toString()),
                api ? other : null);
        walked.add(route + " " + theirs.status());
        if (theirs.status() / 100 == 2
            || theirs.status() != none.status()
            || (route.method().equals("GET")
                && !pattern.contains("/operator/")
                && theirs.status() != 404)) {
          leaks.add(
              route
                  + " with "
                  + (id.equals(instance) ? "the instance" : "the task")
                  + ": "
                  + theirs.status()
                  + " (a nonexistent id: "
                  + none.status()
                  + ") "
                  + theirs.body().substring(0, Math.min(200, theirs.body().length())));
        }
      }
    }
    assertThat(leaks).as("walked: " + walked).isEmpty();
    assertThat(walked).as("routes with an id").hasSizeGreaterThan(30);

    // lists show only one's own
    assertThat(platform.call(node, "GET", "/api/v1/instances", other, null).body())
        .doesNotContain(instance);
    assertThat(session.call("GET", "/instances", null).body()).doesNotContain("owner.example");
  }

  @Test
  void theApiIsDescribedWithOpenApi() {
    Platform.Answer docs = platform.call(node, "GET", "/v3/api-docs", null, null);
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.json().path("openapi").asText()).startsWith("3.");
    assertThat(docs.json().path("info").path("title").asText()).isEqualTo("FédiMon API");
    List<String> paths = new ArrayList<>();
    docs.json().path("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .contains(
            "/api/v1/instances",
            "/api/v1/instances/{id}",
            "/api/v1/instances/{id}/backup",
            "/api/v1/instances/{id}/dns-check",
            "/api/v1/instances/{id}/exports",
            "/api/v1/tasks/{id}/events")
        .allMatch(path -> path.startsWith("/api/v1/"));
    assertThat(docs.json().at("/components/securitySchemes/token/scheme").asText())
        .isEqualTo("bearer");
    // the principal is the token's account, never a parameter
    assertThat(docs.body()).doesNotContain("CurrentAccount");
  }

  /** An answer's status and body. */
  record Answer(int status, String body) {}

  /** A browser-like client: a session cookie from the log-in form, and its CSRF token. */
  static final class Session {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    final HttpClient http;
    final URI base;
    String csrf;

    private Session(URI base) {
      this.base = base;
      this.http =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager())
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
    }

    static Session logIn(Platform.Node node, String email, String password) throws Exception {
      Session session = new Session(node.base());
      session.csrf = session.token("/login");
      Answer login =
          session.form("/login", "email=" + email + "&password=" + password.replace(' ', '+'));
      assertThat(login.status()).isEqualTo(302);
      session.csrf = session.token("/instances/new");
      return session;
    }

    private String token(String page) throws Exception {
      Matcher m = CSRF.matcher(call("GET", page, null).body());
      assertThat(m.find()).as("a CSRF field on " + page).isTrue();
      return m.group(1);
    }

    Answer form(String path, String body) throws Exception {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(body + "&_csrf=" + csrf))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    }

    /** A request as the page would make it (with the session) or the API (with the token). */
    Answer call(String method, String path, String token) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      } else {
        request.header("X-CSRF-TOKEN", csrf == null ? "" : csrf);
      }
      HttpRequest.BodyPublisher body =
          method.equals("GET") || method.equals("DELETE")
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString("{}");
      request.header("Content-Type", "application/json").method(method, body);
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
  }
}
