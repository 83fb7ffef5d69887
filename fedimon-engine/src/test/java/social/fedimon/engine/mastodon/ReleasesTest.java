package social.fedimon.engine.mastodon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReleasesTest {

  @ParameterizedTest
  @CsvSource({
    "20221104133904, 4.0",
    "20221206114142, 4.1",
    "20230215074423, 4.1.2",
    "20230702151753, 4.1.3",
    "20230724160715, 4.1.6",
    "20230907150100, 4.2",
    "20241007071624, 4.3",
    "20250627132728, 4.4",
    "20251023210145, 4.5",
    "20260611150940, 4.6",
    "20250101000000, 4.4-pre"
  })
  void mapsTheNewestMigrationToItsRelease(String newest, String release) {
    Releases.Detected detected = Releases.detect(Set.of("20160220174730", newest), (t, c) -> false);

    assertThat(detected.schemaVersion()).isEqualTo(newest);
    assertThat(detected.release()).isEqualTo(release);
    assertThat(detected.fork()).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "20171210213213, statuses, none, glitch-soc",
    "20251023210145, statuses, content_type, glitch-soc",
    "20251023210145, statuses, activity_pub_type, hometown",
    "20251023210145, lists, is_exclusive, hometown"
  })
  void recognizesForksByTheirMigrationsAndColumns(
      String migration, String table, String column, String fork) {
    Releases.Detected detected =
        Releases.detect(
            new java.util.HashSet<>(java.util.List.of(migration, "20251023210145")),
            (t, c) ->
                (t.equals("statuses") && c.equals("local_only"))
                    || (t.equals(table) && c.equals(column)));

    assertThat(detected.fork()).isEqualTo(fork);
  }

  @org.junit.jupiter.api.Test
  void knowsNothingOfADatabaseWithoutMigrations() {
    assertThat(Releases.detect(Set.of(), (t, c) -> false).release()).isNull();
    assertThat(Releases.detect(Set.of("20991231000000"), (t, c) -> false).release()).isNull();
  }
}
