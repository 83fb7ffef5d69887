package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.StoredObject;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Inspections;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.S3ProxyFixture;
import social.fedimon.engine.testing.Tools;

/**
 * Media checked against the database and moved to object storage with the restore: the database of
 * the Mastodon-shaped fixture refers to 300 local attachments (ids 500001 to 500300).
 */
class MediaRestoreTest {

  @TempDir static Path dir;

  @BeforeAll
  static void makeBackups() throws IOException {
    String source = MastodonDatabase.createSource();
    Tools.sh(
        dir,
        "mkdir -p live && pg_dump -h "
            + FixtureDatabase.HOST
            + " -U postgres "
            + source
            + " | zstd -q > live/database.sql.zst");
    Files.writeString(dir.resolve("live/.env.production"), InstanceTree.ENV);
    Random random = new Random(3);
    for (int i = 1; i <= 300; i++) {
      if (i % 100 == 0) {
        continue; // three attachments lost by the old host
      }
      Path file =
          dir.resolve(
              "live/public/system/media_attachments/files/000/500/"
                  + String.format("%03d", i)
                  + "/original/photo"
                  + i
                  + ".png");
      Files.createDirectories(file.getParent());
      byte[] bytes = new byte[500 + random.nextInt(4000)];
      random.nextBytes(bytes);
      Files.write(file, bytes);
    }
    Path cached =
        dir.resolve(
            "live/public/system/cache/accounts/avatars/109/000/000/000/000/001/original/remote.png");
    Files.createDirectories(cached.getParent());
    Files.write(cached, new byte[777]);
    Tools.sh(dir, "tar -cf - live | zstd -q > backup.tar.zst");
  }

  @Test
  void saysWhichLocalFilesTheDatabaseRefersToAreMissing() {
    Report report = Inspections.inspect(dir.resolve("backup.tar.zst"));

    // 300 attachments, the site's thumbnail and the local custom emoji
    assertThat(report.media().referenced()).isEqualTo(302);
    assertThat(report.media().missing()).isEqualTo(5);
    assertThat(report.media().local().files()).isEqualTo(297);
    assertThat(report.media().cached().files()).isEqualTo(1);
    assertThat(report.problems())
        .filteredOn(p -> p.code().equals("missing-media"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.message())
                    .contains("5 of the 302")
                    .contains("media_attachments/files/000/500/100/original/photo100.png"));
    assertThat(report.verdict()).as("a warning").isEqualTo("accepted");
  }

  @Test
  void restoresTheDatabaseAndUploadsTheMediaUnderMastodonsKeys() {
    String[] tenant = MastodonDatabase.createTenant();
    try (S3ObjectStore bucket = S3ObjectStore.connect(S3ProxyFixture.newBucket())) {

      Report report =
          new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
              .restore(
                  Source.of(dir.resolve("backup.tar.zst")),
                  Secrets.none(),
                  RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
                  new RestoreFlow.Options(2, false, bucket),
                  RestoreListener.NONE,
                  b -> {});

      assertThat(report.restored()).isNotNull();
      assertThat(report.restored().media().files()).isEqualTo(298);
      assertThat(bucket.head("media_attachments/files/000/500/001/original/photo1.png"))
          .get()
          .extracting(StoredObject::size)
          .isEqualTo(
              sizeOf("live/public/system/media_attachments/files/000/500/001/original/photo1.png"));
      assertThat(bucket.head("cache/accounts/avatars/109/000/000/000/000/001/original/remote.png"))
          .isPresent();
      assertThat(bucket.list("").count()).isEqualTo(298);
    }
  }

  @Test
  void aSecondRestoreSendsOnlyTheMediaThatDifferFromWhatTheBucketHolds() throws IOException {
    String[] tenant = MastodonDatabase.createTenant();
    String photo = "media_attachments/files/000/500/001/original/photo1.png";
    try (S3ObjectStore bucket = S3ObjectStore.connect(S3ProxyFixture.newBucket())) {
      RestoreFlow flow = new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS);
      java.util.function.Supplier<Report> restore =
          () ->
              flow.restore(
                  Source.of(dir.resolve("backup.tar.zst")),
                  Secrets.none(),
                  RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
                  new RestoreFlow.Options(2, true, bucket),
                  RestoreListener.NONE,
                  b -> {});
      Report first = restore.get();
      long size = sizeOf("live/public/system/" + photo);
      // the same size, other bytes: only a checksum tells them apart
      bucket.put(photo, new byte[(int) size], "image/png");

      Report second = restore.get();

      assertThat(first.restored().media().bytes()).isPositive();
      assertThat(second.restored()).isNotNull();
      assertThat(second.restored().media().files()).as("sent or already there").isEqualTo(298);
      assertThat(second.restored().media().bytes()).as("only the changed file").isEqualTo(size);
      try (InputStream in = bucket.open(photo)) {
        assertThat(in.readAllBytes())
            .isEqualTo(Files.readAllBytes(dir.resolve("live/public/system/" + photo)));
      }
    }
  }

  private static long sizeOf(String name) {
    try {
      return Files.size(dir.resolve(name));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
