package social.fedimon.engine.media;

import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A listing read on a thread of its own, at most {@code capacity} objects ahead of its consumer: a
 * sync walks its source while it connects to its target and reads the record there, instead of
 * after. What the thread meets (an exception, the end) reaches the consumer in order. {@link
 * #close()} stops the thread and closes the listing.
 */
final class Prefetched<T> extends Lookahead<T> implements AutoCloseable {

  private static final Object END = new Object();

  private final BlockingQueue<Object> queue;
  private final Thread reader;
  private volatile boolean stopped;
  private @Nullable Object failure; // what the thread met, given again to every later call

  Prefetched(Stream<T> listing, int capacity, String name) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.reader =
        new Thread(
            () -> {
              try (listing) {
                for (Iterator<T> items = listing.iterator(); items.hasNext(); ) {
                  if (!hand(items.next())) {
                    return;
                  }
                }
                hand(END);
              } catch (RuntimeException | Error e) {
                hand(e);
              }
            },
            name);
    reader.setDaemon(true);
    reader.start();
  }

  private boolean hand(Object item) {
    try {
      while (!stopped) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected @Nullable T fetch() {
    Object item = failure;
    if (item == null) {
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while listing", e);
      }
    }
    if (item instanceof RuntimeException e) {
      failure = e;
      throw e;
    }
    if (item instanceof Error e) {
      failure = e;
      throw e;
    }
    return item == END ? null : (T) item;
  }

  @Override
  public void close() {
    stopped = true;
    queue.clear();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
