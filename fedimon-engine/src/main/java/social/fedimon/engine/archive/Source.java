package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where an archive's bytes come from: a file (seekable, so zip and 7z are read in place) or a
 * stream such as standard input (zip and 7z are then spooled once to a temporary file).
 */
public interface Source {

  /** For messages and for the entry name of a bare file: the file name, or {@code -}. */
  String name();

  /** Opens the bytes from the start; called once. */
  InputStream open() throws IOException;

  /** The file, when the source is one. */
  Optional<Path> file();

  /** The size in bytes, when known (for progress). */
  OptionalLong size();

  static Source of(Path file) {
    return new Source() {
      @Override
      public String name() {
        Path fileName = file.getFileName();
        return fileName == null ? file.toString() : fileName.toString();
      }

      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public Optional<Path> file() {
        return Optional.of(file);
      }

      @Override
      public OptionalLong size() {
        try {
          return OptionalLong.of(Files.size(file));
        } catch (IOException e) {
          return OptionalLong.empty();
        }
      }
    };
  }

  static Source of(String name, InputStream stream) {
    return new Source() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public InputStream open() {
        return stream;
      }

      @Override
      public Optional<Path> file() {
        return Optional.empty();
      }

      @Override
      public OptionalLong size() {
        return OptionalLong.empty();
      }
    };
  }
}
