package social.fedimon.engine.testing;

import java.nio.file.Path;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.intake.Inspector;
import social.fedimon.engine.intake.Report;

/** Shorthands for running the inspector on fixture files. */
public final class Inspections {

  private Inspections() {}

  public static Report inspect(Path file) {
    return inspect(file, Secrets.none());
  }

  public static Report inspect(Path file, Secrets secrets) {
    return inspect(file, secrets, ArchiveLimits.DEFAULTS);
  }

  public static Report inspect(Path file, Secrets secrets, ArchiveLimits limits) {
    return new Inspector(limits).inspect(Source.of(file), secrets, bytes -> {});
  }

  public static Secrets passwords(String... passwords) {
    return new Secrets(java.util.List.of(passwords), java.util.List.of(), java.util.List.of());
  }

  /** The problem codes of a report, in order. */
  public static java.util.List<String> codes(Report report) {
    return report.problems().stream().map(Report.ProblemView::code).toList();
  }
}
