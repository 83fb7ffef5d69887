package social.fedimon.engine.archive;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that decode layers in parallel (bzip2 blocks, xz blocks, LZMA2 segments, age chunks)
 * and read streams ahead of their consumers (zstd, OpenPGP, the dump), shared by every archive a
 * caller reads: the caller makes one, sized as it likes, and hands it to each read. Four reads at
 * once with one instance use at most its decoding threads and its read-ahead threads, not four
 * times as many.
 *
 * <p>Decoding threads are daemons and end after a few idle seconds, so an instance that is no
 * longer used leaks nothing; {@link #close()} stops them at once. A read-ahead that finds every
 * place taken reads on its consumer's thread instead: slower, never stuck.
 */
public final class DecoderThreads implements AutoCloseable {

  /** Idle decoding threads end after this: a pause between two reads keeps them, nothing more. */
  private static final long KEEP_ALIVE_SECONDS = 5;

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final int size;
  private final int readerPlaces;
  private final ThreadPoolExecutor decoders;
  private final Semaphore readers;
  private final String name;
  private final AtomicInteger readerNumber = new AtomicInteger();
  private final AtomicInteger peakReaders = new AtomicInteger();

  /**
   * @param size decoding threads at most, and read-ahead threads at most (at least 1)
   */
  public DecoderThreads(int size) {
    this(size, size);
  }

  /**
   * @param size decoding threads at most (at least 1)
   * @param readerPlaces read-ahead threads at most (0: every read-ahead reads inline)
   */
  public DecoderThreads(int size, int readerPlaces) {
    this.size = Math.max(1, size);
    this.readerPlaces = Math.max(0, readerPlaces);
    this.name = "fedimon-decode-" + INSTANCES.incrementAndGet();
    AtomicInteger number = new AtomicInteger();
    this.decoders =
        new ThreadPoolExecutor(
            this.size,
            this.size,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, name + "-" + number.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    decoders.allowCoreThreadTimeOut(true);
    this.readers = new Semaphore(this.readerPlaces);
  }

  /**
   * What a command that reads one archive at a time wants: a decoding thread per core, and {@value
   * #COMMAND_READER_PLACES} read-ahead threads (an OpenPGP archive's pipeline has three
   * read-aheads: decryption, inflation, the dump), as it had before the threads were shared.
   */
  public static DecoderThreads perCore() {
    return new DecoderThreads(Runtime.getRuntime().availableProcessors(), COMMAND_READER_PLACES);
  }

  /**
   * Read-ahead threads of a command: the most a read nests (OpenPGP, inflate, the dump), plus one.
   */
  static final int COMMAND_READER_PLACES = 4;

  /** The most decoding threads this instance runs at once. */
  public int size() {
    return size;
  }

  /** The most read-ahead threads this instance runs at once. */
  public int readerPlaces() {
    return readerPlaces;
  }

  <T> Future<T> submit(Callable<T> task) {
    return decoders.submit(task);
  }

  /**
   * Runs {@code body} on a thread of its own when a read-ahead place is free, and frees the place
   * when it returns.
   *
   * @return the thread, started; null when every place is taken (then nothing runs)
   */
  @org.jspecify.annotations.Nullable
  Thread tryStartReader(Runnable body, String what) {
    if (!readers.tryAcquire()) {
      return null;
    }
    peakReaders.accumulateAndGet(readerPlaces - readers.availablePermits(), Math::max);
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } finally {
                readers.release();
              }
            },
            name + "-" + what + "-" + readerNumber.incrementAndGet());
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (RuntimeException | Error e) {
      readers.release();
      throw e;
    }
    return thread;
  }

  /** The most decoding threads that ran at once so far (for monitoring and tests). */
  public int peakDecoders() {
    return decoders.getLargestPoolSize();
  }

  /** The most read-ahead threads that ran at once so far. */
  public int peakReaders() {
    return peakReaders.get();
  }

  /** Read-ahead threads started so far. */
  public int readersStarted() {
    return readerNumber.get();
  }

  /** Stops the decoding threads; streams still reading with this instance fail. */
  @Override
  public void close() {
    decoders.shutdownNow();
  }
}
