package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The media an export's manifest lists, as a read-only store: listed from the manifest, each object
 * read from its presigned URL. What {@code fedimon media sync --from <manifest URL>} reads.
 */
public final class ManifestStore implements ObjectStore {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String location;
  private final List<MediaManifest.Entry> entries;
  private final Map<String, MediaManifest.Entry> byKey;
  private final HttpClient http;

  ManifestStore(String location, List<MediaManifest.Entry> entries, HttpClient http) {
    this.location = location;
    this.entries = entries;
    this.byKey = new java.util.HashMap<>();
    entries.forEach(e -> byKey.put(e.key(), e));
    this.http = http;
  }

  /** Fetches and reads the manifest at {@code url}. */
  public static ManifestStore fetch(URI url) {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    String location = url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new ObjectStoreException(
              location,
              "the media manifest answered HTTP "
                  + response.statusCode()
                  + (response.statusCode() == 403 ? " (its link may have expired)" : ""));
        }
        return new ManifestStore(location, MediaManifest.read(body), http);
      }
    } catch (IllegalArgumentException e) {
      throw new ObjectStoreException(location, e.getMessage());
    } catch (IOException e) {
      throw new ObjectStoreException(location, "the media manifest cannot be fetched", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException(location, "interrupted");
    }
  }

  @Override
  public Stream<StoredObject> list(String prefix) {
    return entries.stream()
        .filter(e -> e.key().startsWith(prefix))
        .map(e -> new StoredObject(e.key(), e.size(), e.etag(), Map.of(), null));
  }

  @Override
  public Optional<StoredObject> head(String key) {
    MediaManifest.Entry e = byKey.get(key);
    return e == null
        ? Optional.empty()
        : Optional.of(new StoredObject(e.key(), e.size(), e.etag(), Map.of(), null));
  }

  @Override
  public InputStream open(String key) {
    MediaManifest.Entry entry = byKey.get(key);
    if (entry == null) {
      throw new ObjectStoreException.NotFound(location, key);
    }
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(entry.url()).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new ObjectStoreException(
            location, "GET " + key + " answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new ObjectStoreException(location, "GET " + key + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException(location, "interrupted");
    }
  }

  @Override
  public void put(String key, byte[] bytes, String contentType) {
    throw readOnly();
  }

  @Override
  public void put(String key, Path file, String contentType) {
    throw readOnly();
  }

  @Override
  public void put(
      String key,
      InputStream content,
      long length,
      String contentType,
      Map<String, String> metadata) {
    throw readOnly();
  }

  @Override
  public Upload startUpload(String key, String contentType, Map<String, String> metadata) {
    throw readOnly();
  }

  @Override
  public void delete(String key) {
    throw readOnly();
  }

  @Override
  public void checkReachable() {}

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() {}

  private ObjectStoreException readOnly() {
    return new ObjectStoreException(location, "a media manifest can only be read from");
  }
}
