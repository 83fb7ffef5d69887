package social.fedimon.engine.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.dump.ClusterContents;
import social.fedimon.engine.dump.DumpSummary;

/**
 * Picks, in a cluster dump (pg_dumpall), the database that is the instance's: the one holding
 * Mastodon's tables. Its summary becomes the dump's; the rest of the cluster is listed in a {@code
 * cluster-dump} warning. None is {@code no-database}, several {@code multiple-databases}.
 */
final class ClusterChoice {

  /** Tables every Mastodon database has, whatever its release or fork. */
  private static final List<String> MASTODON_TABLES =
      List.of("accounts", "statuses", "schema_migrations");

  /** Names a message lists at most. */
  private static final int LISTED = 20;

  private ClusterChoice() {}

  /** Chooses in {@code summary}, when it is a cluster dump's; does nothing otherwise. */
  static void choose(DumpSummary summary) {
    if (summary.cluster().isEmpty()) {
      return;
    }
    ClusterContents contents = summary.cluster().get();
    List<String> instances =
        summary.databases().entrySet().stream()
            .filter(e -> e.getValue().tables().containsAll(MASTODON_TABLES))
            .map(Map.Entry::getKey)
            .toList();
    if (instances.isEmpty()) {
      summary.problem(
          Problem.of(
              ProblemCode.NO_DATABASE,
              "this is a cluster dump (pg_dumpall) of the databases "
                  + String.join(", ", contents.databases())
                  + ", and none of them holds Mastodon's tables ("
                  + String.join(", ", MASTODON_TABLES)
                  + ")"));
      return;
    }
    if (instances.size() > 1) {
      summary.problem(
          Problem.of(
              ProblemCode.MULTIPLE_DATABASES,
              "this is a cluster dump (pg_dumpall) in which "
                  + instances.size()
                  + " databases hold Mastodon's tables ("
                  + String.join(", ", instances)
                  + "): dump the instance's own with pg_dump -d NAME, or remove the others"));
      return;
    }
    String chosen = instances.get(0);
    summary.adopt(chosen);
    summary.problem(Problem.of(ProblemCode.CLUSTER_DUMP, note(contents, chosen)));
  }

  private static String note(ClusterContents contents, String chosen) {
    List<String> others = new ArrayList<>(contents.databases());
    others.remove(chosen);
    List<String> left = new ArrayList<>();
    if (!contents.roles().isEmpty()) {
      left.add(listed("role", contents.roles()));
    }
    if (!contents.settings().isEmpty()) {
      left.add(contents.settings().size() + " role and database settings");
    }
    if (!contents.tablespaces().isEmpty()) {
      left.add(listed("tablespace", contents.tablespaces()));
    }
    if (!others.isEmpty()) {
      left.add(listed("other database", others));
    }
    return "this is a cluster dump (pg_dumpall): the database "
        + chosen
        + " holds Mastodon's tables and is the one restored"
        + (left.isEmpty() ? "" : "; left out: " + String.join("; ", left))
        + " (the instance's database gets its own role and settings here)";
  }

  private static String listed(String what, List<String> names) {
    int shown = Math.min(names.size(), LISTED);
    return names.size()
        + " "
        + what
        + (names.size() == 1 ? "" : "s")
        + " ("
        + String.join(", ", names.subList(0, shown))
        + (names.size() > shown ? ", ..." : "")
        + ")";
  }
}
