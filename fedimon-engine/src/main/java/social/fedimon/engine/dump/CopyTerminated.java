package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import social.fedimon.engine.archive.BulkInputStream;
import social.fedimon.engine.archive.Drain;

/**
 * The rows of an archive's table data: pg_dump ends them with the COPY terminator line {@code \.}
 * and two empty lines (pg_dump.c writes {@code "\\.\n\n\n"}), which are no rows. Reads up to that
 * line, then discards the rest.
 */
final class CopyTerminated extends BulkInputStream implements RowCounting {

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private boolean atLineStart = true;
  private boolean done;
  private long rows;

  CopyTerminated(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(byte[] out, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (pos >= limit && !fill(0)) {
      done = true;
      return -1;
    }
    if (atLineStart && buffer[pos] == '\\' && terminator()) {
      done = true;
      Drain.all(in);
      return -1;
    }
    int start = pos;
    int end = Math.min(limit, pos + len);
    // one pass finds the next line starting with a backslash and counts the rows before it
    long scan = Newlines.scanCopyData(buffer, start, end);
    int stop = (int) (scan >>> 32);
    rows += (int) scan;
    int n = stop - start;
    System.arraycopy(buffer, start, out, off, n);
    pos = stop;
    atLineStart = buffer[stop - 1] == '\n';
    return n;
  }

  @Override
  public long rowsRead() {
    return rows;
  }

  /** At a line start on a backslash: is this line exactly {@code \.}? */
  private boolean terminator() throws IOException {
    if (limit - pos < 3) {
      System.arraycopy(buffer, pos, buffer, 0, limit - pos);
      limit -= pos;
      pos = 0;
      fill(limit);
    }
    if (limit - pos < 2 || buffer[pos + 1] != '.') {
      return false;
    }
    return limit - pos == 2 || buffer[pos + 2] == '\n' || buffer[pos + 2] == '\r';
  }

  private boolean fill(int from) throws IOException {
    int n = in.read(buffer, from, buffer.length - from);
    if (n <= 0) {
      return from > 0;
    }
    if (from == 0) {
      pos = 0;
    }
    limit = from + n;
    return true;
  }
}
