package social.fedimon.engine.intake;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.ArchiveReader;
import social.fedimon.engine.archive.DecoderThreads;
import social.fedimon.engine.archive.ReadAhead;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.CustomDumpReader;
import social.fedimon.engine.dump.DumpFormat;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.PlainDumpReader;
import social.fedimon.engine.dump.RestoreFailed;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.dump.RestoringHandler;
import social.fedimon.engine.dump.SqlGuard;
import social.fedimon.engine.dump.TargetDatabase;
import social.fedimon.engine.dump.TargetServer;
import social.fedimon.engine.dump.TocEntry;
import social.fedimon.engine.dump.TocFile;

/**
 * {@code fedimon restore}: the archive is read twice. First the whole of it is inspected, the dump
 * through the SQL guard, so that a hostile statement anywhere rejects the dump before a single
 * statement runs (one pass would have to run what comes first before seeing what comes last). Then
 * it is read again and the dump restored, and every table's rows are counted against the dump's.
 */
public final class RestoreFlow {

  /**
   * How to restore.
   *
   * @param jobs connections used at once for table data and post-data
   * @param clean drop what the role owns in the target first, instead of refusing a non-empty one
   */
  public record Options(
      int jobs,
      boolean clean,
      social.fedimon.engine.media.@org.jspecify.annotations.Nullable ObjectStore mediaTo) {

    public Options(int jobs, boolean clean) {
      this(jobs, clean, null);
    }
  }

  private final ArchiveLimits limits;
  private final DumpPolicy policy;
  private final Inspector.Expectations expectations;
  private final DecoderThreads threads;

  public RestoreFlow(ArchiveLimits limits, DumpPolicy policy) {
    this(limits, policy, Inspector.Expectations.NONE);
  }

  public RestoreFlow(ArchiveLimits limits, DumpPolicy policy, Inspector.Expectations expectations) {
    this(limits, policy, expectations, DecoderThreads.perCore());
  }

  /**
   * @param threads the decoding and read-ahead threads, shared with the caller's other reads
   */
  public RestoreFlow(
      ArchiveLimits limits,
      DumpPolicy policy,
      Inspector.Expectations expectations,
      DecoderThreads threads) {
    this.limits = limits;
    this.policy = policy;
    this.expectations = expectations;
    this.threads = threads;
  }

