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
    return Fedimon.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args)
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

  @Test
  void helpListsEveryCommand() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out.toString())
        .contains("Usage: fedimon")
        .contains("inspect")
        .contains("restore")
        .contains("media")
        .contains("serve")
        .contains("version");
  }

  @Test
  void helpForOneCommandShowsItsOptions() {
    assertThat(run("help", "inspect")).isEqualTo(0);
    assertThat(out.toString()).contains("Usage: fedimon inspect").contains("--format");
    StringWriter again = new StringWriter();
    assertThat(
            Fedimon.commandLine(
                    new PrintWriter(again, true),
                    new PrintWriter(err, true),
                    "media",
                    "sync",
                    "--help")
                .execute("media", "sync", "--help"))
        .isEqualTo(0);
    assertThat(again.toString()).contains("Usage: fedimon media sync").contains("--from");
  }

  @Test
  void aNamedCommandIsTheOnlyOneBuilt() {
    PrintWriter nowhere = new PrintWriter(new StringWriter());
    assertThat(Fedimon.commandLine(nowhere, nowhere, "media", "sync").getSubcommands().keySet())
        .containsExactly("media");
    assertThat(Fedimon.commandLine(nowhere, nowhere, "help", "media").getSubcommands().keySet())
        .containsExactlyElementsOf(Fedimon.COMMANDS);
    assertThat(Fedimon.commandLine(nowhere, nowhere).getSubcommands().keySet())
        .containsExactlyElementsOf(Fedimon.COMMANDS);
  }

  @Test
  void everyCommandTakesHelp() {
    for (String command : new String[] {"inspect", "restore", "media", "serve", "version"}) {
      StringWriter usage = new StringWriter();
      PrintWriter to = new PrintWriter(usage, true);
      assertThat(Fedimon.commandLine(to, to, command, "--help").execute(command, "--help"))
          .as(command)
          .isEqualTo(0);
      assertThat(usage.toString()).as(command).startsWith("Usage: fedimon " + command);
    }
  }
}
