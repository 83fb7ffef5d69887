package social.fedimon.engine.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.ArchiveReader;
import social.fedimon.engine.archive.DecoderThreads;
import social.fedimon.engine.archive.Layer;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.DumpDescription;
import social.fedimon.engine.dump.DumpFormat;
import social.fedimon.engine.dump.DumpPolicy;

/**
 * {@code fedimon inspect}: reads a backup once, end to end, and says what is in it and whether it
 * can be restored. Writes nothing but a spool file when a zip or 7z arrives as a stream.
 */
public final class Inspector {

  private final ArchiveLimits limits;
  private final DecoderThreads threads;
  private final DumpPolicy policy;
  private final Expectations expectations;

  /**
   * What the backup is checked against, besides its own consistency.
   *
   * @param domain the instance request's domain, null when there is none
   * @param target the release and fork the instance will run; null for the newest release of the
   *     backup's own fork
   */
  public record Expectations(
      @org.jspecify.annotations.Nullable String domain,
      social.fedimon.engine.mastodon.Compatibility.@org.jspecify.annotations.Nullable Target
          target) {
    public static final Expectations NONE = new Expectations(null, null);
  }

  public Inspector(ArchiveLimits limits) {
    this(limits, DumpPolicy.DEFAULTS, Expectations.NONE);
  }

  public Inspector(ArchiveLimits limits, DumpPolicy policy) {
    this(limits, policy, Expectations.NONE);
  }

  public Inspector(ArchiveLimits limits, DumpPolicy policy, Expectations expectations) {
    this(limits, policy, expectations, DecoderThreads.perCore());
  }

  /**
   * @param threads the decoding and read-ahead threads, shared with the caller's other reads
   */
  public Inspector(
      ArchiveLimits limits, DumpPolicy policy, Expectations expectations, DecoderThreads threads) {
    this.limits = limits;
    this.policy = policy;
    this.expectations = expectations;
    this.threads = threads;
  }

  /**
   * The report and, for a restore, the dump it chose (with its table of contents for the directory
   * and tar formats).
   */
  record Inspection(
      Report report, java.util.Optional<DumpFinder.Found> dump, Classifier classifier) {}

  /** Inspects {@code source}; never throws for a bad backup: that is what the report is for. */
  public Report inspect(Source source, Secrets secrets, LongConsumer progress) {
    return inspectInDepth(source, secrets, progress).report();
  }

  Inspection inspectInDepth(Source source, Secrets secrets, LongConsumer progress) {
    return inspectInDepth(source, secrets, progress, true);
  }

  /**
   * @param countRows false for a restore's first pass: only what decides acceptance is read, the
   *     restore counts rows and media as it loads them and asks for the report again with {@link
   *     #reportWith}
   */
  Inspection inspectInDepth(
      Source source, Secrets secrets, LongConsumer progress, boolean countRows) {
    Classifier classifier = new Classifier(source.name(), policy, countRows, limits, threads);
    try {
      new ArchiveReader(limits, secrets, threads).read(source, classifier, progress);
      classifier.dumps.resolve();
      classifier.readToEnd = true;
    } catch (BackupRejected e) {
      classifier.problems.add(e.problem());
    } catch (java.io.IOException e) {
      classifier.problems.add(
          Problem.of(ProblemCode.CORRUPT, "a dump's table file cannot be read: " + e.getMessage()));
    }
    Report report = report(classifier, classifier.readToEnd, expectations);
    java.util.List<DumpFinder.Found> postgres =
        classifier.dumps.found.stream().filter(d -> d.format() != null).toList();
    java.util.Optional<DumpFinder.Found> dump =
        postgres.size() == 1
            ? java.util.Optional.of(tarIfRestoreScriptBeside(postgres.get(0), classifier))
            : java.util.Optional.empty();
    return new Inspection(report, dump, classifier);
  }

  /** The report of {@code inspection} again, with rows and media counted by a restore. */
  Report reportWith(Inspection inspection, Map<String, Long> rows, MediaRowReader media) {
    DumpFinder.Found dump = inspection.dump().orElseThrow();
    dump.summary().fill(rows);
    dump.media().replaceWith(media);
    Classifier classifier = inspection.classifier();
    return report(classifier, classifier.readToEnd, expectations);
  }

