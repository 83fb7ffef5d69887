package social.fedimon.engine.media;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A list of an instance's media with a presigned GET URL for each, valid as long as an export's
 * link: what an admin leaving needs to copy the media without credentials ({@code fedimon media
 * sync --from <manifest URL>}). JSON: {@code {"version": 1, "expiresAt": "...", "objects": [{"key":
 * "...", "size": 1, "etag": "...", "url": "https://..."}]}}.
 */
public final class MediaManifest {

  /** The largest manifest read: about three million entries. */
  public static final long MAX_BYTES = 1L << 30;

  /** Entries read at most. */
  public static final int MAX_ENTRIES = 10_000_000;

  /** One object: its key, size, entity tag when known, and where to GET it. */
  public record Entry(String key, long size, @Nullable String etag, URI url) {}

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(64 * 1024).maxNestingDepth(8).build())
          .build();

  private MediaManifest() {}

  /** Writes the manifest of every object of {@code store} (sync records left out). */
  public static byte[] write(S3ObjectStore store, Duration validity, Instant now) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out);
        Stream<StoredObject> objects = store.list("")) {
      json.writeStartObject();
      json.writeNumberField("version", 1);
      json.writeStringField("expiresAt", now.plus(validity).toString());
      json.writeArrayFieldStart("objects");
      for (StoredObject object : (Iterable<StoredObject>) objects::iterator) {
        if (object.key().startsWith(".fedimon/")) {
          continue;
        }
        json.writeStartObject();
        json.writeStringField("key", object.key());
        json.writeNumberField("size", object.size());
        if (object.etag() != null) {
          json.writeStringField("etag", object.etag());
        }
        json.writeStringField("url", store.presignGet(object.key(), validity).toString());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads a manifest, sorted by key.
   *
   * @throws IllegalArgumentException saying what is wrong with it (not JSON, too big, a bad key, a
   *     URL that is not http(s), a key twice)
   */
  public static List<Entry> read(InputStream in) {
    List<Entry> entries = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    try (JsonParser json = JSON.createParser(new Bounded(in, MAX_BYTES))) {
      expect(json.nextToken() == JsonToken.START_OBJECT, "not a media manifest (a JSON object)");
      boolean sawObjects = false;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if ("version".equals(field)) {
          expect(
              value == JsonToken.VALUE_NUMBER_INT && json.getIntValue() == 1,
              "a media manifest of a version this FédiMon does not know");
        } else if ("objects".equals(field)) {
          expect(value == JsonToken.START_ARRAY, "\"objects\" is not a list");
          sawObjects = true;
          while (json.nextToken() == JsonToken.START_OBJECT) {
            Entry entry = entry(json);
            expect(keys.add(entry.key()), "the key " + entry.key() + " is listed twice");
            expect(entries.size() < MAX_ENTRIES, "more than " + MAX_ENTRIES + " objects");
            entries.add(entry);
          }
          expect(json.currentToken() == JsonToken.END_ARRAY, "\"objects\" holds a non-object");
        } else {
          json.skipChildren();
        }
      }
      expect(sawObjects, "the manifest lists no \"objects\"");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the media manifest is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.CharConversionException | java.nio.charset.CharacterCodingException e) {
      // bytes that look like UTF-16 or UTF-32 gone wrong: a manifest is UTF-8 JSON
      throw new IllegalArgumentException("the media manifest is not UTF-8 JSON: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.sort(java.util.Comparator.comparing(Entry::key));
    return entries;
  }

  private static Entry entry(JsonParser json) throws IOException {
    String key = null;
    long size = -1;
    String etag = null;
    String url = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      switch (field) {
        case "key" -> key = value == JsonToken.VALUE_STRING ? json.getText() : null;
        case "size" -> size = value == JsonToken.VALUE_NUMBER_INT ? json.getLongValue() : -1;
        case "etag" -> etag = value == JsonToken.VALUE_STRING ? json.getText() : null;
        case "url" -> url = value == JsonToken.VALUE_STRING ? json.getText() : null;
        default -> json.skipChildren();
      }
    }
    expect(key != null && url != null && size >= 0, "an object without its key, size or url");
    try {
      ObjectKeys.check(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the manifest lists a bad key: " + e.getMessage());
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the manifest's URL for " + key + " is not a URL");
    }
    expect(
        ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
            && uri.getHost() != null,
        "the manifest's URL for " + key + " is not an http(s) URL");
    return new Entry(key, size, etag, uri);
  }

  private static void expect(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Stops reading past {@code limit} bytes. */
  private static final class Bounded extends java.io.FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        left -= n;
        if (left < 0) {
          throw new IllegalArgumentException("the media manifest is over " + MAX_BYTES + " bytes");
        }
      }
      return n;
    }
  }
}
