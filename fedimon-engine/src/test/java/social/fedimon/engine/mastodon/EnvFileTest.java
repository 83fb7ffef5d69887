package social.fedimon.engine.mastodon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import social.fedimon.engine.BackupRejected;

class EnvFileTest {

  @Test
  void readsDotenvAsMastodonDoes() {
    EnvFile env =
        EnvFile.parse(
            """
            # This is a comment
            LOCAL_DOMAIN=example.social

            export WEB_DOMAIN=social.example.social
            SECRET_KEY_BASE = abc123   # trailing comment
            DB_PASS='pa ss#word=1'
            SMTP_PASSWORD="with \\"quotes\\" and \\n newline"
            MULTI="line one
            line two"
            EMPTY=
            KEY_COLON: value
            S3_ALIAS_HOST=${LOCAL_DOMAIN}
            LOCAL_DOMAIN=last.wins
            this line is no variable
            """);

    assertThat(env.keys())
        .containsExactly(
            "WEB_DOMAIN",
            "SECRET_KEY_BASE",
            "DB_PASS",
            "SMTP_PASSWORD",
            "MULTI",
            "EMPTY",
            "KEY_COLON",
            "S3_ALIAS_HOST",
            "LOCAL_DOMAIN");
    assertThat(env.get("LOCAL_DOMAIN")).contains("last.wins");
    assertThat(env.get("WEB_DOMAIN")).contains("social.example.social");
    assertThat(env.get("SECRET_KEY_BASE")).contains("abc123");
    assertThat(env.get("DB_PASS")).contains("pa ss#word=1");
    assertThat(env.get("SMTP_PASSWORD")).contains("with \"quotes\" and \n newline");
    assertThat(env.get("MULTI")).contains("line one\nline two");
    assertThat(env.get("EMPTY")).contains("");
    assertThat(env.nonBlank("EMPTY")).isEmpty();
    assertThat(env.get("KEY_COLON")).contains("value");
    assertThat(env.get("S3_ALIAS_HOST")).contains("${LOCAL_DOMAIN}");
  }

  @Test
  void neverPrintsValues() {
    EnvFile env = EnvFile.parse("SECRET_KEY_BASE=supersecret\n");

    assertThat(env.toString()).contains("SECRET_KEY_BASE").doesNotContain("supersecret");
  }

  @Test
  void readsWindowsLineEndingsAndAByteOrderMark() {
    EnvFile env = EnvFile.parse("\uFEFFLOCAL_DOMAIN=a.b\r\nOTP_SECRET=x\r\n");

    assertThat(env.get("LOCAL_DOMAIN")).contains("a.b");
    assertThat(env.get("OTP_SECRET")).contains("x");
  }

  @Test
  void saysWhereAnUnclosedQuoteBegan() {
    assertThatThrownBy(() -> EnvFile.parse("A=1\nB=\"s3cr3t value\nC=3\n"))
        .isInstanceOf(BackupRejected.class)
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("s3cr3t");
  }
}
