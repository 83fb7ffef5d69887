package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EntryNamesTest {

  @ParameterizedTest
  @CsvSource({
    "a/b/c, a/b/c",
    "./a//b/, a/b",
    "a/./b, a/b",
    "live\\.env.production, live/.env.production",
    "public/system/x.png, public/system/x.png",
    "..hidden/file, ..hidden/file",
    "a..b/c, a..b/c"
  })
  void normalizesHonestNames(String raw, String expected) {
    assertThat(EntryNames.normalize(raw, 4096).name()).contains(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "../x, PARENT_SEGMENT",
    "a/../../x, PARENT_SEGMENT",
    "a/.., PARENT_SEGMENT",
    "..\\x, PARENT_SEGMENT",
    ".../x, PARENT_SEGMENT",
    "'.. /x', PARENT_SEGMENT",
    "/etc/passwd, ABSOLUTE",
    "\\\\server\\share\\x, ABSOLUTE",
    "C:\\x, DRIVE_LETTER",
    "c:x, DRIVE_LETTER",
    "./, EMPTY",
    "'', EMPTY"
  })
  void refusesNamesThatEscape(String raw, EntryNames.Refusal refusal) {
    assertThat(EntryNames.normalize(raw, 4096).refusal()).contains(refusal);
  }

  @ParameterizedTest
  @CsvSource({"5, abcdef", "3, é/é"})
  void refusesNamesLongerThanTheLimitInBytes(int max, String raw) {
    assertThat(EntryNames.normalize(raw, max).refusal()).contains(EntryNames.Refusal.TOO_LONG);
  }

  @org.junit.jupiter.api.Test
  void refusesNulCharacters() {
    assertThat(EntryNames.normalize("a.txt\0.png", 4096).refusal())
        .contains(EntryNames.Refusal.NUL_CHARACTER);
  }
}
