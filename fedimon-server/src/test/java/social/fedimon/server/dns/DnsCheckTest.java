package social.fedimon.server.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.server.testing.Dnsmasq;
import social.fedimon.server.testing.Platform;

/**
 * The DNS check asks a real resolver: dnsmasq on a loopback port serves each record correct,
 * missing or wrong, and the instance's DNS is verified only once every one is right, by "check now"
 * or by the periodic check; the migration then stops waiting for it.
 */
class DnsCheckTest {

  static Platform platform;
  static Platform.Node node;
  static int port;

  @BeforeAll
  static void start() {
    port = Dnsmasq.freePort();
    platform = new Platform("dns");
    node =
        platform.start(
            "--fedimon.dns.ipv4=192.0.2.10",
            "--fedimon.dns.ipv6=2001:db8::10",
            "--fedimon.dns.resolver=127.0.0.1:" + port,
            "--fedimon.dns.check-interval=PT1S");
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void eachRecordIsCorrectMissingOrWrongUntilAllAreRight() {
    String admin = platform.account(node, "dns-admin@example.org");
    String instance = file(admin, "check.example");
    JsonNode before =
        platform.call(node, "GET", "/api/v1/instances/" + instance + "/dns", admin, null).json();
    assertThat(before.get("checkedAt").isNull()).isTrue();
    String txt = value(before, "TXT");
    assertThat(txt).startsWith("fedimon-verification=");

    JsonNode checked;
    try (Dnsmasq dns =
        Dnsmasq.start(
            port,
            List.of("check.example"),
            List.of("host-record=check.example,192.0.2.99,2001:db8::10"))) {
      checked =
          platform
              .call(node, "POST", "/api/v1/instances/" + instance + "/dns-check", admin, null)
              .json();
    }
    assertThat(verdicts(checked))
        .containsExactly(
            "check.example A wrong [192.0.2.99]",
            "check.example AAAA correct [2001:db8:0:0:0:0:0:10]",
            "_fedimon.check.example TXT missing []");
    assertThat(checked.get("verified").asBoolean()).isFalse();

    try (Dnsmasq dns =
        Dnsmasq.start(
            port,
            List.of("check.example"),
            List.of(
                "host-record=check.example,192.0.2.10,2001:db8::10",
                "txt-record=_fedimon.check.example," + txt))) {
      checked =
          platform
              .call(node, "POST", "/api/v1/instances/" + instance + "/dns-check", admin, null)
              .json();
    }
    assertThat(verdicts(checked)).allMatch(v -> v.contains(" correct "));
    assertThat(checked.get("verified").asBoolean()).isTrue();
    JsonNode view = platform.call(node, "GET", "/api/v1/instances/" + instance, admin, null).json();
    assertThat(view.get("dnsVerifiedAt").isNull()).isFalse();
  }

  @Test
  void thePeriodicCheckVerifiesWithoutBeingAsked() {
    String admin = platform.account(node, "periodic@example.org");
    String instance = file(admin, "periodic.example");
    String txt =
        value(
            platform
                .call(node, "GET", "/api/v1/instances/" + instance + "/dns", admin, null)
                .json(),
            "TXT");
    try (Dnsmasq dns =
        Dnsmasq.start(
            port,
            List.of("periodic.example"),
            List.of(
                "host-record=periodic.example,192.0.2.10,2001:db8::10",
                "txt-record=_fedimon.periodic.example," + txt))) {
      // nobody asks for a check: the periodic one finds the records right
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  platform
                      .call(node, "GET", "/api/v1/instances/" + instance + "/dns", admin, null)
                      .json()
                      .get("verified")
                      .asBoolean());
    }
  }

  private static String file(String admin, String domain) {
    Platform.Answer filed =
        platform.call(node, "POST", "/api/v1/instances", admin, Map.of("localDomain", domain));
    assertThat(filed.status()).as(filed.body()).isEqualTo(201);
    return filed.json().get("id").asText();
  }

  private static String value(JsonNode dns, String type) {
    for (JsonNode r : dns.get("records")) {
      if (r.get("type").asText().equals(type)) {
        return r.get("value").asText();
      }
    }
    throw new AssertionError("no " + type + " record in " + dns);
  }

  private static List<String> verdicts(JsonNode dns) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : dns.get("records")) {
      out.add(
          r.get("name").asText()
              + " "
              + r.get("type").asText()
              + " "
              + r.get("verdict").asText()
              + " "
              + r.get("found").toString().replace("\"", "").replace(",", ", "));
    }
    return out;
  }
}
