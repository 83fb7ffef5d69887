package social.fedimon.engine.media;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;

/** A media manifest from anywhere: read, or refused with a plain IllegalArgumentException. */
class MediaManifestFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void manifestsAreReadOrRefused(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      for (MediaManifest.Entry entry : MediaManifest.read(new ByteArrayInputStream(bytes))) {
        ObjectKeys.check(entry.key());
      }
    } catch (IllegalArgumentException expected) {
      // said in plain words
    }
  }
}