  public Report restore(
      Source source,
      Secrets secrets,
      RestoreTarget target,
      Options options,
      RestoreListener listener,
      LongConsumer progress) {
    Undo undo = new Undo(target);
    try (Connection main = target.connect("pre-data")) {
      listener.phase("checking the target");
      TargetDatabase.checkRole(main);
      if (TargetDatabase.userObjects(main) > 0) {
        if (!options.clean()) {
          return refused(
              source,
              secrets,
              progress,
              main,
              "the database "
                  + target.database()
                  + " is not empty: restore into an empty database,"
                  + " or give --clean to drop what the role owns in it first");
        }
        TargetDatabase.clean(main);
      }
      DumpPolicy againstTarget = policy.withTarget(TargetServer.of(main));
      listener.phase("checking the archive");
      // the first pass decides, before anything runs; rows and media are counted by the second
      Inspector inspector = new Inspector(limits, againstTarget, expectations, threads);
      Inspector.Inspection inspection = inspector.inspectInDepth(source, secrets, progress, false);
      Report report = inspection.report();
      if (!report.accepted()) {
        return report;
      }
      Optional<DumpFinder.Found> dump = inspection.dump();
      if (dump.isEmpty() || dump.get().format() == null) {
        return with(
            report,
            Problem.of(ProblemCode.RESTORE_FAILED, "there is no PostgreSQL dump to restore"),
            null);
      }
      listener.phase("pre-data");
      undo.writing = true;
      // media go up from a second reader of the archive, alongside the database restore
      MediaPass media =
          options.mediaTo() == null
              ? null
              : MediaPass.start(limits, secrets, source, options.mediaTo(), threads);
      undo.media = media;
      MediaRowReader restoredMedia = new MediaRowReader();
      try (RestoringHandler handler =
          new RestoringHandler(
                  target,
                  main,
                  options.jobs(),
                  listener,
                  dump.get().summary().postDataStatements(),
                  restoredMedia)
              .restoringOnly(dump.get().summary().chosenDatabase().orElse(null))) {
        Optional<Path> bareCustom =
            dump.get().format() == DumpFormat.CUSTOM && report.layers().isEmpty()
                ? source.file()
                : Optional.empty();
        if (bareCustom.isPresent()) {
          // a custom dump as a file of its own: seekable, so its tables load largest first
          new CustomDumpReader(againstTarget.newGuard(), limits)
              .read(bareCustom.get(), handler, progress);
        } else {
          new ArchiveReader(limits, secrets, threads)
              .read(
                  source,
                  new Pass(dump.get(), againstTarget.newGuard(), handler, limits),
                  progress);
        }
        finishTocDump(dump.get(), againstTarget.newGuard(), handler);
        handler.finish();
        listener.phase("verifying");
        Map<String, Long> expected = handler.rowsSent();
        handler.awaitRows();
        report = inspector.reportWith(inspection, expected, restoredMedia);
        Map<String, Long> restored = handler.countRows();
        List<String> mismatches = new ArrayList<>();
        if (expected != null) {
          expected.forEach(
              (table, rows) -> {
                Long got = restored.get(table);
                if (got == null || !got.equals(rows)) {
                  mismatches.add(table + ": " + rows + " in the dump, " + got + " restored");
                }
              });
        }
        if (!mismatches.isEmpty()) {
          throw new RestoreFailed(
              "row counts differ after the restore: " + String.join("; ", mismatches));
        }
        Report.Counts mediaCounts = null;
        if (media != null) {
          listener.phase("media");
          mediaCounts = media.finish();
        }
        undo.writing = false; // done: nothing to take back
        return new Report(
            report.verdict(),
            report.layers(),
            report.problems(),
            report.env(),
            report.database(),
            report.media(),
            report.other(),
            new Report.Restored(target.database(), restored, mediaCounts));
      } finally {
        if (media != null) {
          undo.takeBackMedia(); // before close, which drops uploads not yet started
          media.close();
        }
      }
    } catch (RestoreFailed e) {
      return failed(source, e.getMessage() + undo.run());
    } catch (BackupRejected e) {
      // damage the first pass could not see (it does not decompress a custom dump's data), or
      // bytes that changed between the passes (a damaged disk, a file still being written)
      return failed(
          source, "the restore stopped: " + e.problem().message() + undo.run(), e.problem().code());
    } catch (SQLException e) {
      return failed(source, "the database refused: " + e.getMessage() + undo.run());
    } catch (IOException e) {
      return failed(source, "reading the dump failed: " + e.getMessage() + undo.run());
    }
  }

  /**
   * What a restore that fails once it has written takes back, so that it leaves nothing behind: the
   * target database was empty when it began (or emptied by {@code --clean}), so what the role owns
   * in it is dropped again; the media it stored are deleted.
   */
  private static final class Undo {
    private final RestoreTarget target;
    boolean writing;
    @org.jspecify.annotations.Nullable MediaPass media;
    private final List<String> done = new ArrayList<>();
    private final List<String> left = new ArrayList<>();

    Undo(RestoreTarget target) {
      this.target = target;
    }

    /** When the restore failed after it began writing: removes the media it stored. */
    void takeBackMedia() {
      if (!writing || media == null) {
        return;
      }
      try {
        long removed = media.undo();
        done.add(removed + " media " + (removed == 1 ? "file" : "files") + " it stored removed");
      } catch (RuntimeException e) {
        left.add("some media it stored may remain (" + e.getMessage() + ")");
      }
    }

    /** Takes back what was written; says what it did (or could not do), for the report. */
    String run() {
      if (!writing) {
        return "";
      }
      try (Connection connection = target.connect("undo")) {
        TargetDatabase.clean(connection);
        done.add(0, "the database is empty again");
      } catch (SQLException | RuntimeException e) {
        left.add(0, "the database may hold a partial restore (" + e.getMessage() + ")");
      }
      return left.isEmpty()
          ? "; nothing of it was kept: " + String.join(", ", done)
          : "; " + String.join("; ", left) + ": restore again with --clean";
    }
  }

