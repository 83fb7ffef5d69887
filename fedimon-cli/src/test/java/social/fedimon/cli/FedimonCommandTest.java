package social.fedimon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.FedimonVersion;

class FedimonCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Fedimon.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void versionPrintsTheBuildVersionAndSucceeds() {
    assertThat(run("version")).isEqualTo(0);
    assertThat(out.toString()).startsWith("fedimon " + FedimonVersion.current());
    assertThat(FedimonVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void anUnknownCommandIsAUsageErrorThatListsTheCommands() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("frobnicate").contains("Usage: fedimon").contains("serve");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing a command").contains("Usage: fedimon");
  }

  @Test
  void commandsThatHaveNotLandedDoNotExist() {
    for (String notYet : new String[] {"export"}) {
      assertThat(run(notYet)).as(notYet).isEqualTo(2);
    }
  }
}
