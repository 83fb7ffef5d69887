package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.S3ProxyFixture;

/** An export's media manifest: written from a real bucket, read back, and hostile ones refused. */
class MediaManifestTest {

  @Test
  void aManifestOfABucketIsReadBackAndItsUrlsServeTheObjects() throws Exception {
    S3Settings settings = S3ProxyFixture.newBucket();
    try (S3ObjectStore store = S3ObjectStore.connect(settings)) {
      store.put(
          "media_attachments/files/000/001/original/a.png", new byte[] {1, 2, 3}, "image/png");
      store.put("accounts/avatars/000/001/original/b.jpg", new byte[] {4, 5}, "image/jpeg");
      store.put(".fedimon/sync/record.tsv.gz", new byte[] {9}, "application/gzip");

      byte[] manifest = MediaManifest.write(store, Duration.ofHours(1), Instant.now());
      List<MediaManifest.Entry> entries = MediaManifest.read(new ByteArrayInputStream(manifest));

      assertThat(entries)
          .extracting(MediaManifest.Entry::key)
          .containsExactly(
              "accounts/avatars/000/001/original/b.jpg",
              "media_attachments/files/000/001/original/a.png");
      ManifestStore read =
          new ManifestStore("test", entries, java.net.http.HttpClient.newHttpClient());
      try (var in = read.open("media_attachments/files/000/001/original/a.png")) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
    }
  }

  @Test
  void hostileManifestsAreRefusedInPlainWords() {
    assertThatThrownBy(
            () ->
                read(
                    "{\"version\":1,\"objects\":[{\"key\":\"../x\",\"size\":1,\"url\":\"https://h/x\"}]}"))
        .hasMessageContaining("bad key");
    assertThatThrownBy(
            () ->
                read(
                    "{\"version\":1,\"objects\":[{\"key\":\"a\",\"size\":1,\"url\":\"file:///etc/passwd\"}]}"))
        .hasMessageContaining("http(s)");
    assertThatThrownBy(() -> read("{\"version\":2,\"objects\":[]}"))
        .hasMessageContaining("version");
    assertThatThrownBy(() -> read("not json")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> read("{\"version\":1}")).hasMessageContaining("no \"objects\"");
    assertThatThrownBy(
            () ->
                read(
                    "{\"version\":1,\"objects\":[{\"key\":\"a\",\"size\":1,\"url\":\"https://h/a\"},"
                        + "{\"key\":\"a\",\"size\":1,\"url\":\"https://h/a\"}]}"))
        .hasMessageContaining("twice");
  }

  private static List<MediaManifest.Entry> read(String json) {
    return MediaManifest.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }
}
