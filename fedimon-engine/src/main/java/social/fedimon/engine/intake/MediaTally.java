package social.fedimon.engine.intake;

import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.mastodon.KeySet;
import social.fedimon.engine.mastodon.MediaLayout;

/** Counts media files and bytes, per top category, local and cached, and remembers their keys. */
final class MediaTally {

  private @Nullable String root;
  private long files;
  private long bytes;
  private long cachedFiles;
  private long cachedBytes;
  private final Map<String, long[]> byCategory = new TreeMap<>();
  private final KeySet keys = new KeySet();

  void add(MediaLayout.MediaPath path, long size) {
    if (root == null) {
      root = path.root();
    }
    files++;
    bytes += size;
    keys.add(path.key());
    if (path.cached()) {
      cachedFiles++;
      cachedBytes += size;
    }
    long[] counts = byCategory.computeIfAbsent(path.category(), c -> new long[2]);
    counts[0]++;
    counts[1] += size;
  }

  KeySet keys() {
    return keys;
  }

  long files() {
    return files;
  }

  Report.Media report(long referenced, long missing) {
    Map<String, Report.Counts> categories = new TreeMap<>();
    byCategory.forEach(
        (category, counts) -> categories.put(category, new Report.Counts(counts[0], counts[1])));
    return new Report.Media(
        root,
        files,
        bytes,
        categories,
        new Report.Counts(files - cachedFiles, bytes - cachedBytes),
        new Report.Counts(cachedFiles, cachedBytes),
        referenced,
        missing);
  }

  Report.Media report() {
    return report(0, 0);
  }
}
