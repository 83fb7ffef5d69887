package social.fedimon.engine.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.CountingInputStream;
import social.fedimon.engine.archive.Drain;
import social.fedimon.engine.archive.Layer;
import social.fedimon.engine.dump.ArchiveToc;
import social.fedimon.engine.dump.CustomDumpReader;
import social.fedimon.engine.dump.DumpFormat;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.DumpRejected;
import social.fedimon.engine.dump.DumpSniffer;
import social.fedimon.engine.dump.DumpSummary;
import social.fedimon.engine.dump.PlainDumpReader;
import social.fedimon.engine.dump.SqlGuard;
import social.fedimon.engine.dump.TocEntry;
import social.fedimon.engine.dump.TocFile;

/**
 * Reads every dump found in a backup through the guard and counts its rows: plain SQL and custom
 * archives as they stream past; directory and tar archives from their toc.dat and table files,
 * which may come in any order, matched up at the end.
 */
final class DumpFinder {

  /** Table files this small are kept whole until their toc.dat names them (schema_migrations). */
  static final int KEPT_TABLE_FILE_BYTES = 1 << 20;

  private static final Pattern TABLE_FILE = Pattern.compile("\\d+\\.dat(\\.gz|\\.lz4|\\.zst)?");

  /**
   * A dump in the backup.
   *
   * @param entry its entry, folder (directory format) or archive (tar format)
   * @param format its pg_dump format, null for another database's dump
   * @param compression its bytes' compression
   * @param engine postgresql, mysql, sqlite
   * @param folder for directory and tar formats, the folder of toc.dat
   * @param summary what reading it found
   * @param guard the guard it was read through
   * @param toc for directory and tar formats, the table of contents
   */
  record Found(
      String entry,
      @Nullable DumpFormat format,
      Optional<Layer> compression,
      String engine,
      @Nullable String folder,
      DumpSummary summary,
      MediaRowReader media,
      SqlGuard guard,
      @Nullable ArchiveToc toc) {}

  private record TableFile(long rows, byte @Nullable [] content) {}

  private final String sourceName;
  private final DumpPolicy policy;
  final List<Found> found = new ArrayList<>();
  private final Map<String, Map<String, TableFile>> tableFiles = new HashMap<>();

  private final boolean countRows;

  /** Held to by a custom dump's data blocks, whose compression no archive layer sees. */
  private final social.fedimon.engine.archive.ArchiveLimits limits;

  DumpFinder(
      String sourceName,
      DumpPolicy policy,
      boolean countRows,
      social.fedimon.engine.archive.ArchiveLimits limits) {
    this.sourceName = sourceName;
    this.policy = policy;
    this.countRows = countRows;
    this.limits = limits;
  }

  /**
   * Reads a file whose head says it is a dump. A damaged dump is a problem of that dump (the rest
   * of the archive is still read); a damaged archive around it stops everything, as elsewhere.
   */
  void dump(ArchiveEntry entry, DumpSniffer.Kind kind, InputStream content) throws IOException {
    DumpFormat format = kind instanceof DumpSniffer.PostgreSql postgres ? postgres.format() : null;
    try {
      read(entry, kind, content);
    } catch (DumpRejected e) {
      rejected(entry, format, e.problem());
    } catch (java.io.EOFException e) {
      rejected(
          entry,
          format,
          social.fedimon.engine.Problem.of(
              social.fedimon.engine.ProblemCode.CORRUPT,
              "the dump is truncated: " + e.getMessage()));
    } catch (IOException e) {
      // a data block that does not decode; a damaged archive around it shows again when the
      // archive reader reads on, and stops everything there
      rejected(
          entry,
          format,
          social.fedimon.engine.Problem.of(
              social.fedimon.engine.ProblemCode.CORRUPT,
              "the dump's data cannot be decoded: " + e.getMessage()));
    }
  }

  private void rejected(
      ArchiveEntry entry, @Nullable DumpFormat format, social.fedimon.engine.Problem problem) {
    DumpSummary summary = new DumpSummary();
    summary.problem(problem);
    found.add(
        new Found(
            entry.name(),
            format,
            entry.compression(),
            "postgresql",
            null,
            summary,
            new MediaRowReader(),
            policy.newGuard(),
            null));
  }

