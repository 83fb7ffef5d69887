package social.fedimon.engine.archive;

/**
 * The limits every archive is held to, counted on bytes actually produced, never on sizes that
 * headers declare. The defaults let a real instance through (a 500 GB backup with 10 million media
 * files) and stop a bomb within seconds; each can be raised by configuration.
 *
 * @param maxExpandedBytes total bytes any one layer may produce, and total bytes of all entries
 * @param maxRatio expansion ratio (bytes out per byte in) a layer or entry may reach...
 * @param ratioGraceBytes ...once it has produced this many bytes (small files compress well)
 * @param maxEntries entries in all containers together
 * @param maxNameBytes UTF-8 length of one entry name
 * @param maxHeaderBytes size of one container header (a tar pax header, a zip extra field...)
 * @param maxDepth layers nested inside one another
 * @param xzMemoryKib memory an xz or 7z LZMA decoder may use
 * @param zstdWindowLog largest zstd window (log2 of bytes) accepted
 * @param scryptMaxLogN largest age scrypt work factor accepted
 * @param maxSpoolBytes bytes a zip or 7z read from a stream may take in a temporary file
 */
public record ArchiveLimits(
    long maxExpandedBytes,
    long maxRatio,
    long ratioGraceBytes,
    long maxEntries,
    int maxNameBytes,
    int maxHeaderBytes,
    int maxDepth,
    int xzMemoryKib,
    int zstdWindowLog,
    int scryptMaxLogN,
    long maxSpoolBytes) {

  /** 2 TiB: four times the biggest backup we expect (500 GB), far below a disk-filling bomb. */
  public static final long DEFAULT_MAX_EXPANDED_BYTES = 2L << 40;

  /**
   * SQL dumps compress 5 to 20 times, media hardly at all; 1000 times is only reached by runs of
   * identical bytes, which is what bombs are made of.
   */
  public static final long DEFAULT_MAX_RATIO = 1000;

  /**
   * The ratio is only judged past 1 GiB of output, so that small, very regular files (a sparse
   * image, an empty table's padding) never trip it, and a bomb still stops within a second or two.
   */
  public static final long DEFAULT_RATIO_GRACE_BYTES = 1L << 30;

  /** 50 million: five times the 10 million media files of a large instance. */
  public static final long DEFAULT_MAX_ENTRIES = 50_000_000;

  /** 4 KiB: PATH_MAX on Linux; no real media path comes close. */
  public static final int DEFAULT_MAX_NAME_BYTES = 4096;

  /** 1 MiB for one header: pax headers and zip extra fields are a few hundred bytes in practice. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;

  /** age around zstd around tar holding a compressed dump is 4; 8 leaves room, stops quines. */
  public static final int DEFAULT_MAX_DEPTH = 8;

  /** 256 MiB: xz -9 and 7z -mx9 need 65 MiB to decode; the heap budget is 256 MB. */
  public static final int DEFAULT_XZ_MEMORY_KIB = 256 * 1024;

  /** 2^27 = 128 MiB, zstd's own default maximum; --long=31 archives need this raised. */
  public static final int DEFAULT_ZSTD_WINDOW_LOG = 27;

  /** age uses 18 (256 MiB of scrypt memory); 20 (1 GiB) covers calibrating implementations. */
  public static final int DEFAULT_SCRYPT_MAX_LOG_N = 20;

  public static final ArchiveLimits DEFAULTS =
      new ArchiveLimits(
          DEFAULT_MAX_EXPANDED_BYTES,
          DEFAULT_MAX_RATIO,
          DEFAULT_RATIO_GRACE_BYTES,
          DEFAULT_MAX_ENTRIES,
          DEFAULT_MAX_NAME_BYTES,
          DEFAULT_MAX_HEADER_BYTES,
          DEFAULT_MAX_DEPTH,
          DEFAULT_XZ_MEMORY_KIB,
          DEFAULT_ZSTD_WINDOW_LOG,
          DEFAULT_SCRYPT_MAX_LOG_N,
          DEFAULT_MAX_EXPANDED_BYTES);

  public ArchiveLimits withMaxExpandedBytes(long value) {
    return new ArchiveLimits(
        value,
        maxRatio,
        ratioGraceBytes,
        maxEntries,
        maxNameBytes,
        maxHeaderBytes,
        maxDepth,
        xzMemoryKib,
        zstdWindowLog,
        scryptMaxLogN,
        Math.min(maxSpoolBytes, value));
  }

  public ArchiveLimits withRatio(long ratio, long graceBytes) {
    return new ArchiveLimits(
        maxExpandedBytes,
        ratio,
        graceBytes,
        maxEntries,
        maxNameBytes,
        maxHeaderBytes,
        maxDepth,
        xzMemoryKib,
        zstdWindowLog,
        scryptMaxLogN,
        maxSpoolBytes);
  }

  public ArchiveLimits withMaxEntries(long value) {
    return new ArchiveLimits(
        maxExpandedBytes,
        maxRatio,
        ratioGraceBytes,
        value,
        maxNameBytes,
        maxHeaderBytes,
        maxDepth,
        xzMemoryKib,
        zstdWindowLog,
        scryptMaxLogN,
        maxSpoolBytes);
  }

  public ArchiveLimits withZstdWindowLog(int value) {
    return new ArchiveLimits(
        maxExpandedBytes,
        maxRatio,
        ratioGraceBytes,
        maxEntries,
        maxNameBytes,
        maxHeaderBytes,
        maxDepth,
        xzMemoryKib,
        value,
        scryptMaxLogN,
        maxSpoolBytes);
  }

  public ArchiveLimits withXzMemoryKib(int value) {
    return new ArchiveLimits(
        maxExpandedBytes,
        maxRatio,
        ratioGraceBytes,
        maxEntries,
        maxNameBytes,
        maxHeaderBytes,
        maxDepth,
        value,
        zstdWindowLog,
        scryptMaxLogN,
        maxSpoolBytes);
  }
}
