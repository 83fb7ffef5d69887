package social.fedimon.server.backup;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;

/**
 * A link as an admin types it, checked before anything is fetched: accepted or refused, never a
 * crash.
 */
class LinkCheckFuzzTest {

  private static final LinkDownloader DOWNLOADER =
      new LinkDownloader(new AddressRules(List.of()), false, 1 << 20, Duration.ofSeconds(1), null);

  @FuzzTest(maxDuration = "30s")
  void linksAreCheckedOrRefused(String link) {
    if (link == null) {
      return;
    }
    try {
      DOWNLOADER.check(link);
    } catch (LinkRefused expected) {
      // said in plain words
    }
  }
}
