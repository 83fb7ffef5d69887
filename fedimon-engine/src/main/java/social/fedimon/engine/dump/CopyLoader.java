package social.fedimon.engine.dump;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Loads table data over several connections at once. The dump is read by one thread; its COPY data
 * is cut at row boundaries into chunks, and each chunk is sent by whichever connection is free, as
 * its own {@code COPY ... FROM STDIN}. Before post-data there are no indexes or constraints, so
 * chunks of one table load side by side, and the server's cores all work.
 */
final class CopyLoader implements AutoCloseable {

  /** Big enough that each COPY's setup is noise, small enough that jobs x 2 chunks stay cheap. */
  static final int CHUNK_BYTES = 8 << 20;

  /**
   * @param reusable whether the buffer goes back to the pool once sent (nobody else reads it)
   */
  private record Chunk(String copy, String table, byte[] bytes, int length, boolean reusable) {}

  private static final Chunk END = new Chunk("", "", new byte[0], 0, false);

  /**
   * Chunk buffers sent and free again: a restore would otherwise allocate (and zero) every byte of
   * table data once more, on the cores the server needs.
   */
  private final BlockingQueue<byte[]> freeBuffers;

  private final BlockingQueue<Chunk> queue;
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicReference<RestoreFailed> failure = new AtomicReference<>();

  /** Tables being loaded: chunks sent and not yet committed, rows, whether all are sent. */
  private static final class Progress {
    int outstanding;
    long rows;
    boolean sent;
  }

  private final @Nullable PostDataRunner postData;
  private final int earlyLimit;
  private final AtomicInteger early = new AtomicInteger();

  /** Set when every chunk is sent: new post-data work then waits for all the connections. */
  private volatile boolean allSent;

  private final Map<String, Progress> tables = new HashMap<>();

  /** Rows the server reported inserted, per table, by committed COPYs. */
  private final Map<String, Long> stored = new java.util.concurrent.ConcurrentHashMap<>();

  CopyLoader(RestoreTarget target, int jobs, List<String> session) {
    this(target, jobs, session, null);
  }

