package social.fedimon.server.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.server.backup.AddressRules;
import social.fedimon.server.backup.BackupProperties;
import social.fedimon.server.backup.LinkRefused;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.secret.SecretBox;

/**
 * Read access to the admin's S3 bucket of media: checked by listing before it is accepted, sealed
 * at rest, opened for {@code media sync}. The endpoint is a customer's URL: https unless plain http
 * is allowed, and its host must resolve to public addresses only (as backup links).
 */
@Component
public class MediaSources {

  /** As the API takes it. */
  public record Given(
      @Nullable String endpoint,
      @Nullable String region,
      String bucket,
      @Nullable String prefix,
      String accessKey,
      String secretKey) {

    @Override
    public String toString() {
      return "Given[endpoint=" + endpoint + ", bucket=" + bucket + "]";
    }
  }

  private final InstanceStore instances;
  private final SecretBox box;
  private final ObjectMapper json;
  private final AddressRules rules;
  private final boolean allowHttp;

  MediaSources(
      InstanceStore instances, SecretBox box, ObjectMapper json, BackupProperties properties) {
    this.instances = instances;
    this.box = box;
    this.json = json;
    this.rules =
        new AddressRules(
            properties.allowAddresses().stream()
                .filter(a -> !a.isBlank())
                .map(AddressRules.Cidr::parse)
                .toList());
    this.allowHttp = properties.allowHttp();
  }

  /**
   * Checks the access by listing the bucket, then seals it for the instance.
   *
   * @throws LinkRefused when the endpoint may not be reached, or the listing fails
   */
  public void store(UUID instance, Given given) {
    S3Settings settings = settings(given);
    try (ObjectStore store = S3ObjectStore.connect(settings)) {
      store.list("").findFirst();
    } catch (LinkRefused e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LinkRefused(
          "media-access-refused",
          "the bucket could not be listed with these credentials: " + firstLine(e.getMessage()));
    }
    try {
      instances.mediaSource(instance, box.seal(json.writeValueAsString(given), context(instance)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The admin's bucket, opened; null when none was given. */
  public @Nullable ObjectStore open(UUID instance) {
    byte[] sealed = instances.mediaSource(instance);
    if (sealed == null) {
      return null;
    }
    try {
      return S3ObjectStore.connect(
          settings(json.readValue(box.open(sealed, context(instance)), Given.class)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the sealed media access does not parse", e);
    }
  }

  private S3Settings settings(Given given) {
    URI endpoint = null;
    if (given.endpoint() != null && !given.endpoint().isBlank()) {
      endpoint = URI.create(given.endpoint().strip());
      String scheme = String.valueOf(endpoint.getScheme());
      if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
        throw new LinkRefused("link-refused", "the S3 endpoint must start with https://");
      }
      if (endpoint.getHost() == null) {
        throw new LinkRefused("link-refused", "the S3 endpoint names no host");
      }
      try {
        for (InetAddress address : InetAddress.getAllByName(endpoint.getHost())) {
          String refusal = rules.refusal(address);
          if (refusal != null) {
            throw new LinkRefused(
                "link-refused",
                "the S3 endpoint resolves to " + refusal + ": only public addresses are reached");
          }
        }
      } catch (UnknownHostException e) {
        throw new LinkRefused("link-refused", "the S3 endpoint's host does not resolve");
      }
    }
    try {
      return new S3Settings(
          endpoint,
          given.region() == null || given.region().isBlank()
              ? S3Settings.DEFAULT_REGION
              : given.region(),
          given.bucket(),
          given.prefix() == null ? "" : given.prefix().replaceAll("^/+|/+$", ""),
          given.accessKey(),
          given.secretKey(),
          endpoint != null,
          endpoint != null);
    } catch (IllegalArgumentException e) {
      throw new LinkRefused("invalid-request", e.getMessage());
    }
  }

  private static String firstLine(@Nullable String text) {
    if (text == null) {
      return "no answer";
    }
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static String context(UUID instance) {
    return "media-source:" + instance;
  }
}
