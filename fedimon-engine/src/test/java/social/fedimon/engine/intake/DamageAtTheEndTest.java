package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.dump.TargetDatabase;
import social.fedimon.engine.media.FileObjectStore;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.ForwardingStore;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * A backup whose damage shows only at the very end of its stream (age's last chunk, OpenPGP's MDC)
 * is found out after the restore has loaded the database and sent media: the restore then fails and
 * leaves nothing behind. The database is empty again, the media it stored are removed, and what the
 * store held before is untouched. The archive's bytes change between the first pass (which accepts
 * them) and the restoring passes, as they would on a failing disk or a file still being written.
 */
class DamageAtTheEndTest {

  @TempDir static Path dir;

  @BeforeAll
  static void archives() throws IOException {
    Tools.require("pg_dump", "age", "age-keygen", "gpg", "tar");
    String source = MastodonDatabase.createSource();
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Tools.sh(tree, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -f database.sql " + source);
    java.util.Random random = new java.util.Random(3);
    for (int i = 1; i <= 12; i++) {
      Path media =
          tree.resolve(
              String.format(
                  "public/system/media_attachments/files/000/000/%03d/original/p%d.png", i, i));
      Files.createDirectories(media.getParent());
      byte[] bytes = new byte[30_000];
      random.nextBytes(bytes);
      Files.write(media, bytes);
    }
    Tools.sh(dir, "age-keygen -o key.txt 2>/dev/null");
    Tools.sh(
        dir,
        "tar -C tree -cf - database.sql public | age -r $(grep -o 'age1[a-z0-9]*' key.txt)"
            + " > backup.tar.age");
    Tools.sh(
        dir,
        "tar -C tree -cf - database.sql public | gpg --batch --quiet --homedir "
            + Files.createDirectories(dir.resolve("gnupg"))
            + " --pinentry-mode loopback --passphrase hunter2 --symmetric --cipher-algo AES256"
            + " -o backup.tar.gpg");
  }

  @Test
  void aLastAgeChunkThatFailsLeavesNothingBehind() throws Exception {
    Secrets secrets = Secrets.load(List.of(), List.of(), List.of(dir.resolve("key.txt")));
    // the last byte is the last chunk's tag: only the end of the stream can tell
    assertLeavesNothing(dir.resolve("backup.tar.age"), secrets, 0);
  }

  @Test
  void anMdcThatFailsLeavesNothingBehind() throws Exception {
    Secrets secrets = Secrets.load(List.of("hunter2"), List.of(), List.of());
    // the last byte is the MDC's hash: OpenPGP checks it at the end of the message
    assertLeavesNothing(dir.resolve("backup.tar.gpg"), secrets, 64);
  }

  /**
   * @param heldBack how many of the damaged stream's last bytes wait for a first stored media file
   *     (0: none; age's decryptor holds back a whole 64 KiB chunk and more to know which is the
   *     last, so holding its end back would hold the media too)
   */
  private static void assertLeavesNothing(Path archive, Secrets secrets, int heldBack)
      throws Exception {
    byte[] good = Files.readAllBytes(archive);
    byte[] damaged = good.clone();
    damaged[damaged.length - 1] ^= 0x01;
    String[] tenant = MastodonDatabase.createTenant();
    Path media = Files.createDirectories(dir.resolve("media-" + tenant[1]));
    Files.writeString(
        Files.createDirectories(media.resolve("accounts")).resolve("before.txt"), "x");
    CountingStore store = new CountingStore(new FileObjectStore(media));

    Report report =
        new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
            .restore(
                new ChangingSource(
                    archive.getFileName().toString(), good, damaged, store.first, heldBack),
                secrets,
                RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
                new RestoreFlow.Options(2, false, store),
                RestoreListener.NONE,
                n -> {});

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(report.restored()).isNull();
    assertThat(report.problems())
        .anySatisfy(
            p -> {
              assertThat(p.code()).isEqualTo("corrupt");
              assertThat(p.message()).contains("nothing of it was kept");
            });
    try (Connection connection =
        DriverManager.getConnection(
            "jdbc:postgresql://"
                + FixtureDatabase.HOST
                + ":"
                + FixtureDatabase.PORT
                + "/"
                + tenant[1]
                + "?user="
                + tenant[0])) {
      assertThat(TargetDatabase.userObjects(connection))
          .as("objects left in the database")
          .isZero();
    }
    assertThat(store.stored.get()).as("media sent before the damage showed").isPositive();
    try (Stream<Path> files = Files.walk(media)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> media.relativize(p).toString()))
          .containsExactly("accounts/before.txt");
    }
  }

  /**
   * The good bytes at the first open (the first pass), the damaged ones at every later open. A
   * restoring pass may get the damaged stream's last bytes only once some media were stored (or
   * after 10 s): the passes run side by side, and the database's pass could otherwise reach the
   * damage before the media's pass stored anything, leaving the removal of stored media untested
   * (CI saw it once).
   */
  private static final class ChangingSource implements Source {
    private final String name;
    private final byte[] good;
    private final byte[] damaged;
    private final CountDownLatch firstStored;
    private final int heldBack;
    private final AtomicInteger opens = new AtomicInteger();

    ChangingSource(
        String name, byte[] good, byte[] damaged, CountDownLatch firstStored, int heldBack) {
      this.name = name;
      this.good = good;
      this.damaged = damaged;
      this.firstStored = firstStored;
      this.heldBack = heldBack;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public InputStream open() {
      if (opens.incrementAndGet() == 1) {
        return new ByteArrayInputStream(good);
      }
      if (heldBack == 0) {
        return new ByteArrayInputStream(damaged);
      }
      return new java.io.SequenceInputStream(
          new ByteArrayInputStream(damaged, 0, damaged.length - heldBack),
          new InputStream() {
            private @org.jspecify.annotations.Nullable InputStream end;

            @Override
            public int read() throws IOException {
              return end().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              return end().read(b, off, len);
            }

            private InputStream end() throws IOException {
              if (end == null) {
                try {
                  firstStored.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new java.io.InterruptedIOException("held back");
                }
                end = new ByteArrayInputStream(damaged, damaged.length - heldBack, heldBack);
              }
              return end;
            }
          });
    }

    @Override
    public Optional<Path> file() {
      return Optional.empty();
    }

    @Override
    public OptionalLong size() {
      return OptionalLong.of(good.length);
    }
  }

  /** A store that counts what was stored in it. */
  private static final class CountingStore extends ForwardingStore {
    final AtomicInteger stored = new AtomicInteger();
    final CountDownLatch first = new CountDownLatch(1);

    CountingStore(ObjectStore store) {
      super(store);
    }

    @Override
    protected void beforeWrite() {
      stored.incrementAndGet();
      first.countDown();
    }
  }
}
