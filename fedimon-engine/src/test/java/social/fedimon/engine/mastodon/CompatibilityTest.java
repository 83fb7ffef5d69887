package social.fedimon.engine.mastodon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.Problem;

class CompatibilityTest {

  private static List<String> codes(List<Problem> problems) {
    return problems.stream().map(p -> p.code().code()).toList();
  }

  @Test
  void theSameOrANewerReleaseIsFine() {
    Releases.Detected source = new Releases.Detected("20241007071624", "4.3", null);

    assertThat(Compatibility.check(source, new Compatibility.Target("4.3", null))).isEmpty();
    assertThat(Compatibility.check(source, new Compatibility.Target("4.5", null))).isEmpty();
  }

  @Test
  void anOlderTargetIsADowngrade() {
    Releases.Detected source = new Releases.Detected("20251023210145", "4.5", null);

    assertThat(codes(Compatibility.check(source, new Compatibility.Target("4.3", null))))
        .containsExactly("downgrade");
  }

  @Test
  void mastodonToAForkIsFineAndBackWarnsWithWhatIsLost() {
    Releases.Detected mastodon = new Releases.Detected("20251023210145", "4.5", null);
    Releases.Detected glitch = new Releases.Detected("20251023210145", "4.5", "glitch-soc");

    assertThat(Compatibility.check(mastodon, new Compatibility.Target("4.5", "glitch-soc")))
        .isEmpty();
    List<Problem> back = Compatibility.check(glitch, new Compatibility.Target("4.5", null));
    assertThat(codes(back)).containsExactly("unknown-migrations");
    assertThat(back.get(0).message()).contains("local-only").contains("formatting");
  }

  @Test
  void migrationsNewerThanAnyKnownReleaseAreUnknown() {
    Releases.Detected source = new Releases.Detected("20991231000000", null, null);

    assertThat(codes(Compatibility.check(source, new Compatibility.Target("4.6", null))))
        .containsExactly("unknown-migrations");
  }
}
