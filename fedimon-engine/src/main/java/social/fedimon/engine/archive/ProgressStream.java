package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** Counts source bytes and tells a listener, at most once per buffer's worth. */
final class ProgressStream extends CountingInputStream {

  private final LongConsumer listener;
  private long lastReported;

  ProgressStream(InputStream in, LongConsumer listener) {
    super(in);
    this.listener = listener;
  }

  @Override
  protected void counted(long n) throws IOException {
    super.counted(n);
    if (count() - lastReported >= ArchiveReader.BUFFER_BYTES) {
      lastReported = count();
      listener.accept(lastReported);
    }
  }

  @Override
  public void close() throws IOException {
    listener.accept(count());
    super.close();
  }
}
