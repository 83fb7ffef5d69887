package social.fedimon.engine.testing;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.StoredObject;

/**
 * An object store that passes every call to another; tests override the hooks to count writes or
 * listings, or to fail after some, as a dropped link would.
 */
public class ForwardingStore implements ObjectStore {

  protected final ObjectStore store;

  public ForwardingStore(ObjectStore store) {
    this.store = store;
  }

  /** Called before each write: a put, or the start of an upload. */
  protected void beforeWrite() {}

  /** Called before each listing. */
  protected void beforeList() {}

  @Override
  public void put(String key, byte[] bytes, String contentType) {
    beforeWrite();
    store.put(key, bytes, contentType);
  }

  @Override
  public void put(String key, Path file, String contentType) {
    beforeWrite();
    store.put(key, file, contentType);
  }

  @Override
  public void put(
      String key,
      InputStream content,
      long length,
      String contentType,
      Map<String, String> metadata) {
    beforeWrite();
    store.put(key, content, length, contentType, metadata);
  }

  @Override
  public Upload startUpload(String key, String contentType, Map<String, String> metadata) {
    beforeWrite();
    return store.startUpload(key, contentType, metadata);
  }

  @Override
  public Stream<StoredObject> list(String prefix) {
    beforeList();
    return store.list(prefix);
  }

  @Override
  public Optional<StoredObject> head(String key) {
    return store.head(key);
  }

  @Override
  public InputStream open(String key) {
    return store.open(key);
  }

  @Override
  public void delete(String key) {
    store.delete(key);
  }

  @Override
  public void checkReachable() {
    store.checkReachable();
  }

  @Override
  public String location() {
    return store.location();
  }

  @Override
  public void close() {
    store.close();
  }
}
