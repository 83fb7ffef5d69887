package social.fedimon.engine.media;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens a store from the locations of the CLI: {@code file:///dir}, a plain folder path, or {@code
 * s3://bucket/prefix}, with the S3 endpoint, region and keys from {@code FEDIMON_S3_ENDPOINT},
 * {@code FEDIMON_S3_REGION}, {@code FEDIMON_S3_ACCESS_KEY}, {@code FEDIMON_S3_SECRET_KEY}, falling
 * back to the {@code AWS_*} variables; {@code FEDIMON_S3_CHECKSUMS_WHEN_REQUIRED=true} for stores
 * such as S3Proxy.
 */
public final class StoreLocation {

  private StoreLocation() {}

  /** A store for a command: S3 requests as {@link S3ObjectStore.Requests#LEAN}. */
  public static ObjectStore open(String uri, Map<String, String> environment) {
    return open(uri, environment, S3ObjectStore.Requests.LEAN);
  }

  /** A store whose S3 requests are sent as {@code requests} says (a server: the SDK alone). */
  public static ObjectStore open(
      String uri, Map<String, String> environment, S3ObjectStore.Requests requests) {
    if (!uri.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      // a plain path, as aws s3 sync and rsync take one: a folder
      if (uri.isBlank()) {
        throw new IllegalArgumentException("an empty location (file:///dir or s3://bucket/prefix)");
      }
      return new FileObjectStore(Path.of(uri).toAbsolutePath().normalize());
    }
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(uri + " is not a URI (file:///dir or s3://bucket/prefix)");
    }
    if ("https".equals(parsed.getScheme()) || "http".equals(parsed.getScheme())) {
      // an export's media manifest: read-only, each object at its presigned URL
      return ManifestStore.fetch(parsed);
    }
    if ("file".equals(parsed.getScheme())) {
      if (parsed.getPath() == null || parsed.getPath().isEmpty()) {
        throw new IllegalArgumentException(uri + ": a file URI needs a path (file:///srv/media)");
      }
      return new FileObjectStore(Path.of(parsed.getPath()));
    }
    if ("s3".equals(parsed.getScheme())) {
      String bucket = parsed.getHost();
      if (bucket == null || bucket.isEmpty()) {
        throw new IllegalArgumentException(uri + ": an s3 URI names a bucket (s3://bucket/prefix)");
      }
      String prefix = parsed.getPath() == null ? "" : parsed.getPath().replaceAll("^/+|/+$", "");
      String endpoint =
          first(environment, "FEDIMON_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
      String region = first(environment, "FEDIMON_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION");
      String accessKey = first(environment, "FEDIMON_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID");
      String secretKey = first(environment, "FEDIMON_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY");
      boolean checksums =
          "true".equalsIgnoreCase(environment.get("FEDIMON_S3_CHECKSUMS_WHEN_REQUIRED"));
      boolean pathStyle = !"false".equalsIgnoreCase(environment.get("FEDIMON_S3_PATH_STYLE"));
      return S3ObjectStore.connect(
          new S3Settings(
              endpoint == null ? null : URI.create(endpoint),
              region == null ? S3Settings.DEFAULT_REGION : region,
              bucket,
              prefix,
              accessKey,
              secretKey,
              pathStyle,
              checksums),
          requests,
          java.time.Clock.systemUTC());
    }
    throw new IllegalArgumentException(uri + ": only file:// and s3:// locations are supported");
  }

  private static String first(Map<String, String> environment, String... names) {
    for (String name : names) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
