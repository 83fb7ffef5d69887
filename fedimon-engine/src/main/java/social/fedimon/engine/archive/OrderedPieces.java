package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A stream cut into independent pieces that worker threads decode while the reading thread hands
 * out earlier pieces in order: the shape of {@link ParallelBzip2InputStream} (bzip2 blocks) and
 * {@link AgePayload} (age chunks). Subclasses cut, submit to {@link #workers}, and return each next
 * piece's bytes from {@link #nextPiece()}.
 */
abstract class OrderedPieces extends BulkInputStream {

  /** Decoders, daemon threads that end when idle: a forgotten stream leaks no thread. */
  protected final ThreadPoolExecutor workers;

  /** Pieces cut ahead of the one being read: a few per worker, so none waits. */
  protected final int ahead;

  private final String what;
  private @Nullable InputStream current;
  private boolean closed;

  OrderedPieces(int threads, String threadName, String what) {
    int n = Math.max(1, threads);
    this.what = what;
    this.ahead = n * 2 + 1;
    this.workers =
        new ThreadPoolExecutor(
            n,
            n,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, threadName);
              thread.setDaemon(true);
              return thread;
            });
    workers.allowCoreThreadTimeOut(true);
  }

  /** The next piece's bytes, in order; null at the end. */
  protected abstract @Nullable InputStream nextPiece() throws IOException;

  /** Cancels what is in flight; the workers are shut down by {@link #close()}. */
  protected abstract void cancelInFlight();

  /** A worker's result; its I/O failure as it is, any other wrapped, naming the stream. */
  protected <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decoding " + what);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException(what + " is damaged: " + cause.getMessage(), cause);
    }
  }

  /**
   * What a piece's decoder gives, read into one array of the size the piece declares; more or fewer
   * bytes are damage.
   */
  protected static byte[] decodeWhole(InputStream decoder, int size, String what)
      throws IOException {
    try (decoder) {
      byte[] out = new byte[size]; // one array: readNBytes(int) would hold the piece twice
      if (decoder.readNBytes(out, 0, size) != size || decoder.read() >= 0) {
        throw new IOException(what + " does not decode to the size it declares");
      }
      return out;
    }
  }

  /** Cancels the futures among {@code inFlight} and forgets every item. */
  protected static void cancelAll(Collection<?> inFlight) {
    for (Object item : inFlight) {
      if (item instanceof Future<?> future) {
        future.cancel(true);
      }
    }
    inFlight.clear();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException(what + " is closed");
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (current != null) {
        int n = current.read(b, off, len);
        if (n > 0) {
          return n;
        }
        current = null;
      }
      current = nextPiece();
      if (current == null) {
        return -1;
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    cancelInFlight();
    workers.shutdownNow();
  }
}
