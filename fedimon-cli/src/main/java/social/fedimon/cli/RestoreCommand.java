package social.fedimon.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpPolicy;
import social.fedimon.engine.dump.RestoreListener;
import social.fedimon.engine.dump.RestoreTarget;
import social.fedimon.engine.dump.TargetServer;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.intake.ReportJson;
import social.fedimon.engine.intake.RestoreFlow;

/** {@code fedimon restore}: the dump of a backup into an empty database, checked first. */
@Command(
    name = "restore",
    description = {
      "Restore the database of a backup into an empty PostgreSQL database, as its owner role.",
      "The whole archive is checked first (the same checks as inspect); nothing runs unless it"
          + " passes. Then the dump is restored: schema, table data over --jobs connections,"
          + " indexes and constraints in parallel, and every table's rows are counted against the"
          + " dump's."
    })
final class RestoreCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "ARCHIVE",
      description = "The backup (a file: it is read twice).")
  Path archive;

  @Option(
      names = "--database-url",
      required = true,
      paramLabel = "URL",
      description =
          "postgresql://user:pass@host:port/db or jdbc:postgresql://...; the role must own the database and be no superuser.")
  String databaseUrl;

  @Option(names = "--jobs", paramLabel = "N", description = "Connections at once (default: 2).")
  int jobs = 2;

  @Option(
      names = "--clean",
      description =
          "Drop what the role owns in the database first, instead of refusing a database that is not empty.")
  boolean clean;

  @Option(
      names = "--media-to",
      paramLabel = "URI",
      description =
          "Also upload the media, alongside the restore: file:///dir or s3://bucket/prefix.")
  String mediaTo;

  @Option(
      names = "--allow-extension",
      paramLabel = "NAME",
      description = "An extension the dump may create besides plpgsql (repeatable).")
  List<String> extensions = new ArrayList<>();

  @Mixin SecretOptions secrets;

  @Mixin LimitOptions limits;

  @Mixin ExpectationOptions expected;

  @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json.")
  InspectCommand.Format format = InspectCommand.Format.text;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(archive)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          archive
              + ": no such file (restore reads the archive twice, so it"
              + " needs a file, not standard input)");
    }
    if (jobs < 1 || jobs > 64) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--jobs must be 1 to 64");
    }
    RestoreTarget target;
    Secrets loaded;
    try {
      target = RestoreTarget.parse(databaseUrl);
      loaded = secrets.load();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Set<String> allowed = new HashSet<>(DumpPolicy.DEFAULT_EXTENSIONS);
    allowed.addAll(extensions);
    DumpPolicy policy = new DumpPolicy(allowed, TargetServer.assumed(TargetServer.ASSUMED_MAJOR));
    Source source = Source.of(archive);
    social.fedimon.engine.media.ObjectStore mediaStore;
    try {
      mediaStore =
          mediaTo == null
              ? null
              : social.fedimon.engine.media.StoreLocation.open(mediaTo, System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (mediaStore != null) {
      mediaStore.prepare(); // its client is built while the archive's first layers are opened
    }
    Report report;
    try (Progress.LongConsumerCloseable progress =
        Progress.of("Reading", source.size(), System.err)) {
      report =
          new RestoreFlow(limits.limits(), policy, expected.expectations(spec.commandLine()))
              .restore(
                  source,
                  loaded,
                  target,
                  new RestoreFlow.Options(jobs, clean, mediaStore),
                  new PhaseLines(),
                  progress);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == InspectCommand.Format.json) {
      out.println(ReportJson.write(report));
      out.flush();
    } else {
      ReportText.print(report, archive.toString(), out);
      if (report.restored() != null) {
        long rows =
            report.restored().rowCounts() == null
                ? 0
                : report.restored().rowCounts().values().stream().mapToLong(Long::longValue).sum();
        out.println(
            "Restored into "
                + report.restored().database()
                + ": "
                + report.restored().rowCounts().size()
                + " tables, "
                + rows
                + " rows, each table checked against the dump.");
        out.flush();
      }
    }
    return report.restored() != null ? Fedimon.OK : Fedimon.FAILED;
  }

  /** Phase names on stderr, for a person watching a terminal. */
  private static final class PhaseLines implements RestoreListener {
    @Override
    public void phase(String phase) {
      if (Progress.stderrIsTerminal()) {
        System.err.println("fedimon restore: " + phase);
      }
    }
  }
}
