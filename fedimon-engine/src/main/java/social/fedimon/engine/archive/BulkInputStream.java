package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that works in blocks: subclasses implement {@link #read(byte[], int, int)} only, and the
 * single-byte {@link #read()} goes through it. The decoders, guards and read-aheads of the engine
 * all share this shape.
 */
public abstract class BulkInputStream extends InputStream {

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
