package social.fedimon.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import social.fedimon.engine.archive.Sizes;
import social.fedimon.engine.intake.Report;

/** The report for a person: what was found, what is wrong, and what to do about it. */
final class ReportText {

  private static final Map<String, String> ADVICE =
      Map.ofEntries(
          Map.entry(
              "unrecognized-format",
              "Send a zip, tar (gzip, bzip2, xz, zstd), 7z, or a pg_dump file."),
          Map.entry("secret-required", "Run again with --password, --password-file or --identity."),
          Map.entry("wrong-secret", "Check the password or key; every one given was tried."),
          Map.entry(
              "corrupt",
              "Make the archive again, and check it arrived whole (compare sizes or checksums)."),
          Map.entry(
              "path-traversal",
              "Make the archive from inside the instance folder, with relative names."),
          Map.entry(
              "link-entry",
              "Archive the files the links point to, not the links (tar -h, zip without -y)."),
          Map.entry("special-entry", "Leave devices, fifos and sockets out of the backup."),
          Map.entry(
              "size-limit",
              "If the backup really is that big, raise the limit (see --help); otherwise it is a bomb."),
          Map.entry("no-database", "Add a pg_dump of the Mastodon database to the archive."),
          Map.entry("multiple-databases", "Keep only the dump of the Mastodon database."),
          Map.entry("no-env", "Add .env.production to the archive."),
          Map.entry(
              "cluster-dump",
              "Nothing, if the listed roles and databases are not the instance's: its database"
                  + " gets a role of its own here. A pg_dump of that database alone is smaller."));

  private ReportText() {}

  static void print(Report report, String source, PrintWriter out) {
    boolean accepted = report.accepted();
    long errors = report.problems().stream().filter(p -> p.severity().equals("error")).count();
    long warnings = report.problems().size() - errors;
    out.println("Backup:     " + source);
    out.println("Verdict:    " + (accepted ? "ACCEPTED" : "REJECTED") + counts(errors, warnings));
    out.println(
        "Layers:     "
            + (report.layers().isEmpty() ? "none" : String.join(" > ", report.layers())));
    env(report, out);
    database(report, out);
    media(report.media(), out);
    other(report.other(), out);
    problems(report, out);
    out.println();
    out.println(
        accepted
            ? "This backup can be restored" + (warnings > 0 ? ", with the warnings above." : ".")
            : "This backup cannot be restored as it is: fix the errors above and inspect it again.");
    out.flush();
  }

  private static String counts(long errors, long warnings) {
    if (errors == 0 && warnings == 0) {
      return "";
    }
    StringBuilder text = new StringBuilder(" (");
    if (errors > 0) {
      text.append(errors).append(errors == 1 ? " error" : " errors");
    }
    if (warnings > 0) {
      text.append(errors > 0 ? ", " : "")
          .append(warnings)
          .append(warnings == 1 ? " warning" : " warnings");
    }
    return text.append(")").toString();
  }

  private static void env(Report report, PrintWriter out) {
    Report.Env env = report.env();
    if (env == null) {
      out.println("Env file:   not found");
      return;
    }
    out.println("Env file:   " + env.file());
    out.println(
        "            LOCAL_DOMAIN "
            + (env.localDomain() == null ? "MISSING" : env.localDomain())
            + (env.webDomain() == null ? "" : ", WEB_DOMAIN " + env.webDomain())
            + ", "
            + env.keys().size()
            + " variables");
  }

  private static void database(Report report, PrintWriter out) {
    Report.Database database = report.database();
    if (database == null) {
      out.println("Database:   not found");
      return;
    }
    String format =
        database.format() == null ? database.engine() + " dump" : describe(database.format());
    String compression =
        database.compression() == null || database.compression().equals("none")
            ? ""
            : ", " + database.compression() + " compressed";
    out.println("Database:   " + database.entry() + " (" + format + compression + ")");
    if (database.dumpedBy() != null) {
      out.println(
          "            dumped by pg_dump "
              + database.dumpedBy()
              + (database.dumpedFrom() == null ? "" : " from PostgreSQL " + database.dumpedFrom()));
    }
    Report.Mastodon mastodon = database.mastodon();
    if (mastodon != null && mastodon.release() != null) {
      out.println(
          "Release:    "
              + (mastodon.fork() == null ? "Mastodon" : mastodon.fork())
              + " "
              + mastodon.release()
              + (mastodon.schemaVersion() == null
                  ? ""
                  : " (schema " + mastodon.schemaVersion() + ")"));
    }
  }

  private static String describe(String format) {
    return switch (format) {
      case "plain" -> "plain SQL";
      case "custom" -> "pg_dump custom format";
      case "directory" -> "pg_dump directory format";
      case "tar" -> "pg_dump tar format";
      default -> format;
    };
  }

  private static void media(Report.Media media, PrintWriter out) {
    if (media.files() == 0) {
      out.println(
          "Media:      none (fine if your media live on S3: give us read access to the bucket)");
      return;
    }
    out.println(
        "Media:      "
            + media.root()
            + ": "
            + String.format(Locale.ROOT, "%,d", media.files())
            + " files, "
            + Sizes.human(media.bytes()));
    media
        .byCategory()
        .forEach(
            (category, counts) ->
                out.println(
                    String.format(
                        Locale.ROOT,
                        "              %-20s %,12d files %12s",
                        category,
                        counts.files(),
                        Sizes.human(counts.bytes()))));
  }

  private static void other(Report.Other other, PrintWriter out) {
    if (other.files() == 0) {
      return;
    }
    out.println(
        "Other:      "
            + other.files()
            + (other.files() == 1 ? " file, " : " files, ")
            + Sizes.human(other.bytes())
            + " (ignored)");
    for (String name : other.names()) {
      out.println("              " + name);
    }
    if (other.files() > other.names().size()) {
      out.println("              ... and " + (other.files() - other.names().size()) + " more");
    }
  }

  private static void problems(Report report, PrintWriter out) {
    if (report.problems().isEmpty()) {
      return;
    }
    out.println();
    out.println("Problems:");
    for (Report.ProblemView problem : report.problems()) {
      out.println(
          "  "
              + problem.severity().toUpperCase(Locale.ROOT)
              + " "
              + problem.code()
              + (problem.entry() == null ? "" : " [" + problem.entry() + "]"));
      out.println("    " + problem.message());
      String advice = ADVICE.get(problem.code());
      if (advice != null) {
        out.println("    What to do: " + advice);
      }
    }
  }
}
