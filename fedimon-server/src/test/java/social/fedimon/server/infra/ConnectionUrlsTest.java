package social.fedimon.server.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionUrlsTest {

  @Test
  void turnsALibpqStyleUrlIntoJdbcAndCredentials() {
    ConnectionUrls.Jdbc jdbc =
        ConnectionUrls.postgres(
            "postgresql://fedi%40mon:p%3Ass%2Fw+rd@db.internal:6432/platform?sslmode=require");

    assertThat(jdbc.jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.internal:6432/platform?sslmode=require");
    assertThat(jdbc.username()).contains("fedi@mon");
    assertThat(jdbc.password()).contains("p:ss/w+rd");
  }

  @Test
  void acceptsJdbcUrlsAsTheyAre() {
    ConnectionUrls.Jdbc jdbc = ConnectionUrls.postgres("jdbc:postgresql://127.0.0.1/fedimon");

    assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/fedimon");
    assertThat(jdbc.username()).isEmpty();
    assertThat(jdbc.password()).isEmpty();
  }

  @Test
  void refusesOtherDatabases() {
    assertThatThrownBy(() -> ConnectionUrls.postgres("mysql://root@localhost/x"))
        .hasMessageContaining("postgresql://");
  }

  @Test
  void redactsPasswordsForDisplay() {
    assertThat(ConnectionUrls.redact("postgresql://user:hunter2@h:5432/db"))
        .isEqualTo("postgresql://user:***@h:5432/db");
    assertThat(ConnectionUrls.redact("jdbc:postgresql://h/db?user=u&password=hunter2"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***");
    assertThat(ConnectionUrls.redact("smtps://mailer:hunter2@smtp.example:465"))
        .doesNotContain("hunter2");
  }
}
