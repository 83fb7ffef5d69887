package social.fedimon.engine.archive;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * Opens the decoder of a compression layer. Every decoder reads concatenated members, streams and
 * frames to the end, as the command-line tools do: {@code cat a.gz b.gz} is one valid gzip file.
 */
final class Decompressors {

  private Decompressors() {}

  static InputStream open(Layer layer, InputStream in, ArchiveLimits limits, DecoderThreads threads)
      throws IOException {
    return switch (layer) {
      case GZIP ->
          GzipCompressorInputStream.builder()
              .setInputStream(in)
              .setDecompressConcatenated(true)
              .get();
      // blocks are independent: decoded on every core, as the CLI cannot
      case BZIP2 -> new ParallelBzip2InputStream(in, threads);
      // blocks with sizes in their headers (xz -T) are independent: decoded on every core too
      case XZ -> new ParallelXzInputStream(in, limits.xzMemoryKib(), threads);
      case ZSTD -> zstd(in, limits);
      case LZ4 -> new FramedLZ4CompressorInputStream(in, true);
      default -> throw new IllegalArgumentException(layer + " is not a compression layer");
    };
  }

  private static InputStream zstd(InputStream in, ArchiveLimits limits) throws IOException {
    ZstdInputStreamNoFinalizer zstd = new ZstdInputStreamNoFinalizer(in);
    // the decoder refuses frames whose window is larger, instead of allocating it
    zstd.setLongMax(limits.zstdWindowLog());
    zstd.setContinuous(false);
    return zstd;
  }
}
