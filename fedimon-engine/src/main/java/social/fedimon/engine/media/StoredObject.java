package social.fedimon.engine.media;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a store knows of one object.
 *
 * @param key the object's key, relative to the store's root
 * @param size its length in bytes
 * @param etag the store's entity tag (the MD5 in hex for a single-part S3 upload), null when
 *     unknown
 * @param metadata user metadata ({@code fedimon-md5}, {@code fedimon-source-etag}); empty from a
 *     listing, which does not carry it
 * @param lastModified when it was last written, when known
 */
public record StoredObject(
    String key,
    long size,
    @Nullable String etag,
    Map<String, String> metadata,
    java.time.@Nullable Instant lastModified) {

  /** Metadata holding the MD5 of the content, in hex, as FédiMon computed it. */
  public static final String MD5 = "fedimon-md5";

  /** Metadata holding the source object's entity tag, for incremental syncs between stores. */
  public static final String SOURCE_ETAG = "fedimon-source-etag";

  public StoredObject(String key, long size, @Nullable String etag) {
    this(key, size, etag, Map.of(), null);
  }

  public StoredObject(String key, long size, @Nullable String etag, Map<String, String> metadata) {
    this(key, size, etag, metadata, null);
  }

  public StoredObject {
    metadata = Map.copyOf(metadata);
  }
}
