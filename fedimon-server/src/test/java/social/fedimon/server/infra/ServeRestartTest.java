package social.fedimon.server.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.FedimonServer;

/** What the person running {@code fedimon serve} twice, or restarting it, sees. */
class ServeRestartTest {

  @Test
  void aRestartOnTheSameDataFolderKeepsTheDatabaseAndTheObjects() throws IOException {
    Path data = TestDataFolders.create("restart");
    UUID firstIdentity;
    try (ConfigurableApplicationContext first = start(data)) {
      firstIdentity = first.getBean(Installation.class).identity().id();
      first.getBean(ObjectStore.class).put("kept.txt", bytes("kept"), "text/plain");
      JdbcClient jdbc = first.getBean(JdbcClient.class);
      jdbc.sql("CREATE TABLE restart_probe (note text)").update();
      jdbc.sql("INSERT INTO restart_probe VALUES ('written before the restart')").update();
    }

    try (ConfigurableApplicationContext second = start(data)) {
      assertThat(second.getBean(Installation.class).identity().id()).isEqualTo(firstIdentity);
      try (InputStream in = second.getBean(ObjectStore.class).open("kept.txt")) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("kept");
      }
      assertThat(
              second
                  .getBean(JdbcClient.class)
                  .sql("SELECT note FROM restart_probe")
                  .query(String.class)
                  .single())
          .isEqualTo("written before the restart");
    }
  }

  @Test
  void aSecondServeOnTheSameDataFolderStopsAndLeavesTheFirstRunning() {
    Path data = TestDataFolders.create("second-serve");
    try (ConfigurableApplicationContext first = start(data)) {
      assertThatThrownBy(() -> start(data))
          .hasRootCauseInstanceOf(DataDirectoryInUse.class)
          .rootCause()
          .hasMessageContaining("already running")
          .hasMessageContaining(data.toString());

      first.getBean(ObjectStore.class).checkReachable();
      assertThat(first.getBean(JdbcClient.class).sql("SELECT 1").query(Integer.class).single())
          .isEqualTo(1);
    }
  }

  private static ConfigurableApplicationContext start(Path data) {
    return FedimonServer.start("--fedimon.data-dir=" + data, "--server.port=0");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
