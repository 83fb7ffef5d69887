package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * A private temporary folder (mode 700), created on first use and deleted with everything in it on
 * close. The only place an archive's bytes are ever written.
 */
final class TempFolder implements AutoCloseable {

  private @Nullable Path folder;
  private int files;

  /** Copies {@code in} to a new file, refusing more than {@code maxBytes}. */
  Path spool(InputStream in, long maxBytes, String what) throws IOException {
    Path file = folder().resolve("spool-" + files++ + ".bin");
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw BackupRejected.of(
              ProblemCode.SIZE_LIMIT,
              what + " is bigger than " + Sizes.human(maxBytes) + ", the limit for spooling it");
        }
        out.write(buffer, 0, n);
      }
    }
    return file;
  }

  private Path folder() throws IOException {
    if (folder == null) {
      folder =
          Files.createTempDirectory(
              "fedimon-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return folder;
  }

  @Override
  public void close() {
    if (folder == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(TempFolder::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
