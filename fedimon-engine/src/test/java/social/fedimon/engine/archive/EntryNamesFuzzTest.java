package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Whatever the name, normalization never throws, and an accepted name resolves inside any root it
 * is joined to. Runs its seeds in CI (regression mode); {@code JAZZER_FUZZ=1} explores.
 */
class EntryNamesFuzzTest {

  private static final Path ROOT = Path.of("/srv/fedimon/root");

  @FuzzTest(maxDuration = "30s")
  void acceptedNamesStayInsideTheRoot(String raw) {
    if (raw == null) {
      return;
    }
    EntryNames.Result result = EntryNames.normalize(raw, 4096);
    assertThat(result.name().isPresent()).isNotEqualTo(result.refusal().isPresent());
    result
        .name()
        .ifPresent(
            name -> {
              assertThat(name).doesNotStartWith("/").doesNotContain("\\").doesNotContain("\0");
              for (String segment : name.split("/")) {
                assertThat(segment).isNotEmpty().isNotEqualTo("..").isNotEqualTo(".");
              }
              Path resolved = ROOT.resolve(name).normalize();
              assertThat(resolved.startsWith(ROOT)).as(name).isTrue();
            });
  }
}
