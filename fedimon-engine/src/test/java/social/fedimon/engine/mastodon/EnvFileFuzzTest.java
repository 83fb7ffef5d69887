package social.fedimon.engine.mastodon;

import com.code_intelligence.jazzer.junit.FuzzTest;
import social.fedimon.engine.BackupRejected;

/** The env parser on arbitrary text: parses, or rejects with a problem code; nothing else. */
class EnvFileFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void parsesOrRejects(String text) {
    if (text == null) {
      return;
    }
    try {
      EnvFile.parse(text);
    } catch (BackupRejected expected) {
      // unterminated quotes and oversized files are refused plainly
    }
  }
}
