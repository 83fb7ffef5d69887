package social.fedimon.server.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import social.fedimon.engine.media.ObjectStore;

// Spring Boot turns metrics export off in tests unless asked: we test the real endpoint.
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServerOnEmbeddedDefaultsTest {

  static final Path DATA = TestDataFolders.create("embedded-defaults");

  @DynamicPropertySource
  static void dataFolder(DynamicPropertyRegistry registry) {
    registry.add("fedimon.data-dir", DATA::toString);
  }

  @Autowired TestRestTemplate http;
  @Autowired ObjectStore objectStore;
  @Autowired JavaMailSender mailSender;
  @Autowired ObjectMapper json;

  @Test
  void healthIsUpWithTheDatabaseAndTheObjectStore() throws IOException {
    ResponseEntity<String> response = http.getForEntity("/actuator/health", String.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    JsonNode health = json.readTree(response.getBody());
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
    assertThat(health.at("/components/objectStore/status").asText()).isEqualTo("UP");
  }

  @Test
  void homePageSaysWhatFedimonIsAndHasNoDeadLinks() {
    ResponseEntity<String> page = http.getForEntity("/", String.class);

    assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(page.getBody())
        .contains("Managed hosting for Mastodon")
        .contains("Moving in")
        .contains("fedimon inspect");
    for (String link : localLinks(page.getBody())) {
      assertThat(http.getForEntity(link, String.class).getStatusCode())
          .as("link %s", link)
          .isEqualTo(HttpStatus.OK);
    }
  }

  @Test
  void anObjectPutThroughTheConfiguredClientReadsBackAndLandsUnderTheDataFolder()
      throws IOException {
    byte[] content = "a toot's attachment ✨".getBytes(StandardCharsets.UTF_8);

    objectStore.put("tests/hello.txt", content, "text/plain");

    try (InputStream in = objectStore.open("tests/hello.txt")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThat(DATA.resolve("objects/fedimon/tests/hello.txt")).hasBinaryContent(content);
  }

  @Test
  void prometheusMetricsAreServed() {
    ResponseEntity<String> metrics = http.getForEntity("/actuator/prometheus", String.class);

    assertThat(metrics.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(metrics.getBody())
        .contains("jvm_memory_used_bytes")
        .contains("hikaricp_connections");
  }

  @Test
  void mailIsWrittenToTheOutboxWhenNoRelayIsConfigured() throws IOException {
    SimpleMailMessage message = new SimpleMailMessage();
    message.setFrom("noreply@fedimon.localhost");
    message.setTo("admin@example.social");
    message.setSubject("Your instance is running");
    message.setText("Welcome back.");

    mailSender.send(message);

    try (var files = Files.list(DATA.resolve("outbox"))) {
      List<Path> eml = files.filter(f -> f.toString().endsWith(".eml")).toList();
      assertThat(eml).hasSize(1);
      assertThat(Files.readString(eml.get(0)))
          .contains("To: admin@example.social")
          .contains("Subject: Your instance is running")
          .contains("Welcome back.");
    }
  }

  @Test
  void errorsDoNotShowStackTraces() {
    // a public path with nothing there: the error page, no stack trace
    ResponseEntity<String> missing = http.getForEntity("/css/no/such/file.css", String.class);

    assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(missing.getBody()).doesNotContain("Exception").doesNotContain("at org.");
    // anything else asks a stranger to log in first, whether it exists or not
    ResponseEntity<String> closed = http.getForEntity("/no/such/page", String.class);
    assertThat(closed.getBody()).contains("Log in").doesNotContain("Exception");
  }

  private static List<String> localLinks(String html) {
    Matcher matcher = Pattern.compile("(?:href|src)=\"(/[^\"]*)\"").matcher(html);
    return matcher.results().map(m -> m.group(1)).distinct().toList();
  }
}
