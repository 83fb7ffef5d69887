package social.fedimon.engine.mastodon;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where Mastodon's media sit in a backup: under a {@code public/system} folder wherever it is
 * (Mastodon's own {@code PAPERCLIP_ROOT_PATH}), under {@code system/public} (the product text's
 * example spells it so), or as a tree whose top folders are Mastodon's media folders.
 *
 * <p>Inside the root: {@code [cache/]<class>/<attachment>/<id partition>/<style>/<file>}.
 */
public final class MediaLayout {

  /** Media classes and the attachment folders each has. */
  static final Map<String, Set<String>> ATTACHMENTS =
      Map.of(
          "media_attachments", Set.of("files", "thumbnails"),
          "accounts", Set.of("avatars", "headers"),
          "custom_emojis", Set.of("images"),
          "preview_cards", Set.of("images"),
          "site_uploads", Set.of("files"),
          "backups", Set.of("dumps"),
          "imports", Set.of("data"),
          "account_highlights", Set.of("images"));

  /** The folder for copies of remote media. */
  public static final String CACHE = "cache";

  private MediaLayout() {}

  /**
   * Where an entry sits in the media tree.
   *
   * @param root the media root inside the archive ({@code live/public/system}), {@code .} for the
   *     archive's root
   * @param category the first folder under the root ({@code media_attachments}, {@code cache}...)
   * @param key the object key Mastodon uses: the path under the root
   */
  public record MediaPath(String root, String category, String key) {

    /** Whether this file is a copy of remote media, which Mastodon can fetch again. */
    public boolean cached() {
      return category.equals(CACHE);
    }
  }

  /** Places {@code name} (a normalized entry name) in the media tree, if it is in one. */
  public static Optional<MediaPath> locate(String name) {
    List<String> segments = List.of(name.split("/"));
    for (int i = 0; i + 1 < segments.size(); i++) {
      String a = segments.get(i);
      String b = segments.get(i + 1);
      if ((a.equals("public") && b.equals("system"))
          || (a.equals("system") && b.equals("public"))) {
        if (i + 3 < segments.size()) {
          return Optional.of(path(segments, i + 2));
        }
        return Optional.empty();
      }
    }
    for (int i = 0; i + 2 < segments.size(); i++) {
      if (isMediaFolder(segments, i)) {
        return Optional.of(path(segments, i));
      }
    }
    return Optional.empty();
  }

  private static boolean isMediaFolder(List<String> segments, int i) {
    String folder = segments.get(i);
    if (folder.equals(CACHE)) {
      return i + 3 < segments.size() && attachment(segments.get(i + 1), segments.get(i + 2));
    }
    return attachment(folder, segments.get(i + 1));
  }

  private static boolean attachment(String mediaClass, String attachment) {
    Set<String> attachments = ATTACHMENTS.get(mediaClass);
    return attachments != null && attachments.contains(attachment);
  }

  private static MediaPath path(List<String> segments, int rootEnd) {
    String root = rootEnd == 0 ? "." : String.join("/", segments.subList(0, rootEnd));
    String key = String.join("/", segments.subList(rootEnd, segments.size()));
    return new MediaPath(root, segments.get(rootEnd), key);
  }
}
