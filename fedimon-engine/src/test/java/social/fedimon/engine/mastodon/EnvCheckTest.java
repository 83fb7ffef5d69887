package social.fedimon.engine.mastodon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvCheckTest {

  private static final String COMPLETE =
      """
      LOCAL_DOMAIN=Exämple.social
      SECRET_KEY_BASE=s1
      OTP_SECRET=s2
      VAPID_PRIVATE_KEY=s3
      VAPID_PUBLIC_KEY=s4
      ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY=s5
      ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY=s6
      ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT=s7
      DB_HOST=/var/run/postgresql
      DB_PASS="old pass"
      REDIS_URL=redis://old:6379
      SMTP_SERVER=smtp.old.example
      SINGLE_USER_MODE=false
      CUSTOM_THING=1
      """;

  @Test
  void acceptsACompleteFileAndGivesTheDomainInPunycode() {
    EnvCheck.Result result =
        EnvCheck.check(EnvFile.parse(COMPLETE), "4.3", "xn--exmple-cua.social");

    assertThat(result.problems()).isEmpty();
    assertThat(result.missingSecrets()).isEmpty();
    assertThat(result.localDomain()).isEqualTo("xn--exmple-cua.social");
  }

  @Test
  void namesEachMissingSecretAndWhatUsersWouldSuffer() {
    EnvFile env = EnvFile.parse("LOCAL_DOMAIN=example.social\nSECRET_KEY_BASE=x\n");

    EnvCheck.Result on43 = EnvCheck.check(env, "4.3", null);
    EnvCheck.Result on44 = EnvCheck.check(env, "4.4", null);

    assertThat(on43.missingSecrets())
        .containsExactly(
            "OTP_SECRET",
            "VAPID_PRIVATE_KEY",
            "VAPID_PUBLIC_KEY",
            "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY",
            "ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY",
            "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT");
    assertThat(on43.problems())
        .allSatisfy(p -> assertThat(p.code().code()).isEqualTo("env-missing-secret"));
    assertThat(on43.problems().get(0).message()).contains("two-factor");
    assertThat(on44.missingSecrets()).doesNotContain("OTP_SECRET");
  }

  @Test
  void refusesAnotherDomainThanTheRequests() {
    EnvCheck.Result result = EnvCheck.check(EnvFile.parse(COMPLETE), "4.3", "other.example");

    assertThat(result.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.code().code()).isEqualTo("domain-mismatch"));
  }

  @Test
  void rewritesInfrastructureKeepsTheRestAndShowsNoValues() {
    EnvRewrite.Result result =
        EnvRewrite.rewrite(
            EnvFile.parse(COMPLETE),
            Map.of(
                "DB_HOST",
                "db.fedimon.internal",
                "DB_PASS",
                "new pass",
                "REDIS_URL",
                "redis://old:6379",
                "S3_ENABLED",
                "true"));

    EnvFile rewritten = EnvFile.parse(result.text());
    assertThat(rewritten.get("DB_HOST")).contains("db.fedimon.internal");
    assertThat(rewritten.get("DB_PASS")).contains("new pass");
    assertThat(rewritten.get("SECRET_KEY_BASE")).contains("s1");
    assertThat(rewritten.get("CUSTOM_THING")).contains("1");
    assertThat(rewritten.has("SMTP_SERVER")).isFalse();
    assertThat(result.diff())
        .extracting(Object::toString)
        .contains(
            "DB_HOST changed",
            "DB_PASS changed",
            "REDIS_URL kept",
            "SECRET_KEY_BASE kept",
            "S3_ENABLED added",
            "SMTP_SERVER removed");
    assertThat(result.toString())
        .doesNotContain("s1")
        .doesNotContain("new pass")
        .doesNotContain("old pass");
  }

  @Test
  void quotesValuesSoThatTheyReadBackExactly() {
    String tricky = "a \"quoted\" #hash=eq $HOME\\ \n second line";
    EnvRewrite.Result result =
        EnvRewrite.rewrite(EnvFile.parse("LOCAL_DOMAIN=a.b\n"), Map.of("DB_PASS", tricky));

    assertThat(EnvFile.parse(result.text()).get("DB_PASS")).contains(tricky);
  }
}
