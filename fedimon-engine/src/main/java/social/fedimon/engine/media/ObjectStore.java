package social.fedimon.engine.media;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A flat key-value store of objects: an S3 bucket (under an optional prefix) or a local folder.
 *
 * <p>Keys are relative, slash-separated names such as {@code media_attachments/files/000/000/001/
 * original/a.png}; {@link ObjectKeys#check(String)} defines which ones are acceptable.
 */
public interface ObjectStore extends AutoCloseable {

  /** Stores {@code bytes} under {@code key}, replacing any object already there. */
  void put(String key, byte[] bytes, String contentType);

  /** Stores the content of {@code file} under {@code key}, replacing any object already there. */
  void put(String key, Path file, String contentType);

  /**
   * Stores exactly {@code length} bytes read from {@code content} under {@code key}, with user
   * metadata, in one request.
   */
  void put(
      String key,
      InputStream content,
      long length,
      String contentType,
      java.util.Map<String, String> metadata);

  /** Starts an upload in parts (S3 multipart), for objects too big for one request. */
  Upload startUpload(String key, String contentType, java.util.Map<String, String> metadata);

  /** The objects under {@code prefix} (relative keys), sorted by key; metadata is not included. */
  java.util.stream.Stream<StoredObject> list(String prefix);

  /** An upload in parts; parts may be sent from several threads at once. */
  interface Upload {
    /** Sends part {@code number} (1-based, consecutive). */
    void part(int number, byte[] bytes, int length);

    /** Assembles the parts into the object. */
    void complete();

    /** Forgets the parts sent so far. */
    void abort();
  }

  /** Returns what is known of the object under {@code key}, or empty when there is none. */
  Optional<StoredObject> head(String key);

  /**
   * Opens the object under {@code key} for reading.
   *
   * @throws ObjectStoreException.NotFound when there is no such object
   */
  InputStream open(String key);

  /**
   * Opens the object under {@code key} as {@link #open} does, for a caller that may need nothing
   * else from this store: an S3 store whose client is not built yet answers with one signed request
   * of its own instead of building it (half a second of a short command's CPU).
   *
   * @throws ObjectStoreException.NotFound when there is no such object
   */
  default InputStream openAlone(String key) {
    return open(key);
  }

  /**
   * Starts whatever set-up the first request will need (an S3 store builds its client on a thread
   * of its own), for a caller that knows requests will follow; otherwise the first request does it.
   */
  default void prepare() {}

  /** Removes the object under {@code key}; removing an absent object is not an error. */
  void delete(String key);

  /**
   * Checks that the store answers and its bucket or folder exists.
   *
   * @throws ObjectStoreException when it does not
   */
  void checkReachable();

  /** Where the objects go, for people: {@code s3://bucket/prefix} or {@code file:///dir}. */
  String location();

  @Override
  void close();
}