  /** Statements of a directory or tar dump that come after its table files. */
  private static void finishTocDump(DumpFinder.Found dump, SqlGuard guard, RestoringHandler handler)
      throws IOException {
    if (dump.toc() != null) {
      TocFile.statements(dump.toc(), guard, handler, TocEntry.SECTION_DATA);
      TocFile.statements(dump.toc(), guard, handler, TocEntry.SECTION_POST_DATA);
    }
  }

  /** The second pass: feeds the chosen dump to the restoring handler, ignores the rest. */
  private final class Pass implements MediaAware {
    private final DumpFinder.Found dump;
    private final SqlGuard guard;
    private final RestoringHandler handler;
    private final Map<String, TocEntry> tableFiles = new HashMap<>();
    private boolean preDataDone;

    private final ArchiveLimits limits;

    Pass(DumpFinder.Found dump, SqlGuard guard, RestoringHandler handler, ArchiveLimits limits) {
      this.limits = limits;
      this.dump = dump;
      this.guard = guard;
      this.handler = handler;
      if (dump.toc() != null) {
        for (TocEntry entry : dump.toc().entries()) {
          if (entry.isTableData() && entry.fileName() != null) {
            tableFiles.put(entry.fileName(), entry);
          }
        }
      }
    }

    @Override
    public void file(ArchiveEntry entry, InputStream content) throws IOException {
      if (dump.toc() != null) {
        tocDumpFile(entry, content);
        return;
      }
      if (!entry.name().equals(dump.entry()) && !(dump.entry().equals(entry.name()))) {
        return;
      }
      // the layers below (zstd, gpg...) decode on one core while the dump is parsed on another
      try (ReadAhead ahead = new ReadAhead(content, 1 << 20, threads)) {
        if (dump.format() == DumpFormat.CUSTOM) {
          new CustomDumpReader(guard, limits).read(ahead, handler);
        } else {
          new PlainDumpReader(guard).read(ahead, handler);
        }
      }
    }

    private void tocDumpFile(ArchiveEntry entry, InputStream content) throws IOException {
      if (!preDataDone) {
        TocFile.statements(dump.toc(), guard, handler, TocEntry.SECTION_PRE_DATA);
        preDataDone = true;
      }
      if (!entry.folder().equals(dump.folder())) {
        return;
      }
      String baseName = entry.fileName().replaceAll("\\.(gz|lz4|zst)$", "");
      TocEntry table = tableFiles.get(baseName);
      if (table != null) {
        TocFile.tableData(table, content, guard, handler);
      }
    }

    @Override
    public void problem(Problem problem) {}
  }

  private Report refused(
      Source source, Secrets secrets, LongConsumer progress, Connection main, String message) {
    return failed(source, message, ProblemCode.TARGET_REFUSED);
  }

  private static Report failed(Source source, String message) {
    return failed(source, message, ProblemCode.RESTORE_FAILED);
  }

  private static Report failed(Source source, String message, ProblemCode code) {
    Report.ProblemView problem =
        new Report.ProblemView(code.code(), code.severity().label(), message, null);
    return new Report(
        Report.REJECTED,
        List.of(),
        List.of(problem),
        null,
        null,
        Report.Media.none(),
        new Report.Other(0, 0, List.of()),
        null);
  }

  private static Report with(Report report, Problem problem, Report.Restored restored) {
    List<Report.ProblemView> problems = new ArrayList<>(report.problems());
    problems.add(
        new Report.ProblemView(
            problem.code().code(),
            problem.code().severity().label(),
            problem.message(),
            problem.entry()));
    return new Report(
        problem.code().rejects() ? Report.REJECTED : report.verdict(),
        report.layers(),
        problems,
        report.env(),
        report.database(),
        report.media(),
        report.other(),
        restored);
  }
}
