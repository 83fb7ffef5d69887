package social.fedimon.engine.mastodon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaLayoutTest {

  @Test
  void placesFilesUnderPublicSystemWhereverItIs() {
    assertThat(
            MediaLayout.locate(
                "home/mastodon/live/public/system/media_attachments/files/000/000/001/original/a.png"))
        .get()
        .satisfies(
            p -> {
              assertThat(p.root()).isEqualTo("home/mastodon/live/public/system");
              assertThat(p.category()).isEqualTo("media_attachments");
              assertThat(p.key()).isEqualTo("media_attachments/files/000/000/001/original/a.png");
              assertThat(p.cached()).isFalse();
            });
    assertThat(MediaLayout.locate("system/public/cache/accounts/avatars/1/a.png"))
        .get()
        .satisfies(p -> assertThat(p.cached()).isTrue());
  }

  @Test
  void recognizesABareTreeOnlyByMastodonsOwnFolders() {
    assertThat(MediaLayout.locate("media/accounts/avatars/000/000/001/original/a.png"))
        .get()
        .satisfies(p -> assertThat(p.root()).isEqualTo("media"));
    assertThat(MediaLayout.locate("live/app/views/accounts/show.html.haml")).isEmpty();
    assertThat(MediaLayout.locate("accounts.csv")).isEmpty();
  }
}
