package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

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
}
