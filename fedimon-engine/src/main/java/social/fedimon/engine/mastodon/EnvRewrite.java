package social.fedimon.engine.mastodon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The env file for the new host: identity, secrets, behaviour and unknown variables kept; the old
 * host's infrastructure (databases, Redis, S3, SMTP, Elasticsearch...) replaced by the new host's.
 * The diff names keys and what happened to them, never values.
 */
public final class EnvRewrite {

  /** What happened to a key. */
  public enum Change {
    KEPT,
    CHANGED,
    ADDED,
    REMOVED
  }

  /** One line of the diff: a key and what happened to it. */
  public record DiffLine(String key, Change change) {
    @Override
    public String toString() {
      return key + " " + change.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The rewritten file.
   *
   * @param text the new .env.production
   * @param diff per key, in the new file's order, then the removed ones
   */
  public record Result(String text, List<DiffLine> diff) {
    @Override
    public String toString() {
      return "EnvRewrite.Result" + diff;
    }
  }

  private EnvRewrite() {}

  /** Rewrites {@code env} for a host whose infrastructure is {@code host} (keys to values). */
  public static Result rewrite(EnvFile env, Map<String, String> host) {
    Map<String, String> values = new LinkedHashMap<>();
    List<DiffLine> diff = new ArrayList<>();
    List<DiffLine> removed = new ArrayList<>();
    for (Map.Entry<String, String> entry : env.values().entrySet()) {
      String key = entry.getKey();
      if (EnvKeys.kindOf(key) != EnvKeys.Kind.INFRASTRUCTURE) {
        values.put(key, entry.getValue());
        diff.add(new DiffLine(key, Change.KEPT));
      } else if (host.containsKey(key)) {
        values.put(key, host.get(key));
        diff.add(
            new DiffLine(
                key, host.get(key).equals(entry.getValue()) ? Change.KEPT : Change.CHANGED));
      } else {
        removed.add(new DiffLine(key, Change.REMOVED));
      }
    }
    for (Map.Entry<String, String> entry : host.entrySet()) {
      if (!values.containsKey(entry.getKey())) {
        values.put(entry.getKey(), entry.getValue());
        diff.add(new DiffLine(entry.getKey(), Change.ADDED));
      }
    }
    diff.addAll(removed);
    StringBuilder text =
        new StringBuilder(
            "# Rewritten by FédiMon for its host: the old host's services replaced.\n");
    values.forEach((key, value) -> text.append(key).append('=').append(quote(value)).append('\n'));
    return new Result(text.toString(), List.copyOf(diff));
  }

  /** A value as dotenv reads it back exactly: double-quoted with escapes when it needs quoting. */
  static String quote(String value) {
    if (value.matches("[A-Za-z0-9_./:@,+-]*")) {
      return value;
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '$' -> out.append("\\$");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
