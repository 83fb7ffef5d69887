package social.fedimon.server.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.testing.S3ProxyFixture;
import social.fedimon.server.FedimonServer;

/**
 * Production configuration: every part configured externally (the machine's PostgreSQL, an S3
 * store, an SMTP relay) replaces its embedded default, and nothing is started under the data
 * folder.
 */
class ExternalPartsTest {

  static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  static final String DATABASE = "fedimon_external_" + UUID.randomUUID().toString().substring(0, 8);

  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @BeforeAll
  static void createDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(ADMIN_URL);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    }
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection(ADMIN_URL);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
  }

  @Test
  void externalDatabaseObjectStoreAndRelayReplaceTheEmbeddedDefaults() {
    Path data = TestDataFolders.create("external");
    S3Settings s3 = S3ProxyFixture.newBucket();
    String masterKey = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));

    try (ConfigurableApplicationContext server =
        FedimonServer.start(
            "--server.port=0",
            "--fedimon.data-dir=" + data,
            "--fedimon.master-key=" + masterKey,
            "--fedimon.database.url=postgresql://postgres@127.0.0.1:5432/" + DATABASE,
            "--fedimon.tenant.database.url=postgresql://"
                + social.fedimon.server.testing.Platform.TENANT_ADMIN
                + "@127.0.0.1:5432/postgres",
            "--fedimon.s3.endpoint=" + s3.endpoint(),
            "--fedimon.s3.bucket=" + s3.bucket(),
            "--fedimon.s3.access-key=" + s3.accessKey(),
            "--fedimon.s3.secret-key=" + s3.secretKey(),
            "--fedimon.s3.checksums-when-required=true",
            "--fedimon.smtp.url=smtp://127.0.0.1:"
                + smtp.getSmtp().getPort()
                + "?starttls=false")) {

      assertThat(server.getBeanProvider(EmbeddedPostgresServer.class).getIfAvailable()).isNull();
      assertThat(server.getBeanProvider(EmbeddedObjectStorage.class).getIfAvailable()).isNull();
      assertThat(server.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.UP);
      assertThat(
              server
                  .getBean(JdbcClient.class)
                  .sql("SELECT current_database()")
                  .query(String.class)
                  .single())
          .isEqualTo(DATABASE);

      SimpleMailMessage message = new SimpleMailMessage();
      message.setFrom("noreply@fedimon.example");
      message.setTo("admin@example.social");
      message.setSubject("relayed");
      message.setText("through SMTP");
      server.getBean(JavaMailSender.class).send(message);
      assertThat(smtp.getReceivedMessages()).hasSize(1);
    }
    assertThat(data.resolve("postgres")).doesNotExist();
    assertThat(data.resolve("objects")).doesNotExist();
    assertThat(data.resolve("outbox")).doesNotExist();
  }
}
