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

  /** Returns what is known of the object under {@code key}, or empty when there is none. */
  Optional<StoredObject> head(String key);

  /**
   * Opens the object under {@code key} for reading.
   *
   * @throws ObjectStoreException.NotFound when there is no such object
   */
  InputStream open(String key);

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
