package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class LoopbackSigningTest {

  @Test
  void appliesToPlainHttpOnALoopbackAddressAndAPortOfItsOwnOnly() {
    assertThat(LoopbackSigning.applies(URI.create("http://127.0.0.1:9000"))).isTrue();
    assertThat(LoopbackSigning.applies(URI.create("http://127.8.9.10:9000"))).isTrue();
    assertThat(LoopbackSigning.applies(URI.create("http://localhost:9000"))).isTrue();
    assertThat(LoopbackSigning.applies(URI.create("http://[::1]:9000"))).isTrue();

    assertThat(LoopbackSigning.applies(URI.create("https://127.0.0.1:9000"))).isFalse();
    assertThat(LoopbackSigning.applies(URI.create("http://10.0.0.5:9000"))).isFalse();
    assertThat(LoopbackSigning.applies(URI.create("http://s3.example.org:9000"))).isFalse();
    // a name is never resolved, even one that might point at loopback
    assertThat(LoopbackSigning.applies(URI.create("http://localhost.example.org:9000"))).isFalse();
    assertThat(LoopbackSigning.applies(URI.create("http://127.0.0.1"))).isFalse();
    assertThat(LoopbackSigning.applies(URI.create("http://127.0.0.1:80"))).isFalse();
    assertThat(LoopbackSigning.applies(null)).isFalse();
  }

  @Test
  void anUploadToLoopbackIsSentUnhashedWithTheMd5OfItsBytes() throws Exception {
    Map<String, String> seen = new ConcurrentHashMap<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), v.get(0)));
          seen.put(
              "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.getResponseHeaders().add("ETag", "\"0\"");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      S3Settings settings =
          new S3Settings(endpoint, "us-east-1", "bucket", "", "key", "secret", true, true);
      byte[] content = "bytes of a picture".getBytes(StandardCharsets.UTF_8);
      byte[] md5 = MessageDigest.getInstance("MD5").digest(content);
      try (S3ObjectStore store = S3ObjectStore.connect(settings)) {
        store.put(
            "a/b.png",
            new java.io.ByteArrayInputStream(content),
            content.length,
            "image/png",
            Map.of(StoredObject.MD5, HexFormat.of().formatHex(md5)));
      }

      assertThat(seen.get("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
      assertThat(seen.get("content-md5")).isEqualTo(Base64.getEncoder().encodeToString(md5));
      assertThat(seen.get("authorization")).startsWith("AWS4-HMAC-SHA256 ");
      assertThat(seen.get("body"))
          .as("the bytes as they are, not in signed chunks")
          .isEqualTo("bytes of a picture");

      // the same through the SDK's client (its other requests: a part, a record, a file)
      seen.clear();
      try (S3ObjectStore store = S3ObjectStore.connect(settings)) {
        store.put("a/c.png", content, "image/png");
        assertThat(store.clientStarted()).isTrue();
      }
      assertThat(seen.get("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
      assertThat(seen.get("authorization")).startsWith("AWS4-HMAC-SHA256 ");
      assertThat(seen.get("body")).isEqualTo("bytes of a picture");
    } finally {
      server.stop(0);
    }
  }
}
