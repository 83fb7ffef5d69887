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
  void multipartUploadsWaitOnDiskAndJoinInOrder() throws IOException {
    FileObjectStore store = new FileObjectStore(root);
    ObjectStore.Upload upload =
        store.startUpload("exports/big.tar.zst", "application/zstd", java.util.Map.of());
    byte[] buffer = new byte[1 << 20];
    java.util.Arrays.fill(buffer, (byte) 'b');
    upload.part(2, buffer, 10);
    java.util.Arrays.fill(buffer, (byte) 'a');
    upload.part(1, buffer, buffer.length);
    java.util.Arrays.fill(buffer, (byte) 'c');
    upload.part(3, buffer, 5);

    // each part is a file beside the object while the upload runs, none of them listed
    try (var files = Files.list(root.resolve("exports"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .hasSize(3)
          .allMatch(name -> name.startsWith(".part-") && name.endsWith(".tmp"));
    }
    assertThat(store.list("")).isEmpty();
    assertThat(store.head("exports/big.tar.zst")).isEmpty();

    upload.complete();

    byte[] stored = Files.readAllBytes(root.resolve("exports/big.tar.zst"));
    assertThat(stored).hasSize((1 << 20) + 15);
    assertThat(stored[0]).isEqualTo((byte) 'a');
    assertThat(stored[1 << 20]).isEqualTo((byte) 'b');
    assertThat(stored[stored.length - 1]).isEqualTo((byte) 'c');
    try (var files = Files.list(root.resolve("exports"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("big.tar.zst");
    }
  }

  @Test
  void anAbortedUploadLeavesNothing() throws IOException {
    FileObjectStore store = new FileObjectStore(root);
    ObjectStore.Upload upload =
        store.startUpload("exports/gone.zst", "application/zstd", java.util.Map.of());
    upload.part(1, new byte[100], 100);
    upload.abort();

    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
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
    // an S3 store's client is built in the background, so bad settings are refused when it is
    // named, as usage errors, not at its first request
    assertThatThrownBy(
            () ->
                StoreLocation.open(
                    "s3://bucket/", java.util.Map.of("FEDIMON_S3_ENDPOINT", "localhost:9000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(
            () ->
                new S3Settings(
                    null, " ", "bucket", "", null, null, true, false)) // a blank env var defaults
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region");
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

  @Test
  void listsRegularFilesInKeyOrderWithoutLinksOrWritesInProgress() throws IOException {
    // names around '/' in byte order: '.' sorts before it, '0' after, so a folder's files and the
    // files beside it interleave; a walk that sorted folder by folder without care would not
    java.util.List<String> keys =
        java.util.List.of(
            "a.b", "a/x", "a/y/z", "a0", "b", "cache/x/1.png", "cache-x", "media/000/001/o.png");
    for (String key : keys) {
      Path file = root.resolve(key);
      Files.createDirectories(file.getParent());
      Files.write(file, key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Files.writeString(root.resolve("a/half-written.tmp"), "x");
    Files.createSymbolicLink(root.resolve("a/link"), root.resolve("b"));
    Files.createSymbolicLink(root.resolve("linked-folder"), root.resolve("a"));
    Files.createDirectories(root.resolve("empty/folder"));

    FileObjectStore store = new FileObjectStore(root);
    try (var listing = store.list("")) {
      java.util.List<StoredObject> objects = listing.toList();
      assertThat(objects).extracting(StoredObject::key).isEqualTo(keys.stream().sorted().toList());
      assertThat(objects)
          .allSatisfy(o -> assertThat(o.size()).isEqualTo(o.key().length()))
          .allSatisfy(o -> assertThat(o.lastModified()).isNotNull());
    }
    try (var listing = store.list("a")) {
      assertThat(listing.map(StoredObject::key)).containsExactly("a/x", "a/y/z");
    }
    try (var listing = store.list("nothing-here")) {
      assertThat(listing).isEmpty();
    }
  }

  @Test
  void aDeepTreeListedAheadOnThreadsComesOutInKeyOrderAndAnEarlyCloseStopsThem()
      throws IOException, InterruptedException {
    // Mastodon's layout (a folder per id, a folder per style) at a few thousand files, plus names
    // that sort around '/' at every level
    java.util.List<String> keys = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 2500; i++) {
      String id = String.format("%09d", random.nextInt(1_000_000_000));
      String folder =
          "media_attachments/files/"
              + id.substring(0, 3)
              + "/"
              + id.substring(3, 6)
              + "/"
              + id.substring(6);
      keys.add(folder + "/original/" + i + ".png");
      if (i % 7 == 0) {
        keys.add(folder + "/small/" + i + ".png");
        keys.add(folder + ".b");
        keys.add(folder + "0");
      }
    }
    keys.add("accounts/avatars/000/000/001/original/a.png");
    keys.add("cache/x.png");
    keys = keys.stream().distinct().sorted().toList();
    for (String key : keys) {
      Path file = root.resolve(key);
      Files.createDirectories(file.getParent());
      Files.writeString(file, key);
    }
    FileObjectStore store = new FileObjectStore(root);

    try (var listing = store.list("")) {
      assertThat(listing.map(StoredObject::key).toList()).isEqualTo(keys);
    }
    try (var listing = store.list("media_attachments")) {
      assertThat(listing.limit(3).toList()).hasSize(3);
    }
    // closed walks stop their threads: each ends (is joined) rather than waits for more work
    for (Thread thread : walkThreads()) {
      thread.join(5_000);
    }
    assertThat(walkThreads()).as("threads listing ahead once the walks are closed").isEmpty();
  }

  private static java.util.List<Thread> walkThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("fedimon-walk") && t.isAlive())
        .toList();
  }
}