  private static Report report(Classifier found, boolean readToEnd, Expectations expectations) {
    List<Problem> problems = new ArrayList<>(found.problems);
    if (readToEnd && unrecognized(found)) {
      Classifier.OtherFile file = found.others.get(0);
      problems.add(
          Problem.of(
              ProblemCode.UNRECOGNIZED_FORMAT,
              file.name()
                  + " is neither an archive (zip, tar, 7z, compressed or encrypted) nor a database"
                  + " dump nor an env file"
                  + FileKinds.guess(found.firstBytes)
                      .map(kind -> ": it looks like " + kind)
                      .orElse(""),
              file.name()));
      return finish(found, problems, null, Optional.empty(), null);
    }
    Optional<Classifier.EnvCandidate> env = found.chosenEnv();
    Report.Database database = database(found, problems, readToEnd);
    social.fedimon.engine.mastodon.Releases.Detected detected = null;
    if (database != null && database.mastodon() != null) {
      DumpFinder.Found dump =
          found.dumps.found.stream().filter(d -> d.format() != null).findFirst().orElseThrow();
      detected =
          social.fedimon.engine.mastodon.Releases.detect(
              dump.summary().migrations(), dump.summary()::hasColumn);
      database =
          new Report.Database(
              database.entry(),
              database.format(),
              database.compression(),
              database.dumpedBy(),
              database.dumpedFrom(),
              new Report.Mastodon(detected.schemaVersion(), detected.release(), detected.fork()),
              database.rowCounts(),
              database.engine(),
              database.extensions(),
              database.roles());
      social.fedimon.engine.mastodon.Compatibility.Target target =
          expectations.target() != null
              ? expectations.target()
              : social.fedimon.engine.mastodon.Compatibility.Target.sameFork(detected);
      problems.addAll(social.fedimon.engine.mastodon.Compatibility.check(detected, target));
    }
    social.fedimon.engine.mastodon.EnvCheck.Result envCheck = null;
    if (env.isPresent()) {
      envCheck =
          social.fedimon.engine.mastodon.EnvCheck.check(
              env.get().env(), detected == null ? null : detected.release(), expectations.domain());
      for (Problem problem : envCheck.problems()) {
        problems.add(new Problem(problem.code(), problem.message(), env.get().name()));
      }
    }
    return finish(found, problems, database, env, envCheck);
  }

  /** A source with no layer at all, holding one file that is nothing we know. */
  private static boolean unrecognized(Classifier found) {
    return found.layers.isEmpty()
        && found.dumps.found.isEmpty()
        && found.envs.isEmpty()
        && found.others.size() == 1
        && found.media.files() == 0;
  }

  private static Report finish(
      Classifier found,
      List<Problem> problems,
      Report.@org.jspecify.annotations.Nullable Database database,
      Optional<Classifier.EnvCandidate> env,
      social.fedimon.engine.mastodon.EnvCheck.@org.jspecify.annotations.Nullable Result envCheck) {
    boolean readToEnd =
        problems.stream().noneMatch(p -> p.code() == ProblemCode.UNRECOGNIZED_FORMAT);
    if (env.isEmpty() && readToEnd && found.readToEnd) {
      problems.add(
          Problem.of(
              ProblemCode.NO_ENV,
              "no .env.production was found: add it to the backup, or give us your environment"
                  + " variables with the instance request; without its secrets users are logged"
                  + " out and two-factor authentication breaks"));
    }
    Report.Media media = media(found, problems);
    boolean rejected = problems.stream().anyMatch(p -> p.code().rejects());
    return new Report(
        rejected ? Report.REJECTED : Report.ACCEPTED,
        found.layers.stream().map(Layer::label).toList(),
        problems.stream()
            .map(
                p ->
                    new Report.ProblemView(
                        p.code().code(), p.code().severity().label(), p.message(), p.entry()))
            .toList(),
        env.map(e -> envReport(e, envCheck)).orElse(null),
        database,
        media,
        other(found),
        null);
  }

  /** The media tree, checked against the local files the database refers to. */
  private static Report.Media media(Classifier found, List<Problem> problems) {
    List<DumpFinder.Found> postgres =
        found.dumps.found.stream().filter(d -> d.format() != null).toList();
    if (postgres.size() != 1 || !found.readToEnd || !postgres.get(0).summary().counted()) {
      return found.media.report();
    }
    DumpFinder.Found dump = postgres.get(0);
    social.fedimon.engine.mastodon.MediaReferences references =
        dump.media().references(dump.summary().chosenDatabase());
    social.fedimon.engine.mastodon.MediaReferences.Missing missing =
        references.missingFrom(found.media.keys());
    if (missing.count() > 0) {
      problems.add(
          Problem.of(
              ProblemCode.MISSING_MEDIA,
              missing.count()
                  + " of the "
                  + references.count()
                  + " files uploaded on this instance that the database refers to are not in the"
                  + " backup (for example "
                  + String.join(", ", missing.sample())
                  + "): these cannot be fetched again; add public/system, or give us read access"
                  + " to the bucket that holds them"));
    }
    return found.media.report(references.count(), missing.count());
  }

  private static Report.Env envReport(
      Classifier.EnvCandidate candidate,
      social.fedimon.engine.mastodon.EnvCheck.@org.jspecify.annotations.Nullable Result check) {
    String localDomain =
        check != null && check.localDomain() != null
            ? check.localDomain()
            : candidate.env().nonBlank("LOCAL_DOMAIN").orElse(null);
    return new Report.Env(
        candidate.name(),
        localDomain,
        candidate.env().nonBlank("WEB_DOMAIN").orElse(null),
        candidate.env().keys(),
        check == null ? null : check.missingSecrets());
  }

