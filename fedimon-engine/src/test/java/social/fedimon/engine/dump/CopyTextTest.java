package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CopyTextTest {

  @Test
  void splitsOnTabsAndDecodesEscapesNullsAndEmptyFields() {
    assertThat(CopyText.fields("1\tphoto.jpg\t\\N\t\ta\\tb\\nc\\\\d\\re\\\\N\tü🐘"))
        .isEqualTo(Arrays.asList("1", "photo.jpg", null, "", "a\tb\nc\\d\re\\N", "ü🐘"));
  }

  @Test
  void aLineWithoutTabIsOneFieldAndATrailingTabAnEmptyOne() {
    assertThat(CopyText.fields("only")).containsExactly("only");
    assertThat(CopyText.fields("a\t")).containsExactly("a", "");
    assertThat(CopyText.fields("\\N")).containsExactly((String) null);
  }

  @Test
  void selectsOnlyTheFieldsAskedFor() {
    String line = "7\tskip\\tme\tphoto.jpg\t\\N\tlast";
    assertThat(CopyText.select(line, new int[] {0, 2, 3, 4}))
        .containsExactly("7", "photo.jpg", null, "last");
    assertThat(CopyText.select(line, new int[] {1, 9})).containsExactly("skip\tme", null);
  }

  @Test
  void selectingFromBytesGivesWhatSelectingFromTheDecodedLineGives() {
    java.util.Random random = new java.util.Random(11);
    String[] pieces = {"a", "ü", "🐘", "\\t", "\\n", "\\\\", "\\N", "\t", "x\\r", "", "photo.jpg"};
    for (int round = 0; round < 2000; round++) {
      StringBuilder line = new StringBuilder();
      for (int i = random.nextInt(12); i >= 0; i--) {
        line.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = line.toString();
      int[] indexes = random.ints(random.nextInt(4), 0, 8).sorted().distinct().toArray();
      byte[] bytes = ("junk\n" + text + "\nmore").getBytes(StandardCharsets.UTF_8);
      int from = 5;
      int to = from + text.getBytes(StandardCharsets.UTF_8).length;

      assertThat(CopyText.select(bytes, from, to, indexes))
          .as(text)
          .containsExactly(CopyText.select(text, indexes));
    }
  }
}
