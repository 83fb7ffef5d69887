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

  /**
   * With tables side by side: one queue per connection, and which are taken by a table being sent.
   * Each table then loads over one connection, as with pg_restore -j: two COPYs into the same table
   * wait on each other (its extension lock, the WAL), and left the cores a fifth idle.
   */
  private final @Nullable List<BlockingQueue<Chunk>> lanes;

  private final boolean[] laneTaken;

  /** Connections running post-data work, which a new table should not wait behind. */
  private final boolean[] laneBusy;

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
    this(target, jobs, session, postData, false);
  }

  /**
   * @param sideBySide whether tables come several at once, each from a thread of its own: each is
   *     then sent over a connection of its own; otherwise a table's chunks go to whichever
   *     connection is free
   */
  CopyLoader(
      RestoreTarget target,
      int jobs,
      List<String> session,
      @Nullable PostDataRunner postData,
      boolean sideBySide) {
    this.postData = postData;
    // side by side, a connection runs post-data work only when its own queue is empty: any number
    // may; otherwise half of them, so that the tables' chunks keep going out
    this.earlyLimit = sideBySide ? jobs : jobs / 2;
    this.queue = new ArrayBlockingQueue<>(Math.max(2, jobs * 2));
    this.freeBuffers = new ArrayBlockingQueue<>(jobs * 3 + 2);
    this.laneTaken = new boolean[jobs];
    this.laneBusy = new boolean[jobs];
    if (sideBySide) {
      List<BlockingQueue<Chunk>> queues = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        queues.add(new ArrayBlockingQueue<>(2));
      }
      this.lanes = queues;
    } else {
      this.lanes = null;
    }
    for (int i = 0; i < jobs; i++) {
      BlockingQueue<Chunk> source = lanes == null ? queue : lanes.get(i);
      int lane = i;
      Thread worker = new Thread(() -> work(target, session, source, lane), "fedimon-copy-" + i);
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
    // a listener (the media rows) may still read a chunk after it is sent: those are not reused
    boolean reusable = listener == ChunkListener.NONE;
    int lane = takeLane();
    try {
      return send(copy, table, rows, listener, counting, before, reusable, lane);
    } finally {
      releaseLane(lane);
    }
  }

  private long send(
      String copy,
      String table,
      InputStream rows,
      ChunkListener listener,
      @Nullable RowCounting counting,
      long before,
      boolean reusable,
      int lane)
      throws IOException {
    long lines = 0;
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
        put(
            new Chunk(copy, table, buffer, cut, reusable && buffer.length == CHUNK_BYTES),
            lane < 0 ? queue : lanes.get(lane));
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

  /** A connection of its own for a table, when tables come side by side; else -1. */
  private int takeLane() {
    if (lanes == null) {
      return -1;
    }
    synchronized (laneTaken) {
      while (true) {
        int free = -1;
        for (int i = 0; i < laneTaken.length; i++) {
          if (!laneTaken[i] && (free < 0 || (laneBusy[free] && !laneBusy[i]))) {
            free = i; // a free connection, idle rather than building an index if there is one
          }
        }
        if (free >= 0) {
          laneTaken[free] = true;
          return free;
        }
        try {
          laneTaken.wait(); // more tables at once than connections
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RestoreFailed("interrupted while loading table data");
        }
      }
    }
  }

  private void setBusy(int lane, boolean busy) {
    synchronized (laneTaken) {
      laneBusy[lane] = busy;
    }
  }

  private boolean laneTaken(int lane) {
    synchronized (laneTaken) {
      return laneTaken[lane];
    }
  }

  private void releaseLane(int lane) {
    if (lane >= 0) {
      synchronized (laneTaken) {
        laneTaken[lane] = false;
        laneTaken.notifyAll();
      }
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
      put(END, lanes == null ? queue : lanes.get(i));
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

  private void put(Chunk chunk, BlockingQueue<Chunk> queue) {
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
  private boolean runEarlyTask(Connection connection, int lane) {
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
      setBusy(lane, true);
      try {
        postData.runEarly(task, connection);
      } catch (RestoreFailed e) {
        failure.compareAndSet(null, e);
      } finally {
        setBusy(lane, false);
      }
      return true;
    } finally {
      early.decrementAndGet();
    }
  }

  private void work(
      RestoreTarget target, List<String> session, BlockingQueue<Chunk> queue, int lane) {
    try (Connection connection = target.connect("data")) {
      try (Statement statement = connection.createStatement()) {
        for (String sql : session) {
          statement.execute(sql);
        }
      }
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      while (true) {
        // side by side, a connection sending a table takes no other work: a reader waits on it
        Chunk chunk = lanes == null ? null : queue.poll();
        if (chunk == null) {
          if ((lanes == null || !laneTaken(lane)) && runEarlyTask(connection, lane)) {
            continue;
          }
          chunk =
              postData == null
                  ? queue.take()
                  : queue.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
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
      drainUntilEnd(queue);
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

  private static void drainUntilEnd(BlockingQueue<Chunk> queue) {
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
