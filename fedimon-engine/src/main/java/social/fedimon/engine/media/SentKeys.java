package social.fedimon.engine.media;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The keys an uploader stored, written to a temporary file as they come (a line each, escaped as a
 * sync record's keys are), so that a failed restore can take them back: ten million media files
 * would take a gigabyte of heap as a list. The file is made at the first key and deleted at {@link
 * #close()}.
 */
final class SentKeys implements AutoCloseable {

  private @Nullable Path file;
  private @Nullable BufferedWriter out;

  synchronized void add(String key) {
    try {
      if (out == null) {
        file = Files.createTempFile("fedimon-sent-", ".keys");
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      }
      out.write(SyncRecord.escape(key));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("could not note an uploaded key", e);
    }
  }

  /** Hands every key noted so far to {@code each}, in the order they were stored. */
  synchronized void forEach(Consumer<String> each) {
    if (out == null || file == null) {
      return;
    }
    try {
      out.flush();
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line; (line = in.readLine()) != null; ) {
          each.accept(SyncRecord.unescape(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the uploaded keys back", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (out != null) {
        out.close();
      }
      if (file != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      out = null;
      file = null;
    }
  }
}
