package social.fedimon.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.media.S3Settings;

/**
 * Read-only credentials to an instance's media from the store's STS. No STS runs on this machine
 * (S3Proxy has none; AWS and MinIO cannot be run here), so a loopback HTTP server stands in for
 * one: it answers as AWS' AssumeRole does (the query protocol's XML) and shows what FédiMon asked,
 * signed with the platform's key: a session policy that lists the instance's prefix and reads under
 * it, nothing else, for no longer than the export's link.
 */
class MediaCredentialsTest {

  static final UUID INSTANCE = UUID.fromString("0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e");
  static final Instant NOW = Instant.parse("2026-12-03T01:00:00Z");

  HttpServer sts;
  final AtomicReference<Map<String, String>> asked = new AtomicReference<>();
  final AtomicReference<String> authorization = new AtomicReference<>();
  final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void start() throws Exception {
    sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sts.createContext(
        "/",
        exchange -> {
          Map<String, String> form = new LinkedHashMap<>();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(
                URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
          }
          asked.set(form);
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] answer =
              (status.get() == 200
                      ? """
                      <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                        <AssumeRoleResult>
                          <Credentials>
                            <AccessKeyId>ASIAREADONLY</AccessKeyId>
                            <SecretAccessKey>read/only+secret</SecretAccessKey>
                            <SessionToken>session-token-1</SessionToken>
                            <Expiration>2026-12-03T02:00:00Z</Expiration>
                          </Credentials>
                          <AssumedRoleUser>
                            <Arn>arn:aws:sts::123456789012:assumed-role/read/fedimon-0b6f1c2e</Arn>
                            <AssumedRoleId>AROAEXAMPLE:fedimon-0b6f1c2e</AssumedRoleId>
                          </AssumedRoleUser>
                        </AssumeRoleResult>
                        <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
                      </AssumeRoleResponse>
                      """
                      : """
                      <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                        <Error><Type>Sender</Type><Code>AccessDenied</Code>
                        <Message>User is not authorized to perform: sts:AssumeRole</Message></Error>
                        <RequestId>r-2</RequestId>
                      </ErrorResponse>
                      """)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/xml");
          exchange.sendResponseHeaders(status.get(), answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    sts.start();
  }

  @AfterEach
  void stop() {
    sts.stop(0);
  }

  MediaCredentials credentials(boolean enabled, String roleArn) {
    URI endpoint = URI.create("http://127.0.0.1:" + sts.getAddress().getPort());
    S3Settings store =
        new S3Settings(
            endpoint,
            "eu-west-3",
            "platform-media",
            "prod",
            "platform-key",
            "platform-secret",
            true,
            true);
    ExportProperties properties =
        new ExportProperties(
            Duration.ofDays(7),
            null,
            Duration.ofDays(7),
            false,
            enabled,
            null,
            roleArn,
            Duration.ofHours(1));
    return new MediaCredentials(properties, store, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void theCredentialsReadTheInstancesPrefixAndNothingElse() throws Exception {
    MediaCredentials.Issued issued =
        credentials(true, "arn:aws:iam::123456789012:role/fedimon-read")
            .issue(INSTANCE, NOW.plus(Duration.ofDays(7)));
    assertThat(issued.accessKeyId()).isEqualTo("ASIAREADONLY");
    assertThat(issued.secretAccessKey()).isEqualTo("read/only+secret");
    assertThat(issued.sessionToken()).isEqualTo("session-token-1");
    assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2026-12-03T02:00:00Z"));
    assertThat(issued.prefix()).isEqualTo("prod/instances/" + INSTANCE + "/media");
    assertThat(issued.toString()).doesNotContain("read/only+secret").doesNotContain("session");

    Map<String, String> form = asked.get();
    assertThat(form)
        .containsEntry("Action", "AssumeRole")
        .containsEntry("Version", "2011-06-15")
        .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/fedimon-read")
        .containsEntry("DurationSeconds", "3600")
        .containsEntry("RoleSessionName", "fedimon-0b6f1c2e");
    // signed with the platform's key, for STS in the store's region
    assertThat(authorization.get())
        .startsWith("AWS4-HMAC-SHA256 Credential=platform-key/")
        .contains("/eu-west-3/sts/aws4_request");
    JsonNode policy = new ObjectMapper().readTree(form.get("Policy"));
    String prefix = "prod/instances/" + INSTANCE + "/media";
    assertThat(policy.get("Statement")).hasSize(2);
    JsonNode read = policy.get("Statement").get(0);
    assertThat(read.get("Action")).extracting(JsonNode::asText).containsExactly("s3:GetObject");
    assertThat(read.get("Resource"))
        .extracting(JsonNode::asText)
        .containsExactly("arn:aws:s3:::platform-media/" + prefix + "/*");
    JsonNode list = policy.get("Statement").get(1);
    assertThat(list.get("Action")).extracting(JsonNode::asText).containsExactly("s3:ListBucket");
    assertThat(list.get("Resource"))
        .extracting(JsonNode::asText)
        .containsExactly("arn:aws:s3:::platform-media");
    assertThat(list.at("/Condition/StringLike/s3:prefix"))
        .extracting(JsonNode::asText)
        .containsExactly(prefix + "/*", prefix + "/");
    assertThat(form.get("Policy")).doesNotContain("s3:PutObject").doesNotContain("\"*\"");
  }

  @Test
  void theyNeverOutlastTheLinkYetLastSTSsLeast() {
    MediaCredentials credentials = credentials(true, null);
    credentials.issue(INSTANCE, NOW.plus(Duration.ofMinutes(20)));
    assertThat(asked.get()).containsEntry("DurationSeconds", "1200").doesNotContainKey("RoleArn");
    credentials.issue(INSTANCE, NOW.plus(Duration.ofMinutes(3)));
    assertThat(asked.get()).containsEntry("DurationSeconds", "900");
  }

  @Test
  void offTheyAreRefusedPointingAtTheManifestAndAnStsNoSaysSoWithoutSecrets() {
    assertThatThrownBy(() -> credentials(false, null).issue(INSTANCE, NOW.plus(Duration.ofDays(1))))
        .isInstanceOf(MediaCredentials.Refused.class)
        .hasMessageContaining("mediaManifestUrl");
    assertThat(asked.get()).as("nothing asked").isNull();

    status.set(403);
    assertThatThrownBy(() -> credentials(true, null).issue(INSTANCE, NOW.plus(Duration.ofDays(1))))
        .isInstanceOf(MediaCredentials.Refused.class)
        .hasMessageContaining("gave no credentials")
        .hasMessageContaining("not authorized")
        .hasMessageNotContaining("platform-secret");
  }
}
