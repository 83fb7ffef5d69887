package social.fedimon.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import social.fedimon.engine.FedimonVersion;

/** The {@code fedimon} command: one entry point for the server and the migration tools. */
@Command(
    name = "fedimon",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Fedimon.Version.class,
    description = "Managed hosting for Mastodon: the server and the migration tools.",
    footer = {"", "Exit status: 0 done, 1 rejected or failed, 2 wrong usage."})
public final class Fedimon implements Runnable {

  /** Exit status of a command that was accepted or done, warnings allowed. */
  public static final int OK = 0;

  /** Exit status of a command whose input was rejected or whose work failed. */
  public static final int FAILED = 1;

  /** Exit status of a command line that does not parse. */
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // `fedimon` alone is a usage error: say what it can do.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
  }

  /** The subcommands, in the order of the usage message. */
  static final java.util.List<String> COMMANDS =
      java.util.List.of("inspect", "restore", "export", "media", "serve", "version", "help");

  private static Object command(String name) {
    return switch (name) {
      case "inspect" -> new InspectCommand();
      case "restore" -> new RestoreCommand();
      case "export" -> new ExportCommand();
      case "media" -> new MediaCommand();
      case "serve" -> new ServeCommand();
      case "version" -> new VersionCommand();
      case "help" -> new CommandLine.HelpCommand();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /**
   * The command line for {@code args}, with our exit codes; tests use it with their own writers.
   * When the first argument names a subcommand, only that one is built: picocli reads every option
   * of every command it is given by reflection, and a short command's start paid for the models of
   * the five it would not run. Anything else (no arguments, {@code --help}, {@code help}, a
   * mistyped name) gets them all, so that usage messages list every command.
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
    String first = args.length > 0 ? args[0] : "";
    boolean one = !first.equals("help") && COMMANDS.contains(first);
    // picocli's factory looks for Groovy's Closure class when it first loads unless told not to:
    // a class that is not there is searched for in every jar of the class path, which opened all
    // 130 of them (42,000 entries) at every command's start: `version` 0.57 -> 0.45 s
    setIfAbsent("picocli.disable.closures", "true");
    CommandLine commandLine = new CommandLine(new Fedimon());
    for (String name : COMMANDS) {
      if (!one || first.equals(name)) {
        commandLine.addSubcommand(name, command(name));
      }
    }
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cl, parseResult) -> {
          cl.getErr().println("fedimon: " + e.getMessage());
          return FAILED;
        });
    return commandLine;
  }

  public static void main(String[] args) {
    boolean serving = args.length > 0 && args[0].equals("serve");
    configureLogging(serving);
    if (!serving && System.getProperty("http.maxConnections") == null) {
      // a one-shot command owns its JVM: the JDK's connection cache (the engine's lean S3
      // requests) keeps up to 64 idle connections per server, not 5, so that 16 uploads in flight
      // are not closed after each request and opened again (a TCP handshake and a port in
      // TIME_WAIT each: a few thousand a second exhaust them)
      System.setProperty("http.maxConnections", "64");
    }
    if (args.length > 0 && args[0].equals("media") && !Boolean.getBoolean("fedimon.noWarmUp")) {
      // every media command signs S3 requests: the first signature's set-up (0.3 s) runs while
      // the command line is parsed
      social.fedimon.engine.media.S3ObjectStore.warmUp();
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int status = commandLine(out, err, args).execute(args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * Two SLF4J providers are on the class path, and each run names its own, so SLF4J neither scans
   * for them nor warns about two. The server logs through Logback, which Spring Boot configures.
   * The one-shot commands log through slf4j-simple: warnings and errors only, on stderr, so that
   * stdout holds nothing but the command's output (one JSON document with --format json). Logback's
   * start (its XML configuration parsed by Joran) took 0.12 s of a short command's 0.6. Every
   * property can be overridden with -D in FEDIMON_JAVA_OPTS.
   */
  static void configureLogging(boolean serving) {
    setIfAbsent("slf4j.internal.verbosity", "WARN");
    if (serving) {
      setIfAbsent("slf4j.provider", "ch.qos.logback.classic.spi.LogbackServiceProvider");
      return;
    }
    setIfAbsent("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "false");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fedimon " + FedimonVersion.current()};
    }
  }
}