  /**
   * @param postData when given, a table's indexes and constraints are built as soon as its data is
   *     in, by up to half the connections, while the other tables load
   */
  CopyLoader(
      RestoreTarget target, int jobs, List<String> session, @Nullable PostDataRunner postData) {
    this.postData = postData;
    this.earlyLimit = jobs / 2;
    this.queue = new ArrayBlockingQueue<>(Math.max(2, jobs * 2));
    this.freeBuffers = new ArrayBlockingQueue<>(jobs * 3 + 2);
    for (int i = 0; i < jobs; i++) {
      Thread worker = new Thread(() -> work(target, session), "fedimon-copy-" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
  }

  /** Sees each chunk of whole rows as it is sent; must not change the bytes. */
  @FunctionalInterface
  interface ChunkListener {
    ChunkListener NONE = (bytes, length) -> {};

    void chunk(byte[] bytes, int length);
  }

  /** Sends {@code rows} in chunks; returns the number of rows (lines). */
  long load(String copy, String table, InputStream rows) throws IOException {
    return load(copy, table, rows, ChunkListener.NONE);
  }

  /** Sends {@code rows} in chunks, shown to {@code listener} too; returns the number of rows. */
  long load(String copy, String table, InputStream rows, ChunkListener listener)
      throws IOException {
    // a stream that counts its rows while reading them spares a second pass over the bytes
    RowCounting counting = rows instanceof RowCounting c ? c : null;
    long before = counting == null ? 0 : counting.rowsRead();
    long lines = 0;
    // a listener (the media rows) may still read a chunk after it is sent: those are not reused
    boolean reusable = listener == ChunkListener.NONE;
    byte[] buffer = buffer();
    int filled = 0;
    while (true) {
      int n = rows.readNBytes(buffer, filled, buffer.length - filled);
      filled += n;
      boolean end = filled < buffer.length;
      int cut = end ? filled : lastNewline(buffer, filled) + 1;
      if (!end && cut == 0) {
        // one row longer than a chunk: grow, rows are not split
        buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
        continue;
      }
      if (counting == null) {
        lines += Newlines.count(buffer, 0, cut);
      }
      if (cut > 0 && failure.get() == null) {
        sending(table);
        put(new Chunk(copy, table, buffer, cut, reusable && buffer.length == CHUNK_BYTES));
        listener.chunk(buffer, cut);
      }
      if (end) {
        if (counting != null) {
          lines = counting.rowsRead() - before;
        }
        allSent(table, lines);
        return lines;
      }
      byte[] next = buffer.length == CHUNK_BYTES ? buffer() : new byte[buffer.length];
      System.arraycopy(buffer, cut, next, 0, filled - cut);
      filled -= cut;
      buffer = next;
    }
  }

  private byte[] buffer() {
    byte[] free = freeBuffers.poll();
    return free != null ? free : new byte[CHUNK_BYTES];
  }

  /** Waits for every chunk sent so far; throws the first failure. */
  void finish() {
    allSent = true;
    for (int i = 0; i < workers.size(); i++) {
      put(END);
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RestoreFailed("interrupted while loading table data");
      }
    }
    RestoreFailed failed = failure.get();
    if (failed != null) {
      throw failed;
    }
  }

  private void put(Chunk chunk) {
    RestoreFailed failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    try {
      while (!queue.offer(chunk, 200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        failed = failure.get();
        if (failed != null) {
          throw failed;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted while loading table data");
    }
  }

  private void sending(String table) {
    synchronized (tables) {
      Progress progress = tables.computeIfAbsent(table, t -> new Progress());
      progress.outstanding++;
      progress.sent = false;
    }
  }

  /**
   * Rows the server says it inserted, per table (as named in the COPY statements), summed over the
   * committed COPYs; every table loaded is there, with 0 when it had no rows. Call after {@link
   * #finish}.
   */
  Map<String, Long> storedRows() {
    return Map.copyOf(stored);
  }

  private void allSent(String table, long rows) {
    stored.putIfAbsent(table, 0L);
    boolean loaded;
    synchronized (tables) {
      Progress progress = tables.computeIfAbsent(table, t -> new Progress());
      progress.rows += rows;
      progress.sent = true;
      loaded = progress.outstanding == 0;
    }
    if (loaded && postData != null) {
      postData.tableLoaded(table, rows);
    }
  }

  private void committed(String table) {
    long rows = -1;
    synchronized (tables) {
      Progress progress = tables.get(table);
      progress.outstanding--;
      if (progress.outstanding == 0 && progress.sent) {
        rows = progress.rows;
      }
    }
    if (rows >= 0 && postData != null) {
      postData.tableLoaded(table, rows);
    }
  }

  /** Runs one ready post-data task if this connection may; whether it did. */
  private boolean runEarlyTask(Connection connection) {
    if (postData == null || failure.get() != null || allSent) {
      return false;
    }
    if (early.incrementAndGet() > earlyLimit) {
      early.decrementAndGet();
      return false;
    }
    try {
      PostDataRunner.Task task = postData.tryEarlyTask();
      if (task == null) {
        return false;
      }
      try {
        postData.runEarly(task, connection);
      } catch (RestoreFailed e) {
        failure.compareAndSet(null, e);
      }
      return true;
    } finally {
      early.decrementAndGet();
    }
  }

  private void work(RestoreTarget target, List<String> session) {
    try (Connection connection = target.connect("data")) {
      try (Statement statement = connection.createStatement()) {
        for (String sql : session) {
          statement.execute(sql);
        }
      }
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      while (true) {
        if (runEarlyTask(connection)) {
          continue;
        }
        Chunk chunk =
            postData == null
                ? queue.take()
                : queue.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (chunk == null) {
          continue;
        }
        if (chunk == END) {
          return;
        }
        if (failure.get() != null) {
          continue; // drain: the reader stops at its next put
        }
        try {
          long inserted = send(copy, chunk);
          stored.merge(chunk.table(), inserted, Long::sum);
          if (chunk.reusable()) {
            freeBuffers.offer(chunk.bytes());
          }
          committed(chunk.table());
        } catch (SQLException e) {
          failure.compareAndSet(
              null,
              new RestoreFailed(
                  "data (table " + chunk.table() + ")", chunk.copy(), e.getMessage(), e));
        }
      }
    } catch (SQLException e) {
      failure.compareAndSet(null, new RestoreFailed("data", null, e.getMessage(), e));
      drainUntilEnd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One COPY of a chunk, written straight from its buffer; the rows the server inserted. */
  private static long send(CopyManager copy, Chunk chunk) throws SQLException {
    CopyIn in = copy.copyIn(chunk.copy());
    try {
      in.writeToCopy(chunk.bytes(), 0, chunk.length());
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private void drainUntilEnd() {
    try {
      while (queue.take() != END) {
        // discard
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int lastNewline(byte[] buffer, int length) {
    for (int i = length - 1; i >= 0; i--) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    for (Thread worker : workers) {
      worker.interrupt();
    }
  }
}
