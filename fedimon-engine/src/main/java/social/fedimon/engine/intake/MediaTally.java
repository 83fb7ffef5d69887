package social.fedimon.engine.intake;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.mastodon.MediaLayout;

/** Counts media files and bytes, per top category. */
final class MediaTally {

  private @Nullable String root;
  private long files;
  private long bytes;
  private final Map<String, long[]> byCategory = new TreeMap<>();

  void add(MediaLayout.MediaPath path, long size) {
    if (root == null) {
      root = path.root();
    }
    files++;
    bytes += size;
    long[] counts = byCategory.computeIfAbsent(path.category(), c -> new long[2]);
    counts[0]++;
    counts[1] += size;
  }

  Report.Media report() {
    Map<String, Report.Counts> categories = new TreeMap<>();
    byCategory.forEach(
        (category, counts) -> categories.put(category, new Report.Counts(counts[0], counts[1])));
    return new Report.Media(root, files, bytes, categories);
  }
}
