package social.fedimon.server.migration;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.media.ObjectStore;

/**
 * An archive in the platform's object store, read as a stream as often as the engine needs (each
 * read a GET of its own); zip and 7z are spooled by the engine as for standard input.
 */
public final class StoredArchive implements Source {

  private final ObjectStore store;
  private final String key;
  private final long size;

  StoredArchive(ObjectStore store, String key, long size) {
    this.store = store;
    this.key = key;
    this.size = size;
  }

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public InputStream open() {
    if (!ChunkedUploads.isChunked(key)) {
      return store.open(key);
    }
    // an upload from the browser: its chunks, read one after the other as they are needed
    int count = ChunkedUploads.chunkCount(size, ChunkedUploads.chunkSize(key));
    java.util.Iterator<InputStream> chunks =
        new java.util.Iterator<>() {
          int next;

          @Override
          public boolean hasNext() {
            return next < count;
          }

          @Override
          public InputStream next() {
            return store.open(ChunkedUploads.chunkKey(key, next++));
          }
        };
    return new java.io.SequenceInputStream(
        new java.util.Enumeration<>() {
          @Override
          public boolean hasMoreElements() {
            return chunks.hasNext();
          }

          @Override
          public InputStream nextElement() {
            return chunks.next();
          }
        });
  }

  /** Whether the archive {@code key} names is (still) in the store. */
  static boolean exists(ObjectStore store, String key) {
    if (!ChunkedUploads.isChunked(key)) {
      return store.head(key).isPresent();
    }
    try (var chunks = store.list(key)) {
      return chunks.findAny().isPresent();
    }
  }

  /** Deletes the archive {@code key} names: one object, or every chunk of an upload. */
  public static void delete(ObjectStore store, String key) {
    if (!ChunkedUploads.isChunked(key)) {
      store.delete(key);
      return;
    }
    java.util.List<String> keys;
    try (var chunks = store.list(key)) {
      keys = chunks.map(social.fedimon.engine.media.StoredObject::key).toList();
    }
    keys.forEach(store::delete);
  }

  @Override
  public Optional<Path> file() {
    return Optional.empty();
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(size);
  }
}
