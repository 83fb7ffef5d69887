package social.fedimon.engine.media;

import org.jspecify.annotations.Nullable;

/**
 * What a store knows of one object.
 *
 * @param key the object's key, relative to the store's root
 * @param size its length in bytes
 * @param etag the store's entity tag (an MD5 hex for single-part S3 uploads), null when unknown
 */
public record StoredObject(String key, long size, @Nullable String etag) {}