  private static Report.@org.jspecify.annotations.Nullable Database database(
      Classifier found, List<Problem> problems, boolean readToEnd) {
    List<DumpFinder.Found> postgres =
        found.dumps.found.stream().filter(d -> d.format() != null).toList();
    List<DumpFinder.Found> others =
        found.dumps.found.stream()
            .filter(d -> d.format() == null && !d.engine().equals("postgresql"))
            .toList();
    if (postgres.size() > 1) {
      problems.add(
          Problem.of(
              ProblemCode.MULTIPLE_DATABASES,
              "the backup holds "
                  + postgres.size()
                  + " database dumps ("
                  + String.join(", ", postgres.stream().map(DumpFinder.Found::entry).toList())
                  + "): send only the one of your Mastodon database"));
      return null;
    }
    if (postgres.size() == 1) {
      DumpFinder.Found dump = tarIfRestoreScriptBeside(postgres.get(0), found);
      for (Problem problem : dump.summary().problems()) {
        problems.add(
            new Problem(
                problem.code(),
                problem.message(),
                problem.entry() != null ? problem.entry() : dump.entry()));
      }
      return databaseReport(dump);
    }
    found.dumps.found.stream()
        .filter(d -> d.format() == null && d.engine().equals("postgresql"))
        .forEach(
            d ->
                d.summary()
                    .problems()
                    .forEach(p -> problems.add(new Problem(p.code(), p.message(), d.entry()))));
    if (!others.isEmpty()) {
      DumpFinder.Found other = others.get(0);
      problems.add(
          Problem.of(
              ProblemCode.NON_POSTGRESQL,
              other.entry()
                  + " is a "
                  + (other.engine().equals("mysql") ? "MySQL/MariaDB" : "SQLite")
                  + " database: Mastodon runs on PostgreSQL, so it needs converting, which is slow"
                  + " and may leave incompatibilities",
              other.entry()));
      return databaseReport(other);
    }
    if (readToEnd && found.dumps.found.isEmpty()) {
      problems.add(
          Problem.of(
              ProblemCode.NO_DATABASE,
              "no database dump was found: add the output of pg_dump (plain SQL, compressed or not,"
                  + " or pg_dump -Fc) to the backup"));
    }
    return null;
  }

  /** pg_dump -Ft writes restore.sql beside toc.dat; the directory format never does. */
  private static DumpFinder.Found tarIfRestoreScriptBeside(
      DumpFinder.Found dump, Classifier found) {
    if (dump.format() != DumpFormat.DIRECTORY || dump.folder() == null) {
      return dump;
    }
    String script = dump.folder().isEmpty() ? "restore.sql" : dump.folder() + "/restore.sql";
    boolean tar = found.others.stream().anyMatch(o -> o.name().equals(script));
    if (!tar) {
      return dump;
    }
    String entry = dump.folder().isEmpty() ? found.sourceName() : dump.folder();
    return new DumpFinder.Found(
        entry,
        DumpFormat.TAR,
        dump.compression(),
        dump.engine(),
        dump.folder(),
        dump.summary(),
        dump.media(),
        dump.guard(),
        dump.toc());
  }

  private static Report.Database databaseReport(DumpFinder.Found dump) {
    DumpDescription description = dump.summary().description();
    java.util.SortedSet<String> migrations = dump.summary().migrations();
    String compression = dump.compression().map(Layer::label).orElse("none");
    if (description != null
        && description.dataCompression() != null
        && compression.equals("none")) {
      compression = description.dataCompression();
    }
    boolean postgres = dump.format() != null;
    return new Report.Database(
        dump.entry(),
        dump.format() == null ? null : dump.format().label(),
        compression,
        description == null ? null : description.dumpedBy(),
        description == null ? null : description.dumpedFrom(),
        postgres
            ? new Report.Mastodon(migrations.isEmpty() ? null : migrations.last(), null, null)
            : null,
        postgres && dump.summary().counted() ? dump.summary().rowCounts() : null,
        dump.engine(),
        postgres ? List.copyOf(dump.guard().extensions()) : null,
        postgres ? List.copyOf(dump.guard().rolesReferenced()) : null);
  }

  private static Report.Other other(Classifier found) {
    List<Classifier.OtherFile> others = found.others;
    List<String> dumpFolders =
        found.dumps.found.stream()
            .filter(d -> d.folder() != null)
            .map(d -> d.folder().isEmpty() ? "" : d.folder() + "/")
            .toList();
    List<Classifier.OtherFile> rest =
        others.stream()
            .filter(o -> dumpFolders.stream().noneMatch(f -> inFolder(o.name(), f)))
            .toList();
    return new Report.Other(
        rest.size(),
        rest.stream().mapToLong(Classifier.OtherFile::bytes).sum(),
        rest.stream().limit(Classifier.OTHER_NAMES_SHOWN).map(Classifier.OtherFile::name).toList());
  }

  private static boolean inFolder(String name, String folder) {
    return folder.isEmpty()
        ? !name.contains("/")
        : name.startsWith(folder) && name.indexOf('/', folder.length()) < 0;
  }
}
