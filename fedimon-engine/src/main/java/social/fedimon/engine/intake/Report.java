package social.fedimon.engine.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What FédiMon found in a backup: the JSON report of {@code fedimon inspect}, the web pre-flight
 * page and the API. Field names and values are a contract (docs/architecture.md); new fields may be
 * added, none renamed. Null means unknown.
 *
 * @param verdict {@code accepted} or {@code rejected}
 * @param layers the archive's layers, outermost first
 * @param problems what is wrong, errors and warnings
 * @param env the env file, null when none was found
 * @param database the database dump, null when none (or several) were found
 * @param media the media tree; zero counts when there is none
 * @param other files that are neither env, dump nor media (an extension of the contract)
 * @param restored what {@code restore} wrote; absent from {@code inspect}'s report
 */
public record Report(
    String verdict,
    List<String> layers,
    List<ProblemView> problems,
    @Nullable Env env,
    @Nullable Database database,
    Media media,
    Other other,
    @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Restored restored) {

  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";

  /** One problem, as the report spells it. */
  public record ProblemView(String code, String severity, String message, @Nullable String entry) {}

  /**
   * The env file.
   *
   * @param file its entry name
   * @param localDomain LOCAL_DOMAIN, null when absent
   * @param webDomain WEB_DOMAIN, null when absent
   * @param keys every variable name, in file order (never the values)
   * @param missingSecrets secrets the detected release needs that are absent; null until known
   */
  public record Env(
      String file,
      @Nullable String localDomain,
      @Nullable String webDomain,
      List<String> keys,
      @Nullable List<String> missingSecrets) {}

  /**
   * The database dump.
   *
   * @param entry the dump's entry (a file, a directory-format folder, a tar-format archive)
   * @param format {@code plain}, {@code custom}, {@code directory}, {@code tar}; null for dumps of
   *     other databases
   * @param compression compression of the dump's bytes: {@code none}, {@code gzip}...
   * @param dumpedBy pg_dump's version
   * @param dumpedFrom the source server's version
   * @param mastodon what the schema says of Mastodon
   * @param rowCounts exact rows per table
   * @param engine {@code postgresql}, or the other database a dump came from (an extension)
   * @param extensions extensions the dump creates (an extension)
   * @param roles roles the dump names as owners; owners are not restored (an extension)
   */
  public record Database(
      String entry,
      @Nullable String format,
      @Nullable String compression,
      @Nullable String dumpedBy,
      @Nullable String dumpedFrom,
      @Nullable Mastodon mastodon,
      @Nullable Map<String, Long> rowCounts,
      String engine,
      @Nullable List<String> extensions,
      @Nullable List<String> roles) {}

  /** Release and fork detected from {@code schema_migrations}. */
  public record Mastodon(
      @Nullable String schemaVersion, @Nullable String release, @Nullable String fork) {}

  /**
   * The media tree.
   *
   * @param root where it sits in the archive, null when there is none
   * @param files number of media files
   * @param bytes their total size
   * @param byCategory the same per top folder ({@code media_attachments}, {@code cache}...)
   * @param local files uploaded on the instance, which cannot be fetched again (an extension)
   * @param cached copies of remote media under cache/, which Mastodon can fetch again (an
   *     extension)
   * @param referenced local files the database refers to (an extension)
   * @param missing of those, how many the backup lacks (an extension)
   */
  public record Media(
      @Nullable String root,
      long files,
      long bytes,
      Map<String, Counts> byCategory,
      @Nullable Counts local,
      @Nullable Counts cached,
      long referenced,
      long missing) {

    public static Media none() {
      return new Media(null, 0, 0, Map.of(), new Counts(0, 0), new Counts(0, 0), 0, 0);
    }
  }

  /** A number of files and their bytes. */
  public record Counts(long files, long bytes) {}

  /**
   * Files that are neither env, dump nor media.
   *
   * @param files how many
   * @param bytes their size
   * @param names the first of their names, for people
   */
  public record Other(long files, long bytes, List<String> names) {}

  /** What a restore wrote. */
  public record Restored(
      String database, @Nullable Map<String, Long> rowCounts, @Nullable Counts media) {}

  public boolean accepted() {
    return ACCEPTED.equals(verdict);
  }
}
