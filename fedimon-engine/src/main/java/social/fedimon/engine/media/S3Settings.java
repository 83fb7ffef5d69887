package social.fedimon.engine.media;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * How to reach an S3-compatible store.
 *
 * @param endpoint the service URL (MinIO, Garage, Ceph RGW, S3Proxy...); null for AWS itself
 * @param region the signing region; S3-compatible stores usually accept any
 * @param bucket the bucket holding the objects
 * @param prefix a key prefix inside the bucket, empty for none
 * @param accessKey the access key id; null to use the AWS SDK's default credential chain
 * @param secretKey the secret access key; null with {@code accessKey}
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint}
 * @param checksumsWhenRequired send and check payload checksums only where S3 requires them: needed
 *     by stores that reject the SDK's newer default checksums (S3Proxy 2.6 does)
 */
public record S3Settings(
    @Nullable URI endpoint,
    String region,
    String bucket,
    String prefix,
    @Nullable String accessKey,
    @Nullable String secretKey,
    boolean pathStyle,
    boolean checksumsWhenRequired) {

  /** The region the SDK signs with when none is configured. */
  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("an S3 bucket name is required");
    }
    // checked here, when the store is named: the client itself is built in the background and
    // would only report these at the first request
    if (region.isBlank()) {
      throw new IllegalArgumentException("the S3 region must not be empty");
    }
    if (endpoint != null
        && (endpoint.getHost() == null
            || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
      throw new IllegalArgumentException(
          "the S3 endpoint must be an http:// or https:// URL with a host: " + endpoint);
    }
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException("give both the S3 access key and secret key, or neither");
    }
  }

  /** {@code s3://bucket/prefix}, for people and logs. */
  public String location() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  /** Never prints the secret key. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", location="
        + location()
        + ", accessKey="
        + accessKey
        + ", secretKey="
        + (secretKey == null ? "null" : "***")
        + ", pathStyle="
        + pathStyle
        + ", checksumsWhenRequired="
        + checksumsWhenRequired
        + "]";
  }
}