  private void read(ArchiveEntry entry, DumpSniffer.Kind kind, InputStream content)
      throws IOException {
    if (kind instanceof DumpSniffer.Other other) {
      found.add(
          new Found(
              entry.name(),
              null,
              entry.compression(),
              other.engine(),
              null,
              new DumpSummary(),
              new MediaRowReader(),
              policy.newGuard(),
              null));
      return;
    }
    DumpFormat format = ((DumpSniffer.PostgreSql) kind).format();
    SqlGuard guard = policy.newGuard();
    MediaRowReader media = new MediaRowReader();
    DumpSummary summary = new DumpSummary(countRows, media);
    boolean toc = entry.fileName().equals("toc.dat") && format == DumpFormat.DIRECTORY;
    if (toc) {
      ArchiveToc archiveToc = TocFile.read(content);
      CustomDumpReader.describe(archiveToc.header(), summary);
      for (int section :
          new int[] {
            TocEntry.SECTION_PRE_DATA, TocEntry.SECTION_DATA, TocEntry.SECTION_POST_DATA
          }) {
        TocFile.statements(archiveToc, guard, summary, section);
      }
      found.add(tocDump(entry, guard, summary, media, archiveToc));
      return;
    }
    if (format == DumpFormat.CUSTOM) {
      new CustomDumpReader(guard, limits).read(content, summary);
    } else {
      new PlainDumpReader(guard).read(content, summary);
      ClusterChoice.choose(summary);
    }
    found.add(
        new Found(
            entry.name(),
            format,
            entry.compression(),
            "postgresql",
            null,
            summary,
            media,
            guard,
            null));
  }

  private Found tocDump(
      ArchiveEntry entry,
      SqlGuard guard,
      DumpSummary summary,
      MediaRowReader media,
      ArchiveToc toc) {
    // a toc.dat at the root of a tar that is itself an entry (or the source) is pg_dump -Ft
    boolean rootOfTar =
        entry.enclosingLayer() == Layer.TAR
            && entry.enclosingArchive() != null
            && entry.folder().equals(entry.enclosingArchive());
    if (rootOfTar) {
      return new Found(
          entry.enclosingArchive(),
          DumpFormat.TAR,
          Optional.empty(),
          "postgresql",
          entry.folder(),
          summary,
          media,
          guard,
          toc);
    }
    String folder = entry.folder().isEmpty() ? "." : entry.folder();
    return new Found(
        folder,
        DumpFormat.DIRECTORY,
        Optional.empty(),
        "postgresql",
        entry.folder(),
        summary,
        media,
        guard,
        toc);
  }

  /** Whether a file is pg_dump -Ft's restore.sql, which only makes sense beside its toc.dat. */
  static boolean isRestoreScript(ArchiveEntry entry, byte[] head) {
    return entry.fileName().equals("restore.sql")
        && new String(head, java.nio.charset.StandardCharsets.UTF_8).contains("$$PATH$$");
  }

  /** Counts a file that may be a table file of a directory or tar archive; returns its size. */
  long maybeTableFile(ArchiveEntry entry, InputStream content) throws IOException {
    CountingInputStream counted = new CountingInputStream(content);
    if (!TABLE_FILE.matcher(entry.fileName()).matches()) {
      Drain.all(counted);
      return counted.count();
    }
    InputStream rowsOnly = TocFile.rows(counted);
    byte[] head = rowsOnly.readNBytes(KEPT_TABLE_FILE_BYTES + 1);
    long rows = countLines(head);
    byte[] kept = head.length <= KEPT_TABLE_FILE_BYTES ? head : null;
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = rowsOnly.read(buffer)) > 0) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          rows++;
        }
      }
    }
    String baseName = entry.fileName().replaceAll("\\.(gz|lz4|zst)$", "");
    tableFiles
        .computeIfAbsent(entry.folder(), f -> new HashMap<>())
        .put(baseName, new TableFile(rows, kept));
    return counted.count();
  }

  /** Matches table files to the tables their toc.dat names, now that everything was seen. */
  void resolve() throws IOException {
    for (Found dump : found) {
      if (dump.toc() == null || dump.folder() == null) {
        continue;
      }
      Map<String, TableFile> files = tableFiles.getOrDefault(dump.folder(), Map.of());
      for (TocEntry entry : dump.toc().entries()) {
        if (!entry.isTableData() || entry.fileName() == null) {
          continue;
        }
        TableFile file = files.get(entry.fileName());
        if (file == null) {
          continue;
        }
        if (file.content() != null) {
          dump.summary()
              .tableData(
                  entry.qualifiedName(),
                  entry.copyStatement() == null ? "" : entry.copyStatement(),
                  new ByteArrayInputStream(file.content()));
        } else {
          dump.summary().rowCounts().merge(entry.tag(), file.rows(), Long::sum);
        }
      }
    }
  }

  private static long countLines(byte[] bytes) {
    long lines = 0;
    for (byte b : bytes) {
      if (b == '\n') {
        lines++;
      }
    }
    return lines;
  }

  String sourceName() {
    return sourceName;
  }
}
