package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Uploads media to an object store while they are read, from whichever thread reads them: small
 * files in one request, big ones in parts, with a bounded number of requests in flight so memory
 * stays flat ({@code concurrency} x {@value #PART_BYTES} bytes at most). Incremental: a file
 * already stored with the same size and MD5 is not sent again, so a re-run after a failure sends
 * only what is missing. Transient errors are tried again: by {@link SignedHttp} (three tries) for a
 * single-request upload where it applies, else and for parts by the AWS SDK (its standard retry
 * policy).
 */
public final class MediaUploader implements AutoCloseable {

  /** S3's minimum part size is 5 MiB; 8 MiB keeps part counts low and memory modest. */
  public static final int PART_BYTES = 8 << 20;

  /**
   * Requests at once: S3 scales with concurrency, a loopback S3Proxy to about the core count x 4.
   */
  public static final int DEFAULT_CONCURRENCY = 16;

  private final ObjectStore store;
  private final String prefix;
  private final ExecutorService pool;
  private final Semaphore inFlight;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  // the keys this uploader stored, so that a restore that fails can take them back
  private final SentKeys sent = new SentKeys();
  private final int totalPermits;

  /** Whether to skip what the target already holds (false when the caller has compared). */
  private final boolean checkStored;

  /** What the target held under the prefix when the first file came, from one listing. */
  private @Nullable Map<String, StoredObject> stored;

  public MediaUploader(ObjectStore store, String prefix, int concurrency) {
    this(store, prefix, concurrency, true);
  }

  /**
   * @param checkStored whether to look for each file in the target first (one listing of the
   *     prefix, not a request per file); false when the caller has compared already
   */
  public MediaUploader(ObjectStore store, String prefix, int concurrency, boolean checkStored) {
    this.store = store;
    this.prefix = prefix;
    this.checkStored = checkStored;
    this.pool =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread thread = new Thread(r, "fedimon-upload");
              thread.setDaemon(true);
              return thread;
            });
    this.inFlight = new Semaphore(concurrency);
    this.totalPermits = concurrency;
  }

  /**
   * Sends a file of {@code size} bytes under {@code key} (prefixed); returns once its bytes are
   * read (the upload may still be under way: {@link #finish()} waits for all).
   */
  public void upload(String key, InputStream content, long size) throws IOException {
    upload(key, content, size, Map.of());
  }

  /** As {@link #upload(String, InputStream, long)}, with more user metadata on the object. */
  public void upload(String key, InputStream content, long size, Map<String, String> metadata)
      throws IOException {
    rethrow();
    String fullKey = prefix.isEmpty() ? key : ObjectKeys.join(prefix, key);
    String contentType = ContentTypes.of(key);
    if (size <= PART_BYTES) {
      byte[] data = content.readNBytes((int) size);
      if (data.length != size || content.read() >= 0) {
        throw new IOException(key + " is not the " + size + " bytes its archive entry declares");
      }
      if (mayBeStored(fullKey, size) && alreadyStored(fullKey, size, md5(data, data.length))) {
        skipped.incrementAndGet();
        return;
      }
      // hashed on the upload thread: the reader's thread is what the whole pass waits for
      submit(
          () ->
              store.put(
                  fullKey,
                  new java.io.ByteArrayInputStream(data),
                  data.length,
                  contentType,
                  withMd5(metadata, md5(data, data.length))),
          fullKey,
          data.length);
      return;
    }
    uploadInParts(fullKey, contentType, content, size, metadata);
  }

  private static Map<String, String> withMd5(Map<String, String> metadata, String md5) {
    Map<String, String> all = new java.util.HashMap<>(metadata);
    all.put(StoredObject.MD5, md5);
    return all;
  }

  private void uploadInParts(
      String key, String contentType, InputStream content, long size, Map<String, String> metadata)
      throws IOException {
    ObjectStore.Upload upload = store.startUpload(key, contentType, metadata);
    long read = 0;
    int number = 0;
    try {
      while (read < size) {
        byte[] part = content.readNBytes((int) Math.min(PART_BYTES, size - read));
        if (part.length == 0) {
          throw new IOException(key + " ends after " + read + " of its " + size + " bytes");
        }
        read += part.length;
        int partNumber = ++number;
        acquire();
        pool.execute(
            () -> {
              try {
                upload.part(partNumber, part, part.length);
              } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
              } finally {
                inFlight.release();
              }
            });
      }
      awaitParts();
      rethrow();
      upload.complete();
      sent.add(key);
      files.incrementAndGet();
      bytes.addAndGet(size);
    } catch (IOException | RuntimeException e) {
      upload.abort();
      throw e;
    }
  }

  /** Waits until every part sent so far is stored (the permits all come back). */
  private void awaitParts() {
    int permits = totalPermits;
    inFlight.acquireUninterruptibly(permits);
    inFlight.release(permits);
  }

  /** Whether the target holds an object of this key and size (so the MD5 must be compared). */
  private boolean mayBeStored(String key, long size) {
    if (!checkStored) {
      return false;
    }
    if (stored == null) {
      // one listing instead of a HEAD per file: on a fresh bucket it is one empty page
      Map<String, StoredObject> listed = new java.util.HashMap<>();
      try (java.util.stream.Stream<StoredObject> objects = store.list(prefix)) {
        objects.forEach(o -> listed.put(o.key(), o));
      }
      stored = listed;
    }
    StoredObject listed = stored.get(key);
    return listed != null && listed.size() == size;
  }

  private boolean alreadyStored(String key, long size, String md5) {
    StoredObject listed = java.util.Objects.requireNonNull(stored).get(key);
    if (md5.equals(listed.etag())) {
      return true; // a single-part upload's entity tag is its MD5
    }
    // another entity tag (encryption with KMS, a multipart copy): our MD5 in its metadata
    Optional<StoredObject> existing = store.head(key);
    return existing.isPresent()
        && existing.get().size() == size
        && md5.equals(existing.get().metadata().get(StoredObject.MD5));
  }

  private void submit(Runnable request, String key, long size) {
    acquire();
    pool.execute(
        () -> {
          try {
            request.run();
            sent.add(key);
            files.incrementAndGet();
            bytes.addAndGet(size);
          } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
          } finally {
            inFlight.release();
          }
        });
  }

  private void acquire() {
    inFlight.acquireUninterruptibly();
  }

  /** Waits for every upload; throws the first failure. */
  public void finish() {
    awaitParts();
    rethrow();
  }

  private void rethrow() {
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
  }

  /**
   * Removes every object this uploader stored (not those it skipped as already there), once the
   * uploads under way have ended: what a failed restore does so that it leaves nothing behind.
   *
   * @return how many objects were removed
   * @throws ObjectStoreException when the store refuses a removal (the others are still tried)
   */
  public long removeSent() {
    awaitParts();
    long[] removed = {0};
    ObjectStoreException[] refused = {null};
    sent.forEach(
        key -> {
          try {
            store.delete(key);
            removed[0]++;
          } catch (ObjectStoreException e) {
            refused[0] = refused[0] == null ? e : refused[0];
          }
        });
    sent.close();
    if (refused[0] != null) {
      throw refused[0];
    }
    return removed[0];
  }

  /** Files and bytes sent (not counting skipped ones). */
  public long files() {
    return files.get();
  }

  public long bytes() {
    return bytes.get();
  }

  /** Files already stored with the same content, not sent again. */
  public long skipped() {
    return skipped.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    sent.close();
  }

  /** The MD5 of {@code data}'s first {@code length} bytes, in hex (an S3 entity tag's form). */
  static String md5(byte[] data, int length) {
    return HexFormat.of().formatHex(md5Digest(data, length));
  }

  /** The MD5 of {@code data}'s first {@code length} bytes. */
  static byte[] md5Digest(byte[] data, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("MD5");
      digest.update(data, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has MD5", e);
    }
  }
}
