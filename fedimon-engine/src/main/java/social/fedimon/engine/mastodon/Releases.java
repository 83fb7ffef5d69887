package social.fedimon.engine.mastodon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Mastodon's releases and the newest migration of each, shipped as data (releases.tsv), and what a
 * database's {@code schema_migrations} says about the release and fork it came from.
 */
public final class Releases {

  /**
   * A release.
   *
   * @param label {@code 4.5}, {@code 4.1.2}
   * @param newestMigration the newest migration version it ships
   */
  public record Release(String label, String newestMigration) {}

  /**
   * What a database is.
   *
   * @param schemaVersion its newest migration, null without schema_migrations
   * @param release the release, {@code 4.4-pre} between releases, null when unknown
   * @param fork {@code glitch-soc}, {@code hometown}, or null for Mastodon itself
   */
  public record Detected(String schemaVersion, String release, String fork) {}

  /** glitch-soc's own migrations (docs/mastodon-facts.md). */
  static final Set<String> GLITCH_MIGRATIONS =
      Set.of(
          "20171210213213",
          "20190512200918",
          "20220209175231",
          "20170914032032",
          "20171009222537",
          "20171021191900",
          "20180410220657",
          "20180604000556",
          "20180707193142",
          "20180813160548");

  private static final List<Release> TABLE = load();

  private Releases() {}

  public static List<Release> all() {
    return TABLE;
  }

  public static Release newest() {
    return TABLE.get(TABLE.size() - 1);
  }

  public static Optional<Release> byLabel(String label) {
    return TABLE.stream().filter(r -> r.label().equals(label)).findFirst();
  }

  /**
   * The release of a database from its migrations and, for forks, the columns its tables have.
   *
   * @param migrations versions in schema_migrations
   * @param hasColumn tells whether {@code table.column} exists in the dump
   */
  public static Detected detect(
      Set<String> migrations, java.util.function.BiPredicate<String, String> hasColumn) {
    if (migrations.isEmpty()) {
      return new Detected(null, null, null);
    }
    String newest = migrations.stream().max(String::compareTo).orElseThrow();
    return new Detected(newest, releaseOf(newest), forkOf(migrations, hasColumn));
  }

  static String releaseOf(String newest) {
    for (Release release : TABLE) {
      int order = newest.compareTo(release.newestMigration());
      if (order == 0) {
        return release.label();
      }
      if (order < 0) {
        return release == TABLE.get(0) ? null : release.label() + "-pre";
      }
    }
    return null; // newer than any release FédiMon knows
  }

  static String forkOf(
      Set<String> migrations, java.util.function.BiPredicate<String, String> hasColumn) {
    boolean localOnly = hasColumn.test("statuses", "local_only");
    if (localOnly
        && (hasColumn.test("statuses", "activity_pub_type")
            || hasColumn.test("lists", "is_exclusive"))) {
      return "hometown";
    }
    if (migrations.stream().anyMatch(GLITCH_MIGRATIONS::contains)
        || (localOnly && hasColumn.test("statuses", "content_type"))) {
      return "glitch-soc";
    }
    if (localOnly) {
      return "hometown";
    }
    return null;
  }

  private static List<Release> load() {
    List<Release> releases = new ArrayList<>();
    try (InputStream in = Releases.class.getResourceAsStream("releases.tsv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t");
        releases.add(new Release(fields[0].strip(), fields[1].strip()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    releases.sort(java.util.Comparator.comparing(Release::newestMigration));
    return List.copyOf(releases);
  }
}
