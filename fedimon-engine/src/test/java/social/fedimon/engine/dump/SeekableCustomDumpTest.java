package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * A custom dump in a file of its own is read with its tables largest first (so the restore can
 * build the biggest table's indexes while the others load), and says exactly what the same dump
 * read front to back says.
 */
class SeekableCustomDumpTest {

  @TempDir static Path dir;
  static Path seekable;
  static Path piped;

  @BeforeAll
  static void dumps() {
    Tools.require("pg_dump");
    String db = FixtureDatabase.create("seek");
    // pg_dump writes table data in name order: smallest first here
    FixtureDatabase.execute(
        db,
        "CREATE TABLE a_small (id int PRIMARY KEY, t text);"
            + "CREATE TABLE m_mid (id int PRIMARY KEY, t text);"
            + "CREATE TABLE z_big (id int PRIMARY KEY, t text);"
            + "CREATE TABLE empty_one (id int);"
            + "INSERT INTO a_small SELECT g, 'a' || g FROM generate_series(1, 10) g;"
            + "INSERT INTO m_mid SELECT g, md5(g::text) FROM generate_series(1, 3000) g;"
            + "INSERT INTO z_big SELECT g, md5(g::text) || E'\\ttab' FROM generate_series(1, 40000) g;");
    String pgDump = "pg_dump -h 127.0.0.1 -U postgres " + db;
    Tools.sh(dir, pgDump + " -Fc -f seekable.dump");
    // written to a pipe, pg_dump cannot go back to fill in the data offsets
    Tools.sh(dir, pgDump + " -Fc | cat > piped.dump");
    seekable = dir.resolve("seekable.dump");
    piped = dir.resolve("piped.dump");
    // 20 MB of identical rows: a data block that deflates several hundred times
    String repetitive = FixtureDatabase.create("bomb");
    FixtureDatabase.execute(
        repetitive,
        "CREATE TABLE same (t text);"
            + "INSERT INTO same SELECT repeat('x', 100) FROM generate_series(1, 200000);");
    Tools.sh(dir, "pg_dump -h 127.0.0.1 -U postgres -Fc -f repetitive.dump " + repetitive);
  }

  @Test
  void aDataBlockExpandingPastTheRatioLimitIsStoppedWithSizeLimit() throws IOException {
    Path dump = dir.resolve("repetitive.dump");
    social.fedimon.engine.archive.ArchiveLimits strict =
        social.fedimon.engine.archive.ArchiveLimits.DEFAULTS.withRatio(20, 1 << 20);

    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(dump, new Recorder(), n -> {});
    for (boolean seek : new boolean[] {true, false}) {
      assertThatThrownBy(
              () -> {
                CustomDumpReader reader =
                    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard(), strict);
                if (seek) {
                  reader.read(dump, new Recorder(), n -> {});
                } else {
                  try (InputStream in = Files.newInputStream(dump)) {
                    reader.read(in, new Recorder());
                  }
                }
              })
          .isInstanceOfSatisfying(
              BackupRejected.class,
              e -> {
                assertThat(e.problem().code()).isEqualTo(ProblemCode.SIZE_LIMIT);
                assertThat(e.problem().message()).contains("public.same").contains("times");
              });
    }
  }

  @Test
  void tablesComeLargestFirstWithTheSameRowsAndStatements() throws IOException {
    Recorder fromFile = new Recorder();
    Recorder inFileOrder = new Recorder();

    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(seekable, fromFile, n -> {});
    try (InputStream in = Files.newInputStream(seekable)) {
      new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(in, inFileOrder);
    }

    assertThat(fromFile.tables.keySet())
        .containsExactly("public.z_big", "public.m_mid", "public.a_small", "public.empty_one");
    assertThat(inFileOrder.tables.keySet())
        .containsExactly("public.a_small", "public.empty_one", "public.m_mid", "public.z_big");
    assertThat(fromFile.tables).isEqualTo(inFileOrder.tables);
    assertThat(fromFile.statements).isEqualTo(inFileOrder.statements).isNotEmpty();
    assertThat(fromFile.problems).isEmpty();
  }

  @Test
  void aHandlerTakingTwoTablesAtOnceGetsThemSideBySideWithTheSameRows() throws IOException {
    Recorder oneByOne = new Recorder();
    SideBySide twoAtOnce = new SideBySide();

    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(seekable, oneByOne, n -> {});
    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(seekable, twoAtOnce, n -> {});

    // z_big's reader waited in tableData until a second table arrived on another thread: read
    // one after the other, the wait would have timed out and told so
    assertThat(twoAtOnce.readers).isEqualTo(2);
    assertThat(twoAtOnce.metAnother).isTrue();
    assertThat(twoAtOnce.threads.values()).doesNotHaveDuplicates().hasSize(2);
    assertThat(twoAtOnce.tables).isEqualTo(oneByOne.tables);
    assertThat(twoAtOnce.statements).isEqualTo(oneByOne.statements);
  }

  @Test
  void whenOneTableFailsTheOtherReaderIsStoppedInsteadOfFinishingItsTable() {
    class FailingBesideBig extends Recorder {
      volatile boolean bigStopped;
      final java.util.concurrent.CountDownLatch bigLoading =
          new java.util.concurrent.CountDownLatch(1);

      @Override
      public int tablesAtOnce() {
        return 2;
      }

      @Override
      public void tableData(String table, String copyStatement, InputStream rows)
          throws IOException {
        if (!table.endsWith("z_big")) {
          try {
            // fails once the big table is loading, so that there is a reader to stop
            bigLoading.await(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new IOException("the database refused " + table);
        }
        bigLoading.countDown();
        try {
          // a big table still loading: nothing releases it but an interrupt
          new java.util.concurrent.CountDownLatch(1)
              .await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          bigStopped = true;
          throw new java.io.InterruptedIOException("stopped");
        }
      }
    }
    FailingBesideBig handler = new FailingBesideBig();

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard())
                    .read(seekable, handler, n -> {}));

    // the first failure is the one told, and the big table's reader did not go on for a minute
    assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("the database refused");
    assertThat(handler.bigStopped).isTrue();
  }

  @Test
  void damageMetByOneOfTwoReadersIsRefusedAsCorrupt() throws IOException {
    byte[] bytes = Files.readAllBytes(seekable);
    ArchiveToc toc =
        ArchiveToc.read(new ArchiveInput(new ByteArrayInputStream(bytes), "toc"), false);
    TocEntry mid = byTag(toc, "m_mid");
    TocEntry small = byTag(toc, "a_small");
    int at = (int) mid.dataOffset() + 2;
    bytes[at] = (byte) small.dumpId();
    Path damaged = dir.resolve("damaged-mid.dump");
    Files.write(damaged, bytes);

    Problem problem = refusal(damaged, new SideBySide());
    assertThat(problem.code()).isEqualTo(ProblemCode.CORRUPT);
    assertThat(problem.message()).contains("m_mid").contains("belongs to entry");
  }

  @Test
  void progressReachesTheFileSize() throws IOException {
    List<Long> told = new ArrayList<>();

    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(seekable, new Recorder(), told::add);

    assertThat(told).isNotEmpty().isSorted();
    assertThat(told.get(told.size() - 1)).isEqualTo(Files.size(seekable));
  }

  @Test
  void aDumpWrittenToAPipeHasNoOffsetsAndIsReadInFileOrder() throws IOException {
    Recorder recorder = new Recorder();

    new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(piped, recorder, n -> {});

    assertThat(recorder.tables.keySet())
        .containsExactly("public.a_small", "public.empty_one", "public.m_mid", "public.z_big");
  }

  @Test
  void anOffsetPointingAtAnotherTablesBlockIsRefusedAsCorrupt() throws IOException {
    byte[] bytes = Files.readAllBytes(seekable);
    ArchiveToc toc =
        ArchiveToc.read(new ArchiveInput(new ByteArrayInputStream(bytes), "toc"), false);
    TocEntry big = byTag(toc, "z_big");
    TocEntry mid = byTag(toc, "m_mid");
    // the block header at z_big's offset: type byte, then the id as sign byte + 4 bytes
    int at = (int) big.dataOffset() + 2;
    assertThat(bytes[at]).isEqualTo((byte) big.dumpId());
    bytes[at] = (byte) mid.dumpId();
    Path damaged = dir.resolve("damaged.dump");
    Files.write(damaged, bytes);

    Problem problem = refusal(damaged);
    assertThat(problem.code()).isEqualTo(ProblemCode.CORRUPT);
    assertThat(problem.message()).contains("z_big").contains("belongs to entry");
  }

  @Test
  void twoEntriesClaimingOneBlockAreRefusedAsCorrupt() throws IOException {
    byte[] bytes = Files.readAllBytes(seekable);
    ArchiveToc toc =
        ArchiveToc.read(new ArchiveInput(new ByteArrayInputStream(bytes), "toc"), false);
    long big = byTag(toc, "z_big").dataOffset();
    long mid = byTag(toc, "m_mid").dataOffset();
    // z_big's offset in the TOC: flag 2 (set), then 8 bytes, least significant first
    int at = indexOf(bytes, offsetField(big));
    assertThat(at).isPositive().isLessThan((int) Math.min(big, mid));
    System.arraycopy(offsetField(mid), 0, bytes, at, 9);
    Path damaged = dir.resolve("same-offset.dump");
    Files.write(damaged, bytes);

    Problem problem = refusal(damaged);
    assertThat(problem.code()).isEqualTo(ProblemCode.CORRUPT);
    assertThat(problem.message()).contains("offset " + mid);
  }

  /** The problem a file read through its offsets is refused with. */
  private static Problem refusal(Path dump) {
    return refusal(dump, new Recorder());
  }

  /** The problem a file read through its offsets into {@code handler} is refused with. */
  private static Problem refusal(Path dump, DumpHandler handler) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(dump, handler, n -> {}));
    assertThat(thrown).isInstanceOf(BackupRejected.class);
    return ((BackupRejected) thrown).problem();
  }

  private static byte[] offsetField(long offset) {
    byte[] field = new byte[9];
    field[0] = 2;
    for (int i = 0; i < 8; i++) {
      field[1 + i] = (byte) (offset >>> (8 * i));
    }
    return field;
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= bytes.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static TocEntry byTag(ArchiveToc toc, String tag) {
    return toc.entries().stream()
        .filter(e -> e.isTableData() && e.tag().equals(tag))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A recorder taking two tables at once: the first table waits (up to 10 s) for a second one to
   * arrive on another thread before it reads its rows.
   */
  private static final class SideBySide extends Recorder {
    final java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(2);
    final Map<String, String> threads = new java.util.concurrent.ConcurrentHashMap<>();
    volatile int readers;
    volatile boolean metAnother;

    @Override
    public int tablesAtOnce() {
      return 2;
    }

    @Override
    public void tablesSideBySide(int readers) {
      this.readers = readers;
    }

    @Override
    public void tableData(String table, String copyStatement, InputStream rows) throws IOException {
      threads.putIfAbsent(Thread.currentThread().getName(), table);
      arrived.countDown();
      try {
        if (arrived.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
          metAnother = true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // the rows are read outside the lock, side by side
      String digest = Recorder.digest(rows);
      synchronized (this) {
        tables.put(table, digest);
      }
    }
  }

  /** What a reader hands over: statements in order, each table's rows as a digest. */
  private static class Recorder implements DumpHandler {
    final Map<String, String> tables = new LinkedHashMap<>();
    final List<String> statements = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();

    @Override
    public void describe(DumpDescription description) {}

    @Override
    public void statement(String sql, long line, Phase phase) {
      statements.add(phase + " " + sql);
    }

    @Override
    public void tableData(String table, String copyStatement, InputStream rows) throws IOException {
      tables.put(table, digest(rows));
    }

    static String digest(InputStream rows) throws IOException {
      try {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] all = rows.readAllBytes();
        return all.length + ":" + HexFormat.of().formatHex(md5.digest(all));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void problem(Problem problem) {
      problems.add(problem);
    }
  }
}
