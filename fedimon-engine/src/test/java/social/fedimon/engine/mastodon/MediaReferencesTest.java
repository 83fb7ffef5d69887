package social.fedimon.engine.mastodon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The file names Paperclip gives attachments, worked out from rows as a restore reads them. */
class MediaReferencesTest {

  @Test
  void partitionsIdsAsPaperclipDoes() {
    assertThat(MediaReferences.partition("1")).isEqualTo("000/000/001");
    assertThat(MediaReferences.partition("123456789")).isEqualTo("123/456/789");
    assertThat(MediaReferences.partition("109876543210")).isEqualTo("109/876/543/210");
    assertThat(MediaReferences.partition("109876543210123456"))
        .isEqualTo("109/876/543/210/123/456");
    // ("%09d" % id).scan(/\d{3}/) drops what does not fill a group
    assertThat(MediaReferences.partition("1234567890")).isEqualTo("123/456/789");
  }

  @Test
  void notesTheLocalFilesOfEachTableByTheColumnsItsCopyLists() {
    MediaReferences references = new MediaReferences();
    MediaReferences.Layout media =
        MediaReferences.layout(
                "media_attachments",
                List.of("id", "status_id", "file_file_name", "remote_url", "created_at"))
            .orElseThrow();
    assertThat(media.selected()).containsExactly(0, 2, 3);
    references.row(media, new String[] {"7", "a.png", ""}); // local
    references.row(media, new String[] {"8", "b.png", "https://elsewhere/b.png"}); // remote
    references.row(media, new String[] {"9", null, null}); // no file
    references.row(media, new String[] {"x9", "c.png", null}); // not an id

    MediaReferences.Layout accounts =
        MediaReferences.layout(
                "accounts", List.of("id", "domain", "avatar_file_name", "header_file_name"))
            .orElseThrow();
    references.row(accounts, new String[] {"1", null, "me.jpg", "top.jpg"}); // local, two files
    references.row(accounts, new String[] {"2", "remote.example", "them.jpg", null});
    references.row(accounts, new String[] {"3", null, "../evil.jpg", null}); // not a file name
    references.row(accounts, new String[] {"5", "", "blank.jpg", null}); // a domain, if empty

    // a COPY without the columns that tell remote from local: every row counts as local
    MediaReferences.Layout emojis =
        MediaReferences.layout("custom_emojis", List.of("image_file_name", "id")).orElseThrow();
    references.row(emojis, new String[] {"blob.png", "4"});

    assertThat(MediaReferences.layout("statuses", List.of("id", "text"))).isEmpty();
    assertThat(references.count()).isEqualTo(4);
    KeySet present = new KeySet();
    present.add("accounts/avatars/000/000/001/original/me.jpg");
    MediaReferences.Missing missing = references.missingFrom(present);
    assertThat(missing.count()).isEqualTo(3);
    assertThat(missing.sample())
        .containsExactly(
            "accounts/headers/000/000/001/original/top.jpg",
            "custom_emojis/images/000/000/004/original/blob.png",
            "media_attachments/files/000/000/007/original/a.png");
  }
}
