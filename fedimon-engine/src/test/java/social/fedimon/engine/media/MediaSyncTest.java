package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.testing.ForwardingStore;
import social.fedimon.engine.testing.S3ProxyFixture;

/** Copies between a folder and buckets on a real S3 API (S3Proxy), with multipart and resumes. */
class MediaSyncTest {

  @TempDir Path dir;

  private Path mediaTree(int files) throws IOException {
    Random random = new Random(7);
    Path root = Files.createDirectories(dir.resolve("system"));
    for (int i = 1; i <= files; i++) {
      Path file =
          root.resolve(
              "media_attachments/files/000/000/"
                  + String.format("%03d", i)
                  + "/original/f"
                  + i
                  + ".png");
      Files.createDirectories(file.getParent());
      byte[] bytes = new byte[1000 + random.nextInt(50_000)];
      random.nextBytes(bytes);
      Files.write(file, bytes);
    }
    Path big = root.resolve("media_attachments/files/000/001/000/original/video.mp4");
    Files.createDirectories(big.getParent());
    byte[] bytes = new byte[MediaUploader.PART_BYTES * 2 + 12345];
    random.nextBytes(bytes);
    Files.write(big, bytes);
    return root;
  }

  @Test
  void copiesAFolderWithKeysAndContentTypesAndASecondSyncSendsNothing() throws IOException {
    Path root = mediaTree(30);
    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore bucket = S3ObjectStore.connect(S3ProxyFixture.newBucket())) {

      MediaSync.Result first = MediaSync.sync(folder, bucket, 8, n -> {});
      MediaSync.Result second = MediaSync.sync(folder, bucket, 8, n -> {});

      assertThat(first.files()).isEqualTo(31);
      assertThat(first.skipped()).isZero();
      assertThat(second.files()).isZero();
      assertThat(second.skipped()).isEqualTo(31);
      String video = "media_attachments/files/000/001/000/original/video.mp4";
      assertThat(bucket.head(video))
          .get()
          .extracting(StoredObject::size)
          .isEqualTo(Files.size(root.resolve(video)));
      try (InputStream in = bucket.open(video)) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(root.resolve(video)));
      }
      assertThat(bucket.list("media_attachments").count()).isEqualTo(31);
    }
  }

  @Test
  void aFileWrittenInTheSecondItWasStoredIsUnchangedButALaterOneIsSentAgain() {
    Instant stored = Instant.parse("2026-11-28T12:00:00Z"); // S3 lists whole seconds
    StoredObject copy = new StoredObject("a.png", 10, "\"abc\"", Map.of(), stored);
    StoredObject sameSecond =
        new StoredObject("a.png", 10, null, Map.of(), Instant.parse("2026-11-28T12:00:00.900Z"));
    StoredObject nextSecond =
        new StoredObject("a.png", 10, null, Map.of(), Instant.parse("2026-11-28T12:00:01.100Z"));
    StoredObject resized =
        new StoredObject("a.png", 11, null, Map.of(), Instant.parse("2026-11-28T11:00:00Z"));

    assertThat(MediaSync.sameContent(sameSecond, copy, null)).isTrue();
    assertThat(MediaSync.sameContent(nextSecond, copy, null)).isFalse();
    assertThat(MediaSync.sameContent(resized, copy, null)).isFalse();
  }

  @Test
  void copiesBucketToBucketAndThenOnlyWhatChanged() throws IOException {
    Path root = mediaTree(12);
    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore theirs = S3ObjectStore.connect(S3ProxyFixture.newBucket());
        S3ObjectStore ours = S3ObjectStore.connect(S3ProxyFixture.newBucket())) {
      MediaSync.sync(folder, theirs, 4, n -> {});

      MediaSync.Result first = MediaSync.sync(theirs, ours, 4, n -> {});
      theirs.put(
          "media_attachments/files/000/000/001/original/f1.png", new byte[] {1, 2, 3}, "image/png");
      MediaSync.Result second = MediaSync.sync(theirs, ours, 4, n -> {});

      assertThat(first.files()).isEqualTo(13);
      assertThat(second.files()).as("only the changed file").isEqualTo(1);
      assertThat(second.skipped()).isEqualTo(12);
      try (InputStream in = ours.open("media_attachments/files/000/000/001/original/f1.png")) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
    }
  }

  @Test
  void anInterruptedTransferResumesWithWhatIsMissing() throws IOException {
    Path root = mediaTree(20);
    try (S3ObjectStore bucket = S3ObjectStore.connect(S3ProxyFixture.newBucket());
        FileObjectStore folder = new FileObjectStore(root)) {
      AtomicInteger calls = new AtomicInteger();
      ObjectStore failing = new FailingAfter(bucket, 10, calls);

      assertThatThrownBy(() -> MediaSync.sync(folder, failing, 1, n -> {}))
          .isInstanceOf(ObjectStoreException.class);
      long storedBefore = bucket.list("").count();
      MediaSync.Result resumed = MediaSync.sync(folder, bucket, 4, n -> {});

      assertThat(storedBefore).isBetween(1L, 20L);
      assertThat(resumed.skipped()).isEqualTo(storedBefore);
      assertThat(resumed.files()).isEqualTo(21 - storedBefore);
      assertThat(bucket.list("media_attachments").count()).isEqualTo(21);
    }
  }

  @Test
  void aSyncAfterACompleteOneComparesWithItsRecordInsteadOfListingTheTarget() throws IOException {
    Path root = mediaTree(10);
    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore bucket = S3ObjectStore.connect(S3ProxyFixture.newBucket())) {
      AtomicInteger writes = new AtomicInteger();
      FailingAfter watched = new FailingAfter(bucket, Integer.MAX_VALUE, writes);
      MediaSync.sync(folder, watched, 4, n -> {});
      int listingsAfterFirst = watched.listings.get();
      // one file rewritten with other bytes of the same size, a second later
      Path changed = root.resolve("media_attachments/files/000/000/003/original/f3.png");
      byte[] other = Files.readAllBytes(changed);
      other[0] ^= 1;
      Files.write(changed, other);
      Files.setLastModifiedTime(
          changed,
          java.nio.file.attribute.FileTime.from(
              Files.getLastModifiedTime(changed).toInstant().plusSeconds(1)));

      MediaSync.Result second = MediaSync.sync(folder, watched, 4, n -> {});

      assertThat(listingsAfterFirst).as("the first sync lists the target").isEqualTo(1);
      assertThat(watched.listings.get()).as("the second does not").isEqualTo(1);
      assertThat(second.files()).isEqualTo(1);
      assertThat(second.skipped()).isEqualTo(10);
      try (InputStream in = bucket.open("media_attachments/files/000/000/003/original/f3.png")) {
        assertThat(in.readAllBytes()).isEqualTo(other);
      }
      assertThat(bucket.list(MediaSync.STATE_PREFIX).count()).as("one record").isEqualTo(1);
      int writesBefore = writes.get();
      MediaSync.Result third = MediaSync.sync(folder, watched, 4, n -> {});
      assertThat(third.files()).isZero();
      assertThat(writes.get())
          .as("nothing written, not even the unchanged record")
          .isEqualTo(writesBefore);
    }
  }

  @Test
  void aSyncWithNothingToSendReadsTheRecordWithoutBuildingTheTargetsClient() throws IOException {
    Path root = mediaTree(10);
    S3Settings settings = S3ProxyFixture.newBucket();
    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore bucket =
            S3ObjectStore.connect(
                settings, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      assertThat(MediaSync.sync(folder, bucket, 4, n -> {}).files()).isEqualTo(11);
    }

    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore bucket =
            S3ObjectStore.connect(
                settings, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      MediaSync.Result second = MediaSync.sync(folder, bucket, 4, n -> {});

      assertThat(second.files()).isZero();
      assertThat(second.skipped()).isEqualTo(11);
      assertThat(bucket.clientStarted()).as("the SDK client was never built").isFalse();
    }

    // a change is still found and sent by a store that started without its client
    Path changed = root.resolve("media_attachments/files/000/000/004/original/f4.png");
    Files.write(changed, new byte[] {1, 2, 3});
    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore bucket =
            S3ObjectStore.connect(
                settings, S3ObjectStore.Requests.LEAN, java.time.Clock.systemUTC())) {
      MediaSync.Result third = MediaSync.sync(folder, bucket, 4, n -> {});

      assertThat(third.files()).isEqualTo(1);
      try (InputStream in = bucket.open("media_attachments/files/000/000/004/original/f4.png")) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
    }
  }

  @Test
  void aFullSyncNoticesWhatWasRemovedFromTheTargetAndRecordsAreNeverCopied() throws IOException {
    Path root = mediaTree(5);
    try (FileObjectStore folder = new FileObjectStore(root);
        S3ObjectStore theirs = S3ObjectStore.connect(S3ProxyFixture.newBucket());
        S3ObjectStore ours = S3ObjectStore.connect(S3ProxyFixture.newBucket())) {
      MediaSync.sync(folder, theirs, 4, n -> {}); // theirs now holds a record of its own
      MediaSync.sync(theirs, ours, 4, n -> {});
      String removed = "media_attachments/files/000/000/002/original/f2.png";
      ours.delete(removed);

      MediaSync.Result trusting = MediaSync.sync(theirs, ours, 4, n -> {});
      MediaSync.Result full = MediaSync.sync(theirs, ours, 4, n -> {}, true);

      assertThat(trusting.files()).as("the record says it is there").isZero();
      assertThat(full.files()).isEqualTo(1);
      assertThat(ours.head(removed)).isPresent();
      assertThat(ours.list(MediaSync.STATE_PREFIX).map(StoredObject::key))
          .as("only the record of this sync, not theirs copied")
          .containsExactly(
              MediaSync.STATE_PREFIX + "sync/" + MediaSync.sourceId(theirs) + ".tsv.gz");
    }
  }

  @Test
  void recordKeysSurviveTabsAndPercents() {
    for (String key : new String[] {"a/b.png", "50%/x\ty", "tab\there", "line\nbreak%0A"}) {
      String real = key.replace("\\t", "\t").replace("\\n", "\n");
      assertThat(SyncRecord.unescape(SyncRecord.escape(real))).isEqualTo(real);
      assertThat(SyncRecord.escape(real)).doesNotContain("\t", "\n");
    }
  }

  /** A store that starts refusing writes after a number of them, as a dropped link would. */
  private static final class FailingAfter extends ForwardingStore {
    private final int limit;
    private final AtomicInteger calls;
    final AtomicInteger listings = new AtomicInteger();

    FailingAfter(ObjectStore store, int limit, AtomicInteger calls) {
      super(store);
      this.limit = limit;
      this.calls = calls;
    }

    @Override
    protected void beforeWrite() {
      if (calls.incrementAndGet() > limit) {
        throw new ObjectStoreException(store.location(), "connection reset");
      }
    }

    @Override
    protected void beforeList() {
      listings.incrementAndGet();
    }

    @Override
    public void close() {}
  }
}
