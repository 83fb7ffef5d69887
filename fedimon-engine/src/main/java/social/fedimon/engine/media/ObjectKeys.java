package social.fedimon.engine.media;

/** The rules an object key follows, the same for every store. */
public final class ObjectKeys {

  /** S3 allows keys of up to 1024 bytes of UTF-8; we hold every store to the same limit. */
  public static final int MAX_KEY_BYTES = 1024;

  private ObjectKeys() {}

  /**
   * Returns {@code key} when it is a relative, slash-separated name with no empty, {@code .} or
   * {@code ..} segment, no backslash and no control character.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String check(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("empty object key");
    }
    if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("object key longer than " + MAX_KEY_BYTES + " bytes");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw new IllegalArgumentException("object key with a control character or backslash");
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("object key with an empty, . or .. segment: " + key);
      }
    }
    return key;
  }

  /** Joins a prefix (possibly empty, with or without a trailing slash) and a key. */
  public static String join(String prefix, String key) {
    if (prefix.isEmpty()) {
      return key;
    }
    return prefix.endsWith("/") ? prefix + key : prefix + "/" + key;
  }
}
