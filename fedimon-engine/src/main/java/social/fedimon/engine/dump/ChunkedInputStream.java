package social.fedimon.engine.dump;

import java.io.IOException;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.archive.BulkInputStream;

/**
 * A custom archive's data block as one stream: chunks of an integer length and that many bytes, up
 * to a chunk of length zero (pg_backup_custom.c, _CustomReadFunc).
 */
final class ChunkedInputStream extends BulkInputStream {

  /** pg_dump writes chunks of a few KiB to a few MiB; a bigger one is damage or an attack. */
  static final long MAX_CHUNK_BYTES = 256L << 20;

  private final ArchiveInput in;
  private long remaining;
  private boolean done;

  ChunkedInputStream(ArchiveInput in) {
    this.in = in;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    while (remaining == 0) {
      long length = in.readInt();
      if (length == 0) {
        done = true;
        return -1;
      }
      if (length < 0 || length > MAX_CHUNK_BYTES) {
        throw DumpRejected.of(
            ProblemCode.CORRUPT, "a data chunk of the dump declares " + length + " bytes");
      }
      remaining = length;
    }
    int n = in.stream().read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new java.io.EOFException("the dump ends inside a data block");
    }
    remaining -= n;
    return n;
  }
}
