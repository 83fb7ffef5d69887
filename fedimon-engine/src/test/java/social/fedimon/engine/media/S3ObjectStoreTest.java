package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import social.fedimon.engine.testing.S3ProxyFixture;

class S3ObjectStoreTest {

  @ParameterizedTest
  @EnumSource(S3ObjectStore.Requests.class)
  void storesAndReadsBackAnObjectThroughTheS3Api(S3ObjectStore.Requests requests)
      throws IOException {
    try (S3ObjectStore store =
        S3ObjectStore.connect(S3ProxyFixture.newBucket(), requests, java.time.Clock.systemUTC())) {
      byte[] content = "héllo, fédiverse".getBytes(StandardCharsets.UTF_8);
      store.put("media_attachments/files/000/000/001/original/a.txt", content, "text/plain");

      assertThat(store.head("media_attachments/files/000/000/001/original/a.txt"))
          .get()
          .satisfies(o -> assertThat(o.size()).isEqualTo(content.length));
      try (InputStream in = store.open("media_attachments/files/000/000/001/original/a.txt")) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(S3ObjectStore.Requests.class)
  void storesAFileAndDeletesIt(S3ObjectStore.Requests requests, @TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("big.bin");
    Files.write(file, new byte[3 * 1024 * 1024]);
    try (S3ObjectStore store =
        S3ObjectStore.connect(S3ProxyFixture.newBucket(), requests, java.time.Clock.systemUTC())) {
      store.put("x/big.bin", file, "application/octet-stream");
      assertThat(store.head("x/big.bin")).get().extracting(StoredObject::size).isEqualTo(3L << 20);

      store.delete("x/big.bin");

      assertThat(store.head("x/big.bin")).isEmpty();
      assertThatThrownBy(() -> store.open("x/big.bin"))
          .isInstanceOf(ObjectStoreException.NotFound.class);
    }
  }

  @ParameterizedTest
  @EnumSource(S3ObjectStore.Requests.class)
  void reportsAMissingBucketAsUnreachableWithoutTheSecret(S3ObjectStore.Requests requests) {
    var settings = S3ProxyFixture.settings(S3ProxyFixture.server().endpoint(), "no-such-bucket");
    try (S3ObjectStore store =
        S3ObjectStore.connect(settings, requests, java.time.Clock.systemUTC())) {
      assertThatThrownBy(store::checkReachable)
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("s3://no-such-bucket")
          .hasMessageNotContaining(S3ProxyFixture.SECRET_KEY);
    }
  }

  @ParameterizedTest
  @EnumSource(S3ObjectStore.Requests.class)
  void refusesKeysThatCouldEscapeThePrefix(S3ObjectStore.Requests requests) {
    try (S3ObjectStore store =
        S3ObjectStore.connect(S3ProxyFixture.newBucket(), requests, java.time.Clock.systemUTC())) {
      assertThatThrownBy(() -> store.put("../other/x", new byte[1], "text/plain"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readsAnObjectAloneWithoutBuildingAClientWhateverItsKey() throws IOException {
    S3Settings settings = S3ProxyFixture.newBucket();
    // characters a path must encode, and a prefix in front of the key
    S3Settings prefixed =
        new S3Settings(
            settings.endpoint(),
            settings.region(),
            settings.bucket(),
            "some prefix/é",
            settings.accessKey(),
            settings.secretKey(),
            true,
            true);
    String key = ".fedimon/sync/a b+c%d=é&~.tsv.gz";
    byte[] content = "the record".getBytes(StandardCharsets.UTF_8);
    try (S3ObjectStore writer =
        S3ObjectStore.connect(prefixed, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      writer.put(key, content, "application/gzip");
    }
    try (S3ObjectStore reader =
        S3ObjectStore.connect(prefixed, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      try (InputStream in = reader.openAlone(key)) {
        assertThat(in.readAllBytes()).isEqualTo(content);
      }
      assertThatThrownBy(() -> reader.openAlone(".fedimon/sync/none.tsv.gz"))
          .isInstanceOf(ObjectStoreException.NotFound.class);
      assertThat(reader.clientStarted()).as("no SDK client was built").isFalse();
    }
  }

  @Test
  void aReadAloneWithAWrongSecretFailsWithoutNamingIt() {
    S3Settings settings = S3ProxyFixture.newBucket();
    try (S3ObjectStore writer =
        S3ObjectStore.connect(settings, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      writer.put("x.txt", new byte[] {1}, "text/plain");
    }
    String wrong = "a-wrong-secret-never-logged";
    S3Settings wrongSecret =
        new S3Settings(
            settings.endpoint(),
            settings.region(),
            settings.bucket(),
            "",
            settings.accessKey(),
            wrong,
            true,
            true);
    try (S3ObjectStore reader =
        S3ObjectStore.connect(
            wrongSecret, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      assertThatThrownBy(() -> reader.openAlone("x.txt"))
          .isInstanceOf(ObjectStoreException.class)
          .isNotInstanceOf(ObjectStoreException.NotFound.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageNotContaining(wrong);
    }
  }

  @ParameterizedTest
  @EnumSource(S3ObjectStore.Requests.class)
  void anUploadWhoseBytesDoNotMatchTheirMd5IsRefusedByTheStore(S3ObjectStore.Requests requests)
      throws Exception {
    byte[] content = "what was read".getBytes(StandardCharsets.UTF_8);
    String otherMd5 =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("MD5").digest(new byte[] {42}));
    try (S3ObjectStore store =
        S3ObjectStore.connect(S3ProxyFixture.newBucket(), requests, java.time.Clock.systemUTC())) {
      assertThatThrownBy(
              () ->
                  store.put(
                      "a/b.bin",
                      new java.io.ByteArrayInputStream(content),
                      content.length,
                      "application/octet-stream",
                      java.util.Map.of(StoredObject.MD5, otherMd5)))
          .isInstanceOf(ObjectStoreException.class);
      assertThat(store.head("a/b.bin")).as("nothing stored").isEmpty();
    }
  }
}
