package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A stream cut into independent pieces that worker threads decode while the reading thread hands
 * out earlier pieces in order: the shape of {@link ParallelBzip2InputStream} (bzip2 blocks) and
 * {@link AgePayload} (age chunks). Subclasses cut, submit to {@link #workers}, and return each next
 * piece's bytes from {@link #nextPiece()}.
 */
abstract class OrderedPieces extends BulkInputStream {

  /** Pieces cut ahead of the one being read: a few per decoding thread, so none waits. */
  protected final int ahead;

  private final DecoderThreads threads;
  // a pool made for this stream alone (the constructors that take a number): stopped at close
  private final boolean ownThreads;
  private final String what;
  // this stream's decoding tasks inside their work now (guarded by itself); see awaitIdle
  private final Object idle = new Object();
  private int working;
  private volatile boolean closed;
  private @Nullable InputStream current;

  /**
   * @param threads the decoding threads to use
   * @param ownThreads whether they were made for this stream alone (then closed with it)
   */
  OrderedPieces(DecoderThreads threads, boolean ownThreads, String what) {
    this.threads = threads;
    this.ownThreads = ownThreads;
    this.what = what;
    this.ahead = threads.size() * 2 + 1;
  }

  /**
   * Decodes a piece on a decoding thread. A task that starts after {@link #close()} does nothing
   * but fail, so once {@link #awaitIdle} returns true no task of this stream touches its state.
   */
  protected <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
    return threads.submit(
        () -> {
          synchronized (idle) {
            working++;
          }
          try {
            if (closed) {
              throw new InterruptedIOException(what + " is closed");
            }
            return task.call();
          } finally {
            synchronized (idle) {
              if (--working == 0) {
                idle.notifyAll();
              }
            }
          }
        });
  }

  /**
   * Waits until no decoding task of this stream runs (after {@link #close()}); false on time-out.
   */
  protected boolean awaitIdle(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (idle) {
      while (working > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          idle.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
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
    if (ownThreads) {
      threads.close();
    }
  }
}
