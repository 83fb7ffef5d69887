package social.fedimon.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real tools that make fixtures (tar, zstd, gpg, age, 7zz, zip, pg_dump...). They are
 * installed by bin/test; a missing one fails the test with the package to install.
 */
public final class Tools {

  private Tools() {}

  /** Runs a shell command line in {@code dir}; fails the test unless it exits 0. */
  public static String sh(Path dir, String commandLine) {
    return sh(dir, Map.of(), commandLine);
  }

  public static String sh(Path dir, Map<String, String> environment, String commandLine) {
    try {
      Path output = Files.createTempFile("tool", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(List.of("bash", "-o", "pipefail", "-c", commandLine))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + commandLine);
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      Files.delete(output);
      assertThat(process.exitValue())
          .as("exit status of `%s` (output: %s)", commandLine, text)
          .isZero();
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Fails with a clear message when a tool the tests need is not installed. */
  public static void require(String... tools) {
    for (String tool : tools) {
      boolean found =
          List.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":")).stream()
              .anyMatch(p -> Files.isExecutable(Path.of(p, tool)));
      assertThat(found)
          .as("%s is installed (bin/test installs it from Debian's packages)", tool)
          .isTrue();
    }
  }
}
