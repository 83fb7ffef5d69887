package social.fedimon.engine.media;

/** An object store did not do what was asked: unreachable, refused, or the object is absent. */
public class ObjectStoreException extends RuntimeException {

  private final String location;

  public ObjectStoreException(String location, String message, Throwable cause) {
    super(location + ": " + message, cause);
    this.location = location;
  }

  public ObjectStoreException(String location, String message) {
    super(location + ": " + message);
    this.location = location;
  }

  /** The store's location, as {@link ObjectStore#location()} gives it. */
  public String location() {
    return location;
  }

  /** The object asked for is not in the store. */
  public static final class NotFound extends ObjectStoreException {
    private final String key;

    public NotFound(String location, String key) {
      super(location, "no object under key " + key);
      this.key = key;
    }

    public String key() {
      return key;
    }
  }
}
