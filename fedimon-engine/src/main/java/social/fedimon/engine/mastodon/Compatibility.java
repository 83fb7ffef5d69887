package social.fedimon.engine.mastodon;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/**
 * Whether a database can run on the release and fork it is restored under: same or newer release of
 * the same line is fine; Mastodon to a fork that contains all its migrations is fine; a fork back
 * to Mastodon loses what the fork added; an older target is a downgrade.
 */
public final class Compatibility {

  /**
   * What the instance will run.
   *
   * @param release a release label of {@link Releases}
   * @param fork null for Mastodon, {@code glitch-soc}, {@code hometown}
   */
  public record Target(String release, @Nullable String fork) {

    /** The newest release of the same fork as the source: what a move does by default. */
    public static Target sameFork(Releases.@Nullable Detected source) {
      return new Target(Releases.newest().label(), source == null ? null : source.fork());
    }
  }

  private Compatibility() {}

  public static List<Problem> check(Releases.Detected source, Target target) {
    List<Problem> problems = new ArrayList<>();
    if (source.schemaVersion() == null) {
      return problems;
    }
    String targetNewest =
        Releases.byLabel(target.release())
            .map(Releases.Release::newestMigration)
            .orElse(Releases.newest().newestMigration());
    if (source.schemaVersion().compareTo(targetNewest) > 0) {
      if (source.release() == null) {
        problems.add(
            Problem.of(
                ProblemCode.UNKNOWN_MIGRATIONS,
                "the database has migrations newer than any release FédiMon knows (newest "
                    + source.schemaVersion()
                    + "): it may come from an unreleased version; it will run only on a target that"
                    + " has them"));
      } else {
        problems.add(
            Problem.of(
                ProblemCode.DOWNGRADE,
                "the database comes from Mastodon "
                    + source.release()
                    + ", newer than the target "
                    + target.release()
                    + ": Mastodon cannot run on a schema newer than its own; choose "
                    + source.release()
                    + " or later"));
      }
    }
    String from = source.fork();
    String to = target.fork();
    if (from != null && !from.equals(to)) {
      problems.add(
          Problem.of(
              ProblemCode.UNKNOWN_MIGRATIONS,
              "the database comes from "
                  + from
                  + " and the target is "
                  + (to == null ? "Mastodon" : to)
                  + ": "
                  + lossOf(from)
                  + "; migrate to "
                  + from
                  + " to keep them"));
    }
    if (from == null && to != null && to.equals("hometown")) {
      // Hometown tracks Mastodon releases with a delay: a database newer than its base is a
      // downgrade
      problems.addAll(List.of());
    }
    return problems;
  }

  private static String lossOf(String fork) {
    return switch (fork) {
      case "glitch-soc" ->
          "local-only posts become federated and post formatting (Markdown, HTML) is lost";
      case "hometown" -> "local-only posts become federated and exclusive lists become ordinary";
      default -> "what the fork added is lost";
    };
  }
}
