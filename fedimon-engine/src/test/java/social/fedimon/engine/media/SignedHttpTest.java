package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.S3ProxyFixture;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The single-request PUT sent without the SDK's pipeline: what the store sees, and its failures.
 */
class SignedHttpTest {

  private static final String SECRET = "a-secret-never-in-a-message";

  @Test
  void anObjectPutAloneCarriesItsContentTypeMetadataAndBytesIntoARealStore() throws IOException {
    S3Settings settings = S3ProxyFixture.newBucket();
    assertThat(SignedHttp.canPut(settings)).as("S3Proxy listens on loopback").isTrue();
    byte[] content = "the bytes of a picture".getBytes(StandardCharsets.UTF_8);
    String md5 = MediaUploader.md5(content, content.length);
    try (S3ObjectStore store =
        S3ObjectStore.connect(settings, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      store.put(
          "media_attachments/files/000/a b+é.png",
          new ByteArrayInputStream(content),
          content.length,
          "image/png",
          Map.of(StoredObject.MD5, md5, StoredObject.SOURCE_ETAG, "abc"));
      assertThat(store.clientStarted()).as("no SDK client was needed").isFalse();

      try (InputStream in = store.open("media_attachments/files/000/a b+é.png")) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
      StoredObject stored = store.head("media_attachments/files/000/a b+é.png").orElseThrow();
      assertThat(stored.etag()).as("a single PUT's entity tag is its MD5").isEqualTo(md5);
      assertThat(stored.metadata())
          .containsEntry(StoredObject.MD5, md5)
          .containsEntry(StoredObject.SOURCE_ETAG, "abc");
    }
    try (S3Client client = S3ObjectStore.buildClient(settings)) {
      HeadObjectResponse head =
          client.headObject(
              b -> b.bucket(settings.bucket()).key("media_attachments/files/000/a b+é.png"));
      assertThat(head.contentType()).isEqualTo("image/png");
    }
  }

  @Test
  void aServerErrorIsTriedAgainWithTheSameBytes() throws IOException {
    List<String> bodies = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer server =
        serve(
            exchange -> {
              bodies.add(new String(body(exchange), StandardCharsets.UTF_8));
              return calls.incrementAndGet() == 1 ? 503 : 200;
            });
    try {
      put(server, "content");
      assertThat(bodies).containsExactly("content", "content");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aRefusalIsNotTriedAgainAndItsMessageNamesTheStoresCodeButNoSecret() {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = answering(calls, 403);
    try {
      assertThatThrownBy(() -> put(server, "content"))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("HTTP 403 (SignatureDoesNotMatch)")
          .hasMessageContaining("a/b.png")
          .hasMessageNotContaining(SECRET);
      assertThat(calls).hasValue(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aStoreThatKeepsFailingIsGivenUpAfterThreeTries() {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = answering(calls, 500);
    try {
      assertGivenUpAfterEveryTry(server, calls, 500);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void contentShorterThanItsLengthIsAnErrorNotARequest() {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = answering(calls, 200);
    try {
      S3Settings settings = settingsFor(server);
      assertThatThrownBy(
              () ->
                  new SignedHttp(settings, java.time.Clock.systemUTC())
                      .put(
                          "a/b.png",
                          new ByteArrayInputStream(new byte[3]),
                          10,
                          "image/png",
                          Map.of(),
                          null))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("gave 3 of its 10 bytes");
      assertThat(calls).as("nothing complete arrived").hasValue(0);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void sixteenUploadsAtOnceKeepTheirConnectionsOpenForTheNext() throws Exception {
    // the JDK's default keeps 5 idle connections per server: the 11 others would be closed after
    // each request and a new one opened (and a port left in TIME_WAIT) for the next. The CLI owns
    // its JVM and raises it to 64 (Fedimon.main); this test JVM is given the same (the POM)
    assertThat(System.getProperty("http.maxConnections")).isEqualTo("64");
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    HttpServer server =
        serve(
            exchange -> {
              body(exchange);
              clientPorts.add(exchange.getRemoteAddress().getPort());
              return 200;
            });
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      for (int round = 0; round < 6; round++) {
        List<Future<?>> sent = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
          sent.add(
              threads.submit(
                  () -> {
                    put(server, "x");
                    return null;
                  }));
        }
        for (Future<?> f : sent) {
          f.get();
        }
      }
      assertThat(clientPorts.size())
          .as("connections for 96 requests, 16 at a time")
          .isLessThanOrEqualTo(20);
    } finally {
      threads.shutdownNow();
      server.stop(0);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {200, 503})
  @org.junit.jupiter.api.Timeout(
      value = 60,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void anAnswerWithoutEndIsNotReadToItsEnd(int status) throws IOException {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          body(exchange);
          calls.incrementAndGet();
          exchange.sendResponseHeaders(status, 0); // chunked, no end
          byte[] chunk = new byte[1 << 20];
          try (var out = exchange.getResponseBody()) {
            while (true) {
              out.write(chunk); // until the client closes the connection
            }
          } catch (IOException e) {
            exchange.close();
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    try {
      if (status == 200) {
        put(server, "content");
        assertThat(calls).hasValue(1);
      } else {
        assertGivenUpAfterEveryTry(server, calls, 503);
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void putsOnlyWhereThePayloadMayGoUnsigned() {
    assertThat(SignedHttp.canPut(settings(URI.create("https://s3.example.org")))).isTrue();
    assertThat(SignedHttp.canPut(settings(URI.create("http://127.0.0.1:9000")))).isTrue();
    assertThat(SignedHttp.canPut(settings(URI.create("http://s3.example.org:9000"))))
        .as("plain http beyond this machine: the SDK signs the payload")
        .isFalse();
    assertThat(
            SignedHttp.canPut(
                new S3Settings(null, "us-east-1", "bucket", "", "key", SECRET, false, false)))
        .as("AWS itself: the SDK's endpoint rules")
        .isFalse();
    assertThat(
            SignedHttp.canPut(
                new S3Settings(
                    URI.create("https://s3.example.org"),
                    "us-east-1",
                    "bucket",
                    "",
                    null,
                    null,
                    true,
                    false)))
        .as("the SDK's credential chain")
        .isFalse();
  }

  private static S3Settings settings(URI endpoint) {
    return new S3Settings(endpoint, "us-east-1", "bucket", "", "key", SECRET, true, true);
  }

  @Test
  void signsWithTheTimeOfItsClock() {
    java.util.concurrent.atomic.AtomicReference<String> date =
        new java.util.concurrent.atomic.AtomicReference<>();
    HttpServer server =
        serve(
            exchange -> {
              body(exchange);
              date.set(exchange.getRequestHeaders().getFirst("X-Amz-Date"));
              return 200;
            });
    try {
      java.time.Clock clock =
          java.time.Clock.fixed(java.time.Instant.parse("2031-05-06T07:08:09Z"), ZoneOffset.UTC);
      new SignedHttp(settingsFor(server), clock)
          .put("a/b.png", new ByteArrayInputStream(new byte[1]), 1, "image/png", Map.of(), null);
      assertThat(date.get()).isEqualTo("20310506T070809Z");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void setsNoSystemProperty() {
    java.util.Properties before = (java.util.Properties) System.getProperties().clone();
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = answering(calls, 200);
    try {
      put(server, "x");
    } finally {
      server.stop(0);
    }
    assertThat(System.getProperties()).isEqualTo(before);
  }

  @Test
  void readsTheCodeOfAnS3ErrorDocument() {
    String error =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message></Error>";
    assertThat(SignedHttp.errorCode(error.getBytes(StandardCharsets.UTF_8))).isEqualTo("SlowDown");
    assertThat(
            SignedHttp.errorCode(
                "<Error><Code>a b</Code></Error>".getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(SignedHttp.errorCode("not xml".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(SignedHttp.errorCode(new byte[0])).isNull();
  }

  @Test
  void anErrorDocumentWithEntitiesIsNotExpandedNorFollowed(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("secret"), "Leaked");
    String external =
        "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]><Error><Code>&x;</Code></Error>";
    String billion =
        "<?xml version=\"1.0\"?><!DOCTYPE Error [<!ENTITY a \"aaaaaaaaaa\">"
            + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
            + "<Error><Code>&c;</Code></Error>";
    assertThat(SignedHttp.errorCode(external.getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(SignedHttp.errorCode(billion.getBytes(StandardCharsets.UTF_8))).isNull();
    byte[] huge = new byte[SignedHttp.MAX_ERROR_BYTES];
    java.util.Arrays.fill(huge, (byte) ' ');
    byte[] start = "<Error><Code>SlowDown</Code></Error>".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(start, 0, huge, 0, start.length);
    assertThat(SignedHttp.errorCode(huge)).isNull();
  }

  private static S3Settings settingsFor(HttpServer server) {
    return settings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  private static void put(HttpServer server, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    new SignedHttp(settingsFor(server), java.time.Clock.systemUTC())
        .put("a/b.png", new ByteArrayInputStream(bytes), bytes.length, "image/png", Map.of(), null);
  }

  private static byte[] body(HttpExchange exchange) {
    try {
      return exchange.getRequestBody().readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A PUT to {@code server} fails with {@code status} after every try, each one counted. */
  private static void assertGivenUpAfterEveryTry(
      HttpServer server, AtomicInteger calls, int status) {
    assertThatThrownBy(() -> put(server, "content"))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("HTTP " + status);
    assertThat(calls).hasValue(SignedHttp.PUT_ATTEMPTS);
  }

  /** A server that reads each request, counts it in {@code calls} and answers {@code status}. */
  private static HttpServer answering(AtomicInteger calls, int status) {
    return serve(
        exchange -> {
          body(exchange);
          calls.incrementAndGet();
          return status;
        });
  }

  /** A server answering each request with the status {@code answer} gives (and an S3 error). */
  private static HttpServer serve(java.util.function.ToIntFunction<HttpExchange> answer) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            int status = answer.applyAsInt(exchange);
            byte[] error =
                status == 200
                    ? new byte[0]
                    : ("<?xml version=\"1.0\"?><Error><Code>"
                            + (status == 403 ? "SignatureDoesNotMatch" : "InternalError")
                            + "</Code><Message>no</Message></Error>")
                        .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, error.length == 0 ? -1 : error.length);
            if (error.length > 0) {
              exchange.getResponseBody().write(error);
            }
            exchange.close();
          });
      // requests are answered 16 at a time, as a store does
      server.setExecutor(
          Executors.newFixedThreadPool(
              16,
              r -> {
                Thread thread = new Thread(r, "test-store");
                thread.setDaemon(true);
                return thread;
              }));
      server.start();
      return server;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
