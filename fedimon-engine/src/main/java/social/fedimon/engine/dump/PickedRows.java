package social.fedimon.engine.dump;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Hands the values a {@link RowReader} picks from the rows of the chunks a restore sends to it, on
 * a thread of its own so that the reader keeps feeding the database. At most a few chunks wait:
 * when the parser falls behind, the reader waits for it rather than the heap filling up.
 */
final class PickedRows implements AutoCloseable {

  private static final int WAITING_CHUNKS = 4;

  private record Work(RowReader.@Nullable Rows rows, int[] selected, byte[] bytes, int length) {}

  private static final Work END = new Work(null, new int[0], new byte[0], 0);

  private final RowReader rowReader;
  private final BlockingQueue<Work> queue = new ArrayBlockingQueue<>(WAITING_CHUNKS);
  private final Thread worker;
  private volatile @Nullable RuntimeException failure;

  PickedRows(RowReader rowReader) {
    this.rowReader = rowReader;
    worker = new Thread(this::work, "fedimon-picked-rows");
    worker.setDaemon(true);
    worker.start();
  }

  /** A listener for the chunks of {@code table} (bare name), whose COPY lists {@code columns}. */
  CopyLoader.ChunkListener forTable(String table, List<String> columns) {
    java.util.Optional<RowReader.Rows> rows = rowReader.forTable(table, columns);
    if (rows.isEmpty()) {
      return CopyLoader.ChunkListener.NONE;
    }
    int[] selected = rows.get().selected();
    return (bytes, length) -> put(new Work(rows.get(), selected, bytes, length));
  }

  /** Waits until the rows handed so far are read. */
  void finish() {
    put(END);
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted while reading rows");
    }
    RuntimeException failed = failure;
    if (failed != null) {
      throw failed;
    }
  }

  private void put(Work work) {
    try {
      queue.put(work);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted while reading rows");
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
    RowReader.Rows rows = java.util.Objects.requireNonNull(work.rows());
    while (start < work.length()) {
      int end = start;
      while (end < work.length() && bytes[end] != '\n') {
        end++;
      }
      rows.row(CopyText.select(bytes, start, end, work.selected()));
      start = end + 1;
    }
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
