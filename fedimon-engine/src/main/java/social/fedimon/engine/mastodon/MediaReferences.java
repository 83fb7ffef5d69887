package social.fedimon.engine.mastodon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The local media files a Mastodon database refers to, worked out from its rows as Paperclip names
 * them: {@code <class>/<attachment>/<id partition>/original/<file name>}, the id zero-padded to
 * nine digits and cut into groups of three. Remote media (cached copies) are left out: their
 * absence is normal and they can be fetched again.
 */
public final class MediaReferences {

  /** How many missing names a report shows. */
  public static final int SAMPLE = 5;

  /**
   * Names kept to pick the sample from (the rest are kept as hashes only): enough for every
   * referenced file of a small instance, a few hundred KB for a big one.
   */
  static final int KEPT_NAMES = 10_000;

  /** Tables with attachments, and for each: attachment folder -> file name column. */
  static final Map<String, Map<String, String>> ATTACHMENTS =
      Map.of(
          "media_attachments", Map.of("files", "file_file_name"),
          "accounts", Map.of("avatars", "avatar_file_name", "headers", "header_file_name"),
          "custom_emojis", Map.of("images", "image_file_name"),
          "site_uploads", Map.of("files", "file_file_name"));

  private final KeySet expected = new KeySet();

  /** The smallest names seen, largest on top: the same sample whatever order rows come in. */
  private final java.util.PriorityQueue<String> sample =
      new java.util.PriorityQueue<>(java.util.Comparator.reverseOrder());

  private long count;

  /** The columns of {@code table} that {@link #row} looks at. */
  public static java.util.Set<String> columns(String table) {
    java.util.Set<String> columns = new java.util.HashSet<>();
    columns.add("id");
    columns.add("remote_url");
    columns.add("domain");
    columns.addAll(ATTACHMENTS.getOrDefault(table, Map.of()).values());
    return columns;
  }

  /** Whether rows of {@code table} name media files. */
  public static boolean isMediaTable(String table) {
    return ATTACHMENTS.containsKey(table);
  }

  /** Notes the local files one row names; {@code row} holds column -> value (null for NULL). */
  public void row(String table, Map<String, @Nullable String> row) {
    Map<String, String> attachments = ATTACHMENTS.get(table);
    if (attachments == null || !isLocal(table, row)) {
      return;
    }
    String id = row.get("id");
    if (id == null || !isId(id)) {
      return;
    }
    attachments.forEach(
        (attachment, column) -> {
          String fileName = row.get(column);
          if (fileName != null && !fileName.isEmpty() && !fileName.contains("/")) {
            String key = table + "/" + attachment + "/" + partition(id) + "/original/" + fileName;
            expected.add(key);
            count++;
            if (sample.size() < KEPT_NAMES) {
              sample.add(key);
            } else if (key.compareTo(sample.peek()) < 0) {
              sample.poll();
              sample.add(key);
            }
          }
        });
  }

  /** Local rows: media uploaded here (no remote URL), accounts and emojis of this domain. */
  private static boolean isLocal(String table, Map<String, @Nullable String> row) {
    return switch (table) {
      case "media_attachments" -> {
        String remote = row.get("remote_url");
        yield remote == null || remote.isEmpty();
      }
      case "accounts", "custom_emojis" -> row.get("domain") == null;
      default -> true;
    };
  }

  /** Paperclip's :id_partition: 1 -> 000/000/001, 109876543210 -> 109/876/543/210. */
  static String partition(String id) {
    String padded = id.length() >= 9 ? id : "0".repeat(9 - id.length()) + id;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i + 3 <= padded.length(); i += 3) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(padded, i, i + 3);
    }
    return out.toString();
  }

  /** Files referred to. */
  public long count() {
    return count;
  }

  /**
   * Of the files referred to, those absent from {@code present} (media keys under the root).
   *
   * @return how many are missing, and a few of their names
   */
  public Missing missingFrom(KeySet present) {
    long missing;
    List<String> names = new ArrayList<>();
    List<String> sorted = new ArrayList<>(sample);
    java.util.Collections.sort(sorted);
    for (String key : sorted) {
      if (!present.contains(key) && names.size() < SAMPLE) {
        names.add(key);
      }
    }
    missing = expected.countAbsentFrom(present);
    return new Missing(missing, names);
  }

  /** Missing local media: how many, and a sample of names. */
  public record Missing(long count, List<String> sample) {}

  private static boolean isId(String text) {
    if (text.isEmpty() || text.length() > 20) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
