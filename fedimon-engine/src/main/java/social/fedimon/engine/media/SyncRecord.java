package social.fedimon.engine.media;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * What one complete sync copied from a source: a gzipped, key-sorted list of {@code key, size,
 * entity tag, modification time} (tab-separated; {@code %}, tab and line breaks in keys escaped),
 * kept in the target. The next sync from that source walks it beside the source's listing instead
 * of listing the target. A record that cannot be read is as good as none: the sync then lists.
 */
final class SyncRecord {

  /** More lines than this is not a record we wrote for a media tree: ignore it. */
  static final long MAX_LINES = 50_000_000;

  private SyncRecord() {}

  static Path newFile() {
    try {
      return Files.createTempFile("fedimon-sync", ".tsv.gz");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary file", e);
    }
  }

  /** Whether {@code object} is what the record says was copied. */
  static boolean unchanged(StoredObject object, StoredObject recorded) {
    if (object.size() != recorded.size()) {
      return false;
    }
    if (object.etag() != null) {
      return object.etag().equals(recorded.etag());
    }
    return object.lastModified() != null
        && recorded.lastModified() != null
        && object.lastModified().toEpochMilli() == recorded.lastModified().toEpochMilli();
  }

  /** The record at {@code key} in {@code store}, downloaded first; null when there is none. */
  static @Nullable Reader read(ObjectStore store, String key) {
    Path file = newFile();
    try (InputStream in = store.openAlone(key)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return new Reader(file);
    } catch (IOException | RuntimeException e) {
      // none (NotFound), or unreadable: the sync lists the target instead
      delete(file);
      return null;
    }
  }

  /** Whether two record files hold the same bytes (gzip writes no time stamp here). */
  static boolean same(Path a, Path b) {
    try {
      return Files.mismatch(a, b) == -1;
    } catch (IOException e) {
      return false;
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file
    }
  }

  /** The record's objects in key order; ends early (as if empty after) at a damaged line. */
  static final class Reader extends Lookahead<StoredObject> implements AutoCloseable {
    final Path file;
    private final BufferedReader lines;
    private long count;

    Reader(Path file) throws IOException {
      this.file = file;
      this.lines =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8));
    }

    @Override
    protected @Nullable StoredObject fetch() {
      try {
        String line = lines.readLine();
        if (line == null || ++count > MAX_LINES) {
          return null;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length != 4) {
          return null;
        }
        return new StoredObject(
            unescape(fields[0]),
            Long.parseLong(fields[1]),
            fields[2].isEmpty() ? null : fields[2],
            Map.of(),
            fields[3].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(fields[3])));
      } catch (IOException | RuntimeException e) {
        return null; // damaged: what follows is treated as not copied, and sent again
      }
    }

    @Override
    public void close() {
      try {
        lines.close();
      } catch (IOException e) {
        // a temporary file
      }
      delete(file);
    }
  }

  /** Writes a record as the sync walks the source, in its (sorted) order. */
  static final class Writer implements AutoCloseable {
    private final java.io.Writer out;
    private boolean closed;

    Writer(Path file) throws IOException {
      this.out =
          new BufferedWriter(
              new OutputStreamWriter(
                  new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8));
    }

    void add(StoredObject object) {
      try {
        out.write(escape(object.key()));
        out.write('\t');
        out.write(Long.toString(object.size()));
        out.write('\t');
        out.write(object.etag() == null ? "" : object.etag());
        out.write('\t');
        out.write(
            object.lastModified() == null
                ? ""
                : Long.toString(object.lastModified().toEpochMilli()));
        out.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the sync record", e);
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        out.close();
      }
    }
  }

  static String escape(String key) {
    StringBuilder escaped = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      switch (c) {
        case '%' -> escaped.append("%25");
        case '\t' -> escaped.append("%09");
        case '\n' -> escaped.append("%0A");
        case '\r' -> escaped.append("%0D");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  static String unescape(String field) {
    if (field.indexOf('%') < 0) {
      return field;
    }
    StringBuilder key = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '%' && i + 2 < field.length()) {
        key.append((char) Integer.parseInt(field.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        key.append(c);
      }
    }
    return key.toString();
  }
}
