package social.fedimon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import social.fedimon.engine.FedimonVersion;

/** {@code fedimon version}: what this build is and what it runs on. */
@Command(name = "version", description = "Print the version of FédiMon and of the Java it runs on.")
final class VersionCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("fedimon " + FedimonVersion.current());
    spec.commandLine()
        .getOut()
        .println(
            "Java "
                + System.getProperty("java.version")
                + " ("
                + System.getProperty("java.vm.name")
                + ", "
                + System.getProperty("os.name")
                + " "
                + System.getProperty("os.arch")
                + ")");
    return Fedimon.OK;
  }
}
