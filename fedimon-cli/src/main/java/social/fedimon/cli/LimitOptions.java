package social.fedimon.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import social.fedimon.engine.archive.ArchiveLimits;

/** Raises the archive limits for a backup that is really that big. */
final class LimitOptions {

  @Option(
      names = "--max-expanded-size",
      paramLabel = "SIZE",
      description = "Refuse archives that expand past SIZE (e.g. 4T; default 2T).",
      converter = ByteSizeConverter.class)
  @Nullable Long maxExpandedBytes;

  @Option(
      names = "--max-ratio",
      paramLabel = "N",
      description = "Refuse layers that expand more than N times past 1 GiB (default 1000).")
  @Nullable Long maxRatio;

  @Option(
      names = "--max-entries",
      paramLabel = "N",
      description = "Refuse archives with more than N entries (default 50000000).")
  @Nullable Long maxEntries;

  @Option(
      names = "--zstd-window-log",
      paramLabel = "N",
      description = "Accept zstd windows up to 2^N bytes (default 27; 31 for --long=31 archives).")
  @Nullable Integer zstdWindowLog;

  @Option(
      names = "--max-xz-memory",
      paramLabel = "SIZE",
      description = "Memory an xz or 7z decoder may use (default 256M).",
      converter = ByteSizeConverter.class)
  @Nullable Long xzMemory;

  ArchiveLimits limits() {
    ArchiveLimits limits = ArchiveLimits.DEFAULTS;
    if (maxExpandedBytes != null) {
      limits = limits.withMaxExpandedBytes(maxExpandedBytes);
    }
    if (maxRatio != null) {
      limits = limits.withRatio(maxRatio, limits.ratioGraceBytes());
    }
    if (maxEntries != null) {
      limits = limits.withMaxEntries(maxEntries);
    }
    if (zstdWindowLog != null) {
      limits = limits.withZstdWindowLog(zstdWindowLog);
    }
    if (xzMemory != null) {
      limits = limits.withXzMemoryKib((int) Math.min(Integer.MAX_VALUE, xzMemory / 1024));
    }
    return limits;
  }
}
