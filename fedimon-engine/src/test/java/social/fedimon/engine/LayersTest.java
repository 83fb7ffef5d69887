package social.fedimon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's layers hold (docs/architecture.md): {@code archive} knows bytes and entries, {@code
 * dump} SQL; neither names {@code mastodon}, {@code media}, {@code intake} or {@code export}, by
 * import or inline; and nothing in the engine names the CLI, the server or Spring.
 */
class LayersTest {

  private static final Path SOURCES = Path.of("src/main/java/social/fedimon/engine");

  @Test
  void theBottomLayersKnowNothingOfMastodonNorOfTheFlows() throws IOException {
    Map<String, List<String>> forbidden =
        Map.of(
            "archive",
            List.of(
                "engine.mastodon", "engine.media", "engine.intake", "engine.export", "engine.dump"),
            "dump",
            List.of("engine.mastodon", "engine.media", "engine.intake", "engine.export"));
    for (Map.Entry<String, List<String>> layer : forbidden.entrySet()) {
      for (Path file : javaFiles(SOURCES.resolve(layer.getKey()))) {
        String text = Files.readString(file);
        for (String name : layer.getValue()) {
          assertThat(text)
              .as("%s names social.fedimon.%s", file, name)
              .doesNotContain("social.fedimon." + name);
        }
      }
    }
  }

  @Test
  void theEngineKnowsNothingOfTheCommandLineTheServerOrSpring() throws IOException {
    for (Path file : javaFiles(SOURCES)) {
      assertThat(Files.readString(file))
          .as("%s", file)
          .doesNotContain("social.fedimon.cli", "social.fedimon.server", "org.springframework");
    }
  }

  private static List<Path> javaFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    }
  }
}
