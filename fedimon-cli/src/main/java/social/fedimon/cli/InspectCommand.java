package social.fedimon.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.intake.Inspector;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.intake.ReportJson;

/** {@code fedimon inspect}: is this backup good, before any downtime? */
@Command(
    name = "inspect",
    description = {
      "Read a backup end to end and say what is in it and whether FédiMon can restore it.",
      "Nothing is extracted or written (a zip or 7z read from standard input is spooled to a"
          + " temporary file, deleted afterwards)."
    })
final class InspectCommand implements Callable<Integer> {

  enum Format {
    text,
    json
  }

  @Parameters(
      index = "0",
      paramLabel = "ARCHIVE",
      description = "The backup: a file, or - for standard input.")
  String archive;

  @Mixin SecretOptions secrets;

  @Mixin LimitOptions limits;

  @Mixin ExpectationOptions expected;

  @Option(
      names = "--format",
      paramLabel = "text|json",
      description = "text (for people, the default) or json (one document on stdout).")
  Format format = Format.text;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Source source;
    if (archive.equals("-")) {
      source = Source.of("-", System.in);
    } else {
      Path path = Path.of(archive);
      if (!Files.isRegularFile(path)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            Files.isDirectory(path)
                ? archive + " is a folder: make an archive of it first (tar -cf backup.tar FOLDER)"
                : archive + ": no such file");
      }
      source = Source.of(path);
    }
    Secrets loaded;
    try {
      loaded = secrets.load();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Report report;
    PrintStream err = System.err;
    try (Progress.LongConsumerCloseable progress = Progress.of("Reading", source.size(), err)) {
      report =
          new Inspector(
                  limits.limits(),
                  social.fedimon.engine.dump.DumpPolicy.DEFAULTS,
                  expected.expectations(spec.commandLine()))
              .inspect(source, loaded, progress);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json) {
      out.println(ReportJson.write(report));
      out.flush();
    } else {
      ReportText.print(report, archive, out);
    }
    return report.accepted() ? Fedimon.OK : Fedimon.FAILED;
  }
}
