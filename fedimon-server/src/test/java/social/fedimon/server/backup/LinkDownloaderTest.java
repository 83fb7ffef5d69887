package social.fedimon.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.server.testing.LinkServer;

/**
 * Backup links against a real https server on loopback: the SSRF rules refuse every address that is
 * not public (loopback itself, unless the operator allows it), redirects are checked one by one,
 * and a download that drops half-way is resumed with a Range request.
 */
class LinkDownloaderTest {

  @TempDir static Path dir;
  static LinkServer server;
  static byte[] content;

  @BeforeAll
  static void serve() throws Exception {
    content = new byte[3 << 20];
    new Random(7).nextBytes(content);
    Path file = dir.resolve("backup.tar.zst");
    Files.write(file, content);
    server = new LinkServer(file, dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Allows loopback, as an operator's internal mirror would be allowed. */
  private static LinkDownloader allowingLoopback(long maxBytes) {
    return new LinkDownloader(
        new AddressRules(List.of(AddressRules.Cidr.parse("127.0.0.1/32"))),
        false,
        maxBytes,
        Duration.ofMinutes(1),
        server.clientContext());
  }

  private static LinkDownloader publicOnly() {
    return new LinkDownloader(
        new AddressRules(List.of()),
        false,
        1L << 30,
        Duration.ofMinutes(1),
        server.clientContext());
  }

  @Test
  void aDownloadThatDropsHalfWayIsResumedWithARangeRequest() throws Exception {
    server.dropsLeft.set(1);
    server.ranges.clear();
    Memory sink = new Memory();

    LinkDownloader.Fetched fetched =
        allowingLoopback(1L << 30).fetch(server.url("/archive"), sink, b -> {}, t -> {});

    assertThat(sink.bytes.toByteArray()).isEqualTo(content);
    assertThat(sink.starts).isEqualTo(1);
    assertThat(fetched.bytes()).isEqualTo(content.length);
    assertThat(fetched.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    assertThat(server.ranges).hasSize(2);
    assertThat(server.ranges.get(1)).startsWith("bytes=").endsWith("-").isNotEqualTo("bytes=0-");
  }

  @Test
  void loopbackAndNamesThatResolveToItAreRefused() {
    for (String link : List.of(server.url("/archive"), server.localhostUrl("/archive"))) {
      assertThatThrownBy(() -> publicOnly().fetch(link, new Memory(), b -> {}, t -> {}))
          .as(link)
          .isInstanceOf(LinkRefused.class)
          .hasMessageContaining("loopback");
    }
  }

  @Test
  void aRedirectToAForbiddenAddressIsRefused() {
    for (String target :
        List.of(
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/backup",
            "https://[::ffff:192.168.0.1]/backup",
            "https://[fd00::1]/backup",
            "https://100.64.0.1/backup")) {
      String link = server.url("/redirect?to=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
      assertThatThrownBy(
              () -> allowingLoopback(1L << 30).fetch(link, new Memory(), b -> {}, t -> {}))
          .as(target)
          .isInstanceOf(LinkRefused.class)
          .hasMessageContaining("only public addresses");
    }
  }

  @Test
  void plainHttpCredentialsLoopsAndErrorsAreRefusedInPlainWords() {
    LinkDownloader downloader = allowingLoopback(1L << 30);
    assertThatThrownBy(() -> downloader.check("http://example.org/backup.tar.zst"))
        .hasMessageContaining("https://");
    String toHttp =
        server.url(
            "/redirect?to=" + URLEncoder.encode("http://127.0.0.1:1/x", StandardCharsets.UTF_8));
    assertThatThrownBy(() -> downloader.fetch(toHttp, new Memory(), b -> {}, t -> {}))
        .isInstanceOf(LinkRefused.class)
        .hasMessageContaining("https://");
    assertThatThrownBy(() -> downloader.check("https://user:secret@example.org/x"))
        .hasMessageContaining("user name or password")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> downloader.fetch(server.url("/loop"), new Memory(), b -> {}, t -> {}))
        .hasMessageContaining("more than 5 times");
    assertThatThrownBy(
            () -> downloader.fetch(server.url("/missing"), new Memory(), b -> {}, t -> {}))
        .hasMessageContaining("HTTP 404");
  }

  @Test
  void anArchiveOverTheLimitIsRefusedAsSoonAsItsSizeIsKnown() {
    Memory sink = new Memory();
    assertThatThrownBy(
            () -> allowingLoopback(1 << 20).fetch(server.url("/archive"), sink, b -> {}, t -> {}))
        .isInstanceOf(LinkRefused.class)
        .satisfies(e -> assertThat(((LinkRefused) e).code()).isEqualTo("size-limit"));
    assertThat(sink.bytes.size()).isZero();
  }

  /** A sink in memory that counts its fresh starts. */
  static final class Memory implements LinkDownloader.Sink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int starts;

    @Override
    public OutputStream start() {
      starts++;
      bytes.reset();
      return bytes;
    }

    @Override
    public OutputStream append() {
      return bytes;
    }
  }
}
