package social.fedimon.engine.dump;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.mastodon.MediaReferences;

/**
 * Notes the media files that rows name, from the chunks a restore sends, on a thread of its own so
 * that the reader keeps feeding the database. At most a few chunks wait: when the parser falls
 * behind, the reader waits for it rather than the heap filling up.
 */
final class MediaRows implements AutoCloseable {

  private static final int WAITING_CHUNKS = 4;

  private record Work(
      MediaReferences.@Nullable Layout layout, int[] selected, byte[] bytes, int length) {}

  private static final Work END = new Work(null, new int[0], new byte[0], 0);

  private final MediaReferences references = new MediaReferences();
  private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(WAITING_CHUNKS);
  private final Thread worker;
  private volatile @Nullable RuntimeException failure;

  MediaRows() {
    worker = new Thread(this::work, "fedimon-media-rows");
    worker.setDaemon(true);
    worker.start();
  }

  /** A listener for the chunks of {@code table} (bare name), whose COPY lists {@code columns}. */
  CopyLoader.ChunkListener forTable(String table, List<String> columns) {
    java.util.Optional<MediaReferences.Layout> layout = MediaReferences.layout(table, columns);
    if (layout.isEmpty()) {
      return CopyLoader.ChunkListener.NONE;
    }
    int[] selected = layout.get().selected();
    return (bytes, length) -> put(new Work(layout.get(), selected, bytes, length));
  }

  /** Waits for the rows handed so far and returns what they name. */
  MediaReferences finish() {
    put(END);
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted while reading media rows");
    }
    RuntimeException failed = failure;
    if (failed != null) {
      throw failed;
    }
    return references;
  }

  private void put(Work work) {
    try {
      queue.put(work);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted while reading media rows");
    }
  }

  private void work() {
    try {
      while (true) {
        Work work = queue.take();
        if (work == END) {
          return;
        }
        try {
          if (failure == null) {
            parse(work);
          }
        } catch (RuntimeException e) {
          failure = e; // and keep taking work, so that the reader never waits forever
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void parse(Work work) {
    int start = 0;
    byte[] bytes = work.bytes();
    MediaReferences.Layout layout = java.util.Objects.requireNonNull(work.layout());
    while (start < work.length()) {
      int end = start;
      while (end < work.length() && bytes[end] != '\n') {
        end++;
      }
      references.row(layout, CopyText.select(bytes, start, end, work.selected()));
      start = end + 1;
    }
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
