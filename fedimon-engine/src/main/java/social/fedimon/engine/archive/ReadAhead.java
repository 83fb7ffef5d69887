package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads a stream on a thread of its own, a few buffers ahead of its consumer, so that decoding the
 * layers below (decompression, decryption, the tar reader) and parsing what they produce run on two
 * cores instead of one. What the reading thread meets (an exception, the end) reaches the consumer
 * in order. {@link #close()} stops that thread and waits for it, so the stream below is never
 * touched after it returns.
 */
public final class ReadAhead extends BulkInputStream {

  private static final int BUFFERS = 4;

  private record Filled(byte[] bytes, int length) {}

  private static final Filled END = new Filled(new byte[0], 0);

  private final BlockingQueue<Object> filled = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS + 2);
  private final InputStream in;
  // null when every read-ahead place of the decoder threads was taken: then reads go straight
  // to the stream below, on the consumer's thread
  private final @Nullable Thread reader;
  private volatile boolean stopped;
  private @Nullable Filled current;
  private int position;
  private boolean ended;

  /** Reads ahead on a thread of its own (tests and tools). */
  public ReadAhead(InputStream in, int bufferBytes) {
    this(in, bufferBytes, new DecoderThreads(1));
  }

  /** Reads ahead on one of {@code threads}' read-ahead places, or directly when none is free. */
  public ReadAhead(InputStream in, int bufferBytes, DecoderThreads threads) {
    this.in = in;
    this.reader = threads.tryStartReader(this::fill, "read-ahead");
    if (reader != null) {
      // the thread waits for these at its first poll: they need not be there before it starts
      for (int i = 0; i < BUFFERS + 2; i++) {
        free.add(new byte[bufferBytes]);
      }
    }
  }

  private void fill() {
    try {
      while (!stopped) {
        byte[] buffer = free.poll(100, TimeUnit.MILLISECONDS);
        if (buffer == null) {
          continue;
        }
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n > 0) {
          hand(new Filled(buffer, n));
        }
        if (n < buffer.length) {
          hand(END);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException | Error e) {
      try {
        hand(e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void hand(Object item) throws InterruptedException {
    while (!stopped) {
      if (filled.offer(item, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (reader == null) {
      return in.read(b, off, len);
    }
    while (current == null || position >= current.length()) {
      if (current != null && current != END) {
        free.offer(current.bytes());
      }
      current = null;
      if (ended) {
        return -1;
      }
      Object next;
      try {
        next = filled.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      if (next instanceof IOException e) {
        ended = true;
        throw e;
      }
      if (next instanceof RuntimeException e) {
        ended = true;
        throw e;
      }
      if (next instanceof Error e) {
        ended = true;
        throw e;
      }
      current = (Filled) next;
      position = 0;
      if (current == END) {
        ended = true;
        return -1;
      }
    }
    int n = Math.min(len, current.length() - position);
    System.arraycopy(current.bytes(), position, b, off, n);
    position += n;
    return n;
  }

  /** Stops the reading thread and waits for it: the stream below is then free for its owner. */
  @Override
  public void close() {
    stopped = true;
    filled.clear();
    if (reader == null) {
      return;
    }
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
