package social.fedimon.server.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh data folders for servers started by tests; under target/ so a failed run can be read. */
public final class TestDataFolders {

  private TestDataFolders() {}

  public static Path create(String name) {
    try {
      Path base = Files.createDirectories(Path.of("target", "test-data"));
      return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
