package social.fedimon.server.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The README's FEDIMON_* variables reach the typed configuration, names exactly as documented. */
class FedimonPropertiesTest {

  @Test
  void bindsEveryDocumentedEnvironmentVariable() {
    FedimonProperties properties =
        bind(
            Map.ofEntries(
                Map.entry("FEDIMON_DATA_DIR", "/srv/fedimon"),
                Map.entry("FEDIMON_PUBLIC_URL", "https://fedimon.example"),
                Map.entry("FEDIMON_MASTER_KEY", "a2V5"),
                Map.entry("FEDIMON_DATABASE_URL", "postgresql://db.internal/fedimon"),
                Map.entry("FEDIMON_DATABASE_USERNAME", "fedimon"),
                Map.entry("FEDIMON_DATABASE_PASSWORD", "pw"),
                Map.entry("FEDIMON_S3_ENDPOINT", "https://s3.example"),
                Map.entry("FEDIMON_S3_REGION", "eu-west-3"),
                Map.entry("FEDIMON_S3_BUCKET", "fedimon-prod"),
                Map.entry("FEDIMON_S3_ACCESS_KEY", "AKIA"),
                Map.entry("FEDIMON_S3_SECRET_KEY", "shh"),
                Map.entry("FEDIMON_S3_PATH_STYLE", "false"),
                Map.entry("FEDIMON_S3_CHECKSUMS_WHEN_REQUIRED", "true"),
                Map.entry("FEDIMON_SMTP_URL", "smtps://mailer:pw@smtp.example:465"),
                Map.entry("FEDIMON_MAIL_FROM", "FédiMon <hello@fedimon.example>")));

    assertThat(properties.dataDir()).isEqualTo(Path.of("/srv/fedimon"));
    assertThat(properties.publicUrl()).isEqualTo(URI.create("https://fedimon.example"));
    assertThat(properties.masterKey()).isEqualTo("a2V5");
    assertThat(properties.database().url()).isEqualTo("postgresql://db.internal/fedimon");
    assertThat(properties.database().username()).isEqualTo("fedimon");
    assertThat(properties.database().password()).isEqualTo("pw");
    assertThat(properties.database().embedded()).isFalse();
    assertThat(properties.s3().endpoint()).isEqualTo(URI.create("https://s3.example"));
    assertThat(properties.s3().region()).isEqualTo("eu-west-3");
    assertThat(properties.s3().bucket()).isEqualTo("fedimon-prod");
    assertThat(properties.s3().accessKey()).isEqualTo("AKIA");
    assertThat(properties.s3().secretKey()).isEqualTo("shh");
    assertThat(properties.s3().pathStyle()).isFalse();
    assertThat(properties.s3().checksumsWhenRequired()).isTrue();
    assertThat(properties.s3().embedded()).isFalse();
    assertThat(properties.smtp().url()).isEqualTo(URI.create("smtps://mailer:pw@smtp.example:465"));
    assertThat(properties.smtp().embedded()).isFalse();
    assertThat(properties.mail().from()).isEqualTo("FédiMon <hello@fedimon.example>");
    assertThat(properties.anyEmbedded()).isFalse();
  }

  @Test
  void defaultsToEmbeddedPartsUnderVar() {
    FedimonProperties properties = bind(Map.of());

    assertThat(properties.dataDir()).isEqualTo(Path.of("var"));
    assertThat(properties.database().embedded()).isTrue();
    assertThat(properties.s3().embedded()).isTrue();
    assertThat(properties.s3().bucket()).isEqualTo("fedimon");
    assertThat(properties.smtp().embedded()).isTrue();
  }

  @Test
  void neverPrintsSecrets() {
    FedimonProperties properties =
        bind(
            Map.of(
                "FEDIMON_MASTER_KEY", "master-secret",
                "FEDIMON_DATABASE_URL", "postgresql://u:db-secret@h/d",
                "FEDIMON_DATABASE_PASSWORD", "db-secret",
                "FEDIMON_S3_SECRET_KEY", "s3-secret",
                "FEDIMON_SMTP_URL", "smtp://u:smtp-secret@h"));

    assertThat(properties.toString())
        .doesNotContain("master-secret")
        .doesNotContain("db-secret")
        .doesNotContain("s3-secret")
        .doesNotContain("smtp-secret");
  }

  private static FedimonProperties bind(Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    ConfigurationPropertySources.attach(environment);
    return Binder.get(environment).bindOrCreate("fedimon", FedimonProperties.class);
  }
}
