package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest {

  @TempDir Path root;

  @Test
  void storesObjectsAsFilesUnderTheRoot() throws IOException {
    FileObjectStore store = new FileObjectStore(root);
    store.put("accounts/avatars/000/000/001/original/me.png", new byte[] {1, 2, 3}, "image/png");

    assertThat(root.resolve("accounts/avatars/000/000/001/original/me.png"))
        .hasBinaryContent(new byte[] {1, 2, 3});
    assertThat(store.head("accounts/avatars/000/000/001/original/me.png"))
        .get()
        .extracting(StoredObject::size)
        .isEqualTo(3L);
    try (InputStream in = store.open("accounts/avatars/000/000/001/original/me.png")) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
    try (var files = Files.walk(root)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void aPlainPathAndAFileUriNameTheSameFolder() throws IOException {
    Files.createDirectories(root.resolve("system/accounts"));
    Files.write(root.resolve("system/accounts/a.png"), new byte[] {7});

    for (String location :
        new String[] {
          root.resolve("system").toString(), root.resolve("system").toUri().toString()
        }) {
      try (ObjectStore store = StoreLocation.open(location, java.util.Map.of())) {
        assertThat(store.list("").map(StoredObject::key))
            .as(location)
            .containsExactly("accounts/a.png");
      }
    }
    assertThatThrownBy(() -> StoreLocation.open("ftp://host/dir", java.util.Map.of()))
        .hasMessageContaining("only file:// and s3://");
  }

  @Test
  void neverWritesOutsideTheRoot() {
    FileObjectStore store = new FileObjectStore(root.resolve("inner"));
    for (String key :
        new String[] {"../escape", "a/../../escape", "/abs", "a\\..\\b", "a//b", ""}) {
      assertThatThrownBy(() -> store.put(key, new byte[1], "text/plain"))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(root.resolve("escape")).doesNotExist();
  }

  @Test
  void doesNotFollowASymlinkPlantedInTheStore() throws IOException {
    Path outside = Files.writeString(root.resolve("secret.txt"), "secret");
    Path store = Files.createDirectories(root.resolve("store"));
    Files.createSymbolicLink(store.resolve("link"), outside);

    FileObjectStore objects = new FileObjectStore(store);

    assertThat(objects.head("link")).isEmpty();
    assertThatThrownBy(() -> objects.open("link"))
        .isInstanceOf(ObjectStoreException.NotFound.class);
  }
}
