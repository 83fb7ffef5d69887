package social.fedimon.engine.archive;

import java.io.FilterInputStream;
import java.io.InputStream;

/** Hands a stream to code that may close it, without closing what lies beneath. */
final class NonClosingInputStream extends FilterInputStream {

  NonClosingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public void close() {}
}
