package social.fedimon.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.server.testing.Platform;

/**
 * What every page answers with, over real HTTP: a content security policy with no inline script,
 * frame denial, no sniffing; HSTS only when the request came over https, which a reverse proxy on a
 * trusted address says with X-Forwarded-Proto (the node sees loopback, as behind a proxy on the
 * same machine). Request bodies are bounded.
 */
class SecurityHeadersTest {

  static Platform platform;
  static Platform.Node node;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    platform = new Platform("headers");
    node = platform.start();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void pagesForbidInlineScriptAndFraming() throws Exception {
    HttpResponse<String> login = get("/login", false);
    assertThat(login.statusCode()).isEqualTo(200);
    String csp = login.headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp)
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(login.body()).doesNotContain("<script>").doesNotContain(" onclick=");
  }

  @Test
  void hstsOnlyOverHttps() throws Exception {
    assertThat(get("/login", false).headers().firstValue("Strict-Transport-Security")).isEmpty();
    HttpResponse<String> https = get("/login", true);
    assertThat(https.headers().firstValue("Strict-Transport-Security").orElse(""))
        .contains("max-age=");
    // and the log-in's redirects stay on https
    HttpResponse<String> redirect = get("/instances", true);
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Location").orElse("")).startsWith("https://");
  }

  @Test
  void bodiesAreBoundedWithOrWithoutALength() throws Exception {
    String token = platform.account(node, "big@example.org");
    String instance =
        platform
            .call(
                node,
                "POST",
                "/api/v1/instances",
                token,
                java.util.Map.of("localDomain", "big.example"))
            .json()
            .get("id")
            .asText();
    byte[] big = ("{\"passwords\": [\"" + "x".repeat(1 << 20) + "\"]}").getBytes();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.base().resolve("/api/v1/instances/" + instance + "/secrets"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json");
    HttpResponse<String> announced =
        HTTP.send(
            request.POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(announced.statusCode()).isEqualTo(413);
    assertThat(announced.body()).contains("\"code\":\"invalid-request\"").contains("over 1 MiB");
    // chunked: no length to refuse it by, so it is cut off where it passes the bound
    HttpResponse<String> chunked =
        HTTP.send(
            request
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    // a body within the bound goes through
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/instances/" + instance + "/secrets",
                    token,
                    java.util.Map.of("passwords", java.util.List.of("x".repeat(1000))))
                .status())
        .isEqualTo(200);
  }

  /**
   * Static files may be kept for a year, so a page view is one request, not five: the console's own
   * are linked with their content's digest (a changed file is a new URL), the WebJars with their
   * versions. Pages themselves are never stored.
   */
  @Test
  void staticFilesAreVersionedAndKept() throws Exception {
    HttpResponse<String> login = get("/login", false);
    assertThat(login.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
    java.util.regex.Matcher css =
        java.util.regex.Pattern.compile("href=\"(/css/fedimon\\.css\\?v=([0-9a-f]{10}))\"")
            .matcher(login.body());
    assertThat(css.find()).as("the stylesheet's link carries a version").isTrue();
    HttpResponse<byte[]> file =
        HTTP.send(
            HttpRequest.newBuilder(node.base().resolve(css.group(1))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.headers().firstValue("Cache-Control").orElse(""))
        .contains("max-age=31536000")
        .doesNotContain("no-store");
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(file.body());
    assertThat(css.group(2))
        .as("the version is the served file's digest")
        .isEqualTo(java.util.HexFormat.of().formatHex(digest, 0, 5));
    java.util.regex.Matcher webjar =
        java.util.regex.Pattern.compile("src=\"(/webjars/[^\"]+)\"").matcher(login.body());
    assertThat(webjar.find()).isTrue();
    assertThat(get(webjar.group(1), false).headers().firstValue("Cache-Control").orElse(""))
        .contains("max-age=31536000");
  }

  private static HttpResponse<String> get(String path, boolean https) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.base().resolve(path));
    if (https) {
      request.header("X-Forwarded-Proto", "https");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
