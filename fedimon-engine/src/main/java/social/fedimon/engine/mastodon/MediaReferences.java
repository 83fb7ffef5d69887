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

  /** Whether rows of {@code table} name media files. */
  public static boolean isMediaTable(String table) {
    return ATTACHMENTS.containsKey(table);
  }

  /**
   * Where the columns {@link #row} reads sit in a table's rows, worked out once per table from its
   * COPY's column list: a row is then read from the few values picked out of it, by position, with
   * no map per row (600,000 rows of accounts and media in the benchmark's dump; the map and its
   * look-ups were also most of what the JIT compiler spent seconds on, recompiling as each table
   * brought other map classes).
   */
  public static final class Layout {
    private final String table;
    private final int[] selected;
    private final int id;

    /** The value that makes a row remote (remote_url, domain), or -1: every row is local. */
    private final int remote;

    /** Whether an empty one still means local (an empty remote_url; an empty domain does not). */
    private final boolean emptyIsLocal;

    private final String[] folders;
    private final int[] files;

    private Layout(String table, List<String> columns) {
      this.table = table;
      Map<String, String> attachments = ATTACHMENTS.get(table);
      List<String> wanted = new ArrayList<>(List.of("id", "remote_url", "domain"));
      wanted.addAll(attachments.values());
      List<Integer> picked = new ArrayList<>();
      List<String> pickedNames = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        if (wanted.contains(columns.get(i))) {
          picked.add(i);
          pickedNames.add(columns.get(i));
        }
      }
      this.selected = picked.stream().mapToInt(Integer::intValue).toArray();
      this.id = pickedNames.indexOf("id");
      switch (table) {
        case "media_attachments" -> {
          this.remote = pickedNames.indexOf("remote_url");
          this.emptyIsLocal = true;
        }
        case "accounts", "custom_emojis" -> {
          this.remote = pickedNames.indexOf("domain");
          this.emptyIsLocal = false;
        }
        default -> {
          this.remote = -1;
          this.emptyIsLocal = false;
        }
      }
      List<String> folderList = new ArrayList<>(attachments.keySet());
      java.util.Collections.sort(folderList);
      this.folders = folderList.toArray(new String[0]);
      this.files = new int[folders.length];
      for (int i = 0; i < folders.length; i++) {
        files[i] = pickedNames.indexOf(attachments.get(folders[i]));
      }
    }

    /** Positions (0-based, ascending) of the columns to pick from each row, for {@link #row}. */
    public int[] selected() {
      return selected.clone();
    }
  }

  /** The layout of {@code table}'s rows, whose COPY lists {@code columns}; empty if no media. */
  public static java.util.Optional<Layout> layout(String table, List<String> columns) {
    return isMediaTable(table) && !columns.isEmpty()
        ? java.util.Optional.of(new Layout(table, columns))
        : java.util.Optional.empty();
  }

  /**
   * Notes the local files one row names, given the values at {@link Layout#selected} in that order
   * (null for NULL).
   */
  public void row(Layout layout, @Nullable String[] values) {
    if (!isLocal(layout, values)) {
      return;
    }
    String id = at(values, layout.id);
    if (id == null || !isId(id)) {
      return;
    }
    String partition = null;
    for (int i = 0; i < layout.files.length; i++) {
      String fileName = at(values, layout.files[i]);
      if (fileName != null && !fileName.isEmpty() && fileName.indexOf('/') < 0) {
        if (partition == null) {
          partition = partition(id);
        }
        note(layout.table + "/" + layout.folders[i] + "/" + partition + "/original/" + fileName);
      }
    }
  }

  private void note(String key) {
    expected.add(key);
    count++;
    if (sample.size() < KEPT_NAMES) {
      sample.add(key);
    } else if (key.compareTo(sample.peek()) < 0) {
      sample.poll();
      sample.add(key);
    }
  }

  private static @Nullable String at(@Nullable String[] values, int index) {
    return index < 0 || index >= values.length ? null : values[index];
  }

  /** Local rows: media uploaded here (no remote URL), accounts and emojis of this domain. */
  private static boolean isLocal(Layout layout, @Nullable String[] values) {
    String remote = at(values, layout.remote);
    // not a switch on the table's name: each new table took the compiled code's untried branch
    return remote == null || (remote.isEmpty() & layout.emptyIsLocal);
  }

  /**
   * Paperclip's :id_partition: the id zero-padded to nine digits, in groups of three (1 ->
   * 000/000/001, 109876543210 -> 109/876/543/210; digits past the last whole group are dropped, as
   * Paperclip's {@code scan(/\d{3}/)} drops them).
   */
  public static String partition(String id) {
    int length = Math.max(9, id.length());
    int pad = length - id.length();
    char[] digits = new char[length];
    java.util.Arrays.fill(digits, 0, pad, '0');
    id.getChars(0, id.length(), digits, pad);
    int groups = length / 3;
    char[] out = new char[groups * 4 - 1];
    out[0] = digits[0];
    out[1] = digits[1];
    out[2] = digits[2];
    // the first group before the loop: a slash written "if g > 0" inside it failed C2's hoisted
    // range checks at every table's start, and the caller was compiled again each time
    for (int g = 1; g < groups; g++) {
      out[g * 4 - 1] = '/';
      out[g * 4] = digits[g * 3];
      out[g * 4 + 1] = digits[g * 3 + 1];
      out[g * 4 + 2] = digits[g * 3 + 2];
    }
    return new String(out);
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
