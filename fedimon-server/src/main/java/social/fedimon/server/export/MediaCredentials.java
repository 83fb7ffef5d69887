package social.fedimon.server.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.server.migration.MigrateIn;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Read-only credentials to one instance's media, for its owner to copy them with any S3 tool:
 * temporary credentials from the store's STS ({@code AssumeRole}) with a session policy that allows
 * listing the instance's prefix and reading the objects under it, nothing else. AWS needs a role
 * the platform may assume ({@code FEDIMON_EXPORTS_STS_ROLE_ARN}); MinIO answers on its S3 endpoint
 * and takes the policy as it is. A store without STS (S3Proxy, Garage) leaves the presigned
 * manifest as the way to the media.
 */
@Service
public class MediaCredentials {

  /** STS' shortest session. */
  static final Duration LEAST = Duration.ofMinutes(15);

  /**
   * Credentials, and where they read.
   *
   * @param prefix the instance's media under the bucket
   */
  public record Issued(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      Instant expiresAt,
      @Nullable URI endpoint,
      String region,
      String bucket,
      String prefix) {
    @Override
    public String toString() {
      return "MediaCredentials.Issued[" + bucket + "/" + prefix + " until " + expiresAt + "]";
    }
  }

  /** The store did not give credentials. The message holds no secret. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final ExportProperties properties;
  private final S3Settings store;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  MediaCredentials(ExportProperties properties, S3Settings store, Clock clock) {
    this.properties = properties;
    this.store = store;
    this.clock = clock;
  }

  /** Whether this platform gives them. */
  public boolean enabled() {
    return properties.mediaCredentials();
  }

  /** Where an instance's media are, under the bucket. */
  String prefix(UUID instance) {
    return (store.prefix().isEmpty() ? "" : store.prefix() + "/") + MigrateIn.mediaPrefix(instance);
  }

  /** The session policy: list the prefix, read under it. */
  String policy(UUID instance) {
    String prefix = prefix(instance);
    ObjectNode policy = json.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = policy.putArray("Statement");
    ObjectNode read = statements.addObject().put("Sid", "ReadTheInstancesMedia");
    read.put("Effect", "Allow");
    read.putArray("Action").add("s3:GetObject");
    read.putArray("Resource").add("arn:aws:s3:::" + store.bucket() + "/" + prefix + "/*");
    ObjectNode list = statements.addObject().put("Sid", "ListTheInstancesMedia");
    list.put("Effect", "Allow");
    list.putArray("Action").add("s3:ListBucket");
    list.putArray("Resource").add("arn:aws:s3:::" + store.bucket());
    list.putObject("Condition")
        .putObject("StringLike")
        .putArray("s3:prefix")
        .add(prefix + "/*")
        .add(prefix + "/");
    return policy.toString();
  }

  /**
   * Asks the store's STS for credentials to the instance's media, lasting the configured lifetime
   * but not past {@code until} (the export's link).
   *
   * @throws Refused when this platform gives none, or the STS said no
   */
  public Issued issue(UUID instance, Instant until) {
    if (!enabled()) {
      throw new Refused(
          "this platform's store gives no read-only credentials: copy the media with the export's"
              + " media manifest (fedimon media sync --from <mediaManifestUrl>)");
    }
    Duration left = Duration.between(clock.instant(), until);
    Duration lifetime = properties.mediaCredentialsLifetime();
    if (left.compareTo(lifetime) < 0) {
      lifetime = left;
    }
    if (lifetime.compareTo(LEAST) < 0) {
      lifetime = LEAST;
    }
    AssumeRoleRequest.Builder request =
        AssumeRoleRequest.builder()
            .roleSessionName("fedimon-" + instance.toString().substring(0, 8))
            .policy(policy(instance))
            .durationSeconds((int) lifetime.toSeconds());
    if (properties.stsRoleArn() != null) {
      request.roleArn(properties.stsRoleArn());
    }
    try (StsClient sts = client()) {
      Credentials c = sts.assumeRole(request.build()).credentials();
      return new Issued(
          c.accessKeyId(),
          c.secretAccessKey(),
          c.sessionToken(),
          c.expiration(),
          store.endpoint(),
          store.region(),
          store.bucket(),
          prefix(instance));
    } catch (SdkException e) {
      // the SDK's message names the service's code and the request id, not the credentials
      throw new Refused("the store's STS gave no credentials: " + e.getMessage());
    }
  }

  private StsClient client() {
    StsClientBuilder builder = StsClient.builder().region(Region.of(store.region()));
    URI endpoint = properties.stsEndpoint() != null ? properties.stsEndpoint() : store.endpoint();
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (store.accessKey() != null && store.secretKey() != null) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(store.accessKey(), store.secretKey())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }
}
