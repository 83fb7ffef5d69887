package social.fedimon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/fedimon}, run as a person runs it, against the jar this build packaged. */
class LauncherIT {

  static final Path REPOSITORY = Path.of(System.getProperty("fedimon.test.repository"));
  static final Path LAUNCHER = REPOSITORY.resolve("bin/fedimon");
  static final Path CLASS_DATA = REPOSITORY.resolve("fedimon-cli/target/fedimon-run/cds");

  record Result(int status, String out, String err) {}

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, java.util.Map.of(), args);
  }

  static Result run(Path workDir, java.util.Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void versionPrintsTheVersionAndExitsZero(@TempDir Path dir) throws Exception {
    Result result = run(dir, "version");

    assertThat(result.status()).isEqualTo(0);
    assertThat(result.out()).startsWith("fedimon 0.").contains("Java ");
  }

  @Test
  void aShortCommandLoadsNothingOfTheServer(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.txt");
    Result result =
        run(
            dir,
            java.util.Map.of("FEDIMON_JAVA_OPTS", "-Xlog:class+load:file=" + classes),
            "version");

    assertThat(result.status()).isEqualTo(0);
    // picocli reads every command class when the command line is built; a Spring type in one of
    // them had every command search the class path's 130 jars for Spring's at start-up
    assertThat(Files.readAllLines(classes))
        .as("classes loaded by `fedimon version`")
        .hasSizeGreaterThan(100)
        .noneMatch(line -> line.contains("org.springframework"));
  }

  @Test
  void onJava22AndLaterZstdIsReadThroughItsJniBinding(@TempDir Path dir) throws Exception {
    // zstd-jni's FFM binding (Java 22+) cost 0.4 s more CPU on a 1.2 GB tar.zst; the launcher has
    // the JVM read multi-release jars at their base classes. Runs where a JDK 22+ is installed.
    Path jdk = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(jdk.resolve("bin/java")), "no JDK 25 here");
    social.fedimon.engine.testing.InstanceTree.create(dir);
    social.fedimon.engine.testing.Tools.sh(
        dir, "tar -cf - live database.sql.xz | zstd > b.tar.zst");
    Path classes = dir.resolve("classes.txt");
    Result result =
        run(
            dir,
            java.util.Map.of(
                "JAVA_HOME",
                jdk.toString(),
                "FEDIMON_JAVA_OPTS",
                "-Xlog:class+load:file=" + classes),
            "inspect",
            "--format",
            "json",
            "b.tar.zst");

    assertThat(result.status()).as(result.err()).isEqualTo(0);
    assertThat(result.err()).doesNotContain("WARNING");
    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).anyMatch(line -> line.contains("com.github.luben.zstd.ZstdInputStream"));
    assertThat(loaded)
        .as("zstd-jni's FFM binding")
        .noneMatch(line -> line.contains("com.github.luben.zstd.ZstdBinding"));
  }

  @Test
  void aTermSentToTheLauncherOfAFirstRunStopsItsJava(@TempDir Path dir) throws Exception {
    // the first run of a command is not exec'd (its class list is renamed after it): the launcher
    // must pass a TERM on, and hand its stdin over
    forgetClassData(dir);
    // the jar extracted first (a rebuilt jar is extracted by the next run, by JVMs of its own,
    // which the search below would take for the command's)
    assertThat(run(dir, "version").status()).isEqualTo(0);
    Process launcher = inspectToFiles(dir, "-").start();
    // stdin stays open and empty: the command waits for the archive
    launcher.getOutputStream().write(new byte[] {0x28, (byte) 0xb5});
    launcher.getOutputStream().flush();
    ProcessHandle jvm =
        await("the launcher's Java")
            .atMost(Duration.ofMinutes(2))
            .until(
                () ->
                    launcher
                        .descendants()
                        .filter(p -> p.info().command().orElse("").endsWith("java"))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    // the JVM has started, and handles TERM itself, once its signal handlers are installed
    await("Java's TERM handler").atMost(Duration.ofMinutes(1)).until(() -> catchesTerm(jvm));

    launcher.destroy(); // SIGTERM to the launcher's pid only

    assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
    assertThat(jvm.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(launcher.exitValue()).isEqualTo(143);
    assertThat(hasClassList()).as("an interrupted run trains nothing").isFalse();
  }

  @Test
  void anUnknownSubcommandExitsTwoWithUsage(@TempDir Path dir) throws Exception {
    Result result = run(dir, "frobnicate");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("Usage: fedimon");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void inspectReadsStandardInputAndPrintsOnlyJsonOnStdout(@TempDir Path dir) throws Exception {
    social.fedimon.engine.testing.InstanceTree.create(dir);
    social.fedimon.engine.testing.Tools.sh(dir, "tar -cf - live database.sql.xz | gzip > b.tgz");

    Process process = inspectToFiles(dir, "-").redirectInput(dir.resolve("b.tgz").toFile()).start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).isEqualTo(0);
    String json = Files.readString(dir.resolve("out.json"));
    assertThat(json.strip()).startsWith("{").endsWith("}");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("layers"))
        .extracting(com.fasterxml.jackson.databind.JsonNode::asText)
        .containsExactly("gzip", "tar");
  }

  @Test
  void aCommandsFirstRunWritesItsClassDataArchiveAndLaterRunsUseItQuietly(@TempDir Path dir)
      throws Exception {
    social.fedimon.engine.testing.InstanceTree.create(dir);
    social.fedimon.engine.testing.Tools.sh(
        dir, "tar -cf - live database.sql.xz | zstd > b.tar.zst");
    forgetClassData(dir);

    // a run that ends in a usage error trains nothing
    assertThat(run(dir, "inspect", "--no-such-option", "b.tar.zst").status()).isEqualTo(2);
    assertThat(hasClassList()).as("a class list from a usage error").isFalse();

    Result first = run(dir, "inspect", "--format", "json", "b.tar.zst");
    assertThat(first.status()).isEqualTo(0);
    // the archive is dumped in the background from the list of classes the first run loaded
    await("the class-data archive").atMost(Duration.ofMinutes(2)).until(() -> hasArchive());
    assertThat(names().stream().filter(n -> !n.endsWith(".log")))
        .as("the class list and the archive for inspect, no temporary file left")
        .containsExactlyInAnyOrder(archiveName().replace(".jsa", ".classlist"), archiveName());
    Result second = run(dir, "inspect", "--format", "json", "b.tar.zst");
    // the JVM's notes about classes it could not archive would land in the report: none may
    for (Result result : List.of(first, second)) {
      assertThat(result.out().strip()).startsWith("{").endsWith("}");
      assertThat(result.err()).doesNotContain("cds").doesNotContain("[warning]");
    }
    assertThat(second.out()).isEqualTo(first.out());
  }

  @Test
  void theArchiveGrowsWhenARunLoadsManyClassesOutsideIt(@TempDir Path dir) throws Exception {
    social.fedimon.engine.testing.InstanceTree.create(dir);
    social.fedimon.engine.testing.Tools.sh(
        dir, "tar -cf b.tar live database.sql.xz && 7zz a b.7z live database.sql.xz > /dev/null");
    forgetClassData(dir);
    assertThat(run(dir, "inspect", "--format", "json", "b.tar").status()).isEqualTo(0);
    await("the class-data archive").atMost(Duration.ofMinutes(2)).until(() -> hasArchive());
    Path list = CLASS_DATA.resolve(archiveName().replace(".jsa", ".classlist"));
    await("the dump").atMost(Duration.ofMinutes(2)).until(() -> settled());
    int trained = Files.readAllLines(list).size();
    assertThat(Files.readString(list)).doesNotContain("SevenZipArchive");

    // the 7-Zip reader was not in the first run
    Result sevenZip = run(dir, "inspect", "--format", "json", "b.7z");
    assertThat(sevenZip.status()).as(sevenZip.err()).isEqualTo(0);
    assertThat(Files.readString(list)).contains("SevenZipArchive");
    assertThat(Files.readAllLines(list).size()).isGreaterThan(trained + 50);
    assertThat(learned()).isEqualTo("0");
    await("the archive dumped again").atMost(Duration.ofMinutes(2)).until(() -> settled());

    // the same kind again: nothing to add, the run is counted
    Result again = run(dir, "inspect", "--format", "json", "b.7z");
    assertThat(again.out()).isEqualTo(sevenZip.out());
    assertThat(again.err()).doesNotContain("cds").doesNotContain("[warning]");
    assertThat(learned()).isEqualTo("1");
  }

  @Test
  void theLaunchersJarsAreUnsignedAndOpenPgpStillWorks(@TempDir Path dir) throws Exception {
    social.fedimon.engine.testing.InstanceTree.create(dir);
    social.fedimon.engine.testing.Tools.sh(
        dir,
        "tar -cf - live database.sql.xz | zstd > b.tar.zst && export GNUPGHOME=$(mktemp -d)"
            + " && gpg -q --batch --pinentry-mode loopback --passphrase 'pass word' -c"
            + " -o b.tar.zst.gpg b.tar.zst");
    Result result =
        run(dir, "inspect", "--format", "json", "--password", "pass word", "b.tar.zst.gpg");
    assertThat(result.status()).as(result.err()).isEqualTo(0);
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out()).path("layers"))
        .extracting(com.fasterxml.jackson.databind.JsonNode::asText)
        .containsExactly("pgp", "zstd", "tar");

    // the jars the launcher runs: Bouncy Castle's among them, none signed any more
    Path lib = CLASS_DATA.resolveSibling("lib");
    try (var jars = Files.list(lib)) {
      List<Path> all = jars.filter(p -> p.toString().endsWith(".jar")).toList();
      assertThat(all).anyMatch(p -> p.getFileName().toString().startsWith("bcprov"));
      for (Path jar : all) {
        assertThat(UnsignJars.signed(jar)).as(jar.getFileName().toString()).isFalse();
      }
    }
  }

  /**
   * No class-data dump runs or is about to: none has a temporary file left (it renames it when
   * done), and every class list has its archive, dumped after it (or a mark that the dump failed).
   */
  private static boolean settled() throws IOException {
    if (dumping() || names().stream().anyMatch(n -> n.endsWith(".tmp"))) {
      return false;
    }
    for (String name : names()) {
      if (name.endsWith(".classlist")) {
        Path list = CLASS_DATA.resolve(name);
        Path archive = CLASS_DATA.resolve(name.replace(".classlist", ".jsa"));
        boolean failed = Files.exists(CLASS_DATA.resolve(archive.getFileName() + ".failed"));
        if (!failed
            && (!Files.exists(archive)
                || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(list))
                    < 0)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether a class-data dump runs (the launcher's background JVM). */
  private static boolean dumping() throws IOException {
    try (var processes = ProcessHandle.allProcesses()) {
      return processes.anyMatch(
          p -> p.info().commandLine().map(c -> c.contains("-Xshare:dump")).orElse(false));
    }
  }

  /** The launcher's count of runs that added nothing to the inspect archive. */
  private static String learned() throws IOException {
    return Files.readString(
            CLASS_DATA.resolve(archiveName().replace(".jsa", ".learned")),
            java.nio.charset.StandardCharsets.UTF_8)
        .strip();
  }

  /** `fedimon inspect --format json SOURCE` in {@code dir}, into out.json and err.txt there. */
  private static ProcessBuilder inspectToFiles(Path dir, String source) {
    return new ProcessBuilder(LAUNCHER.toString(), "inspect", "--format", "json", source)
        .directory(dir.toFile())
        .redirectOutput(dir.resolve("out.json").toFile())
        .redirectError(dir.resolve("err.txt").toFile());
  }

  /** Removes the launcher's class-data archives, so the next run is a command's first. */
  private static void forgetClassData(Path dir) {
    // a dump an earlier test started would otherwise write its archive into the new folder
    await("earlier dumps").atMost(Duration.ofMinutes(2)).until(() -> settled());
    social.fedimon.engine.testing.Tools.sh(dir, "rm -rf " + CLASS_DATA);
  }

  /** Whether a process catches SIGTERM (bit 15 of SigCgt in its /proc status, Linux). */
  private static boolean catchesTerm(ProcessHandle process) throws IOException {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    if (!Files.exists(status)) {
      return false;
    }
    return Files.readAllLines(status).stream()
        .filter(line -> line.startsWith("SigCgt:"))
        .map(line -> new java.math.BigInteger(line.substring("SigCgt:".length()).strip(), 16))
        .anyMatch(mask -> mask.testBit(15 - 1));
  }

  private static final String INSPECT_ARCHIVE = "inspect-[0-9]+\\.jsa";

  /** The names of the files in the launcher's class-data folder; none when it does not exist. */
  private static List<String> names() throws IOException {
    if (!Files.isDirectory(CLASS_DATA)) {
      return List.of();
    }
    try (var listing = Files.list(CLASS_DATA)) {
      return listing.map(p -> p.getFileName().toString()).toList();
    }
  }

  private static boolean hasArchive() throws IOException {
    return names().stream().anyMatch(n -> n.matches(INSPECT_ARCHIVE));
  }

  private static boolean hasClassList() throws IOException {
    return names().stream().anyMatch(n -> n.contains(".classlist"));
  }

  private static String archiveName() throws IOException {
    return names().stream()
        .filter(n -> n.matches(INSPECT_ARCHIVE))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no class-data archive was written"));
  }

  @Test
  void aJvmWithoutClassSharingStillRunsTheCommand(@TempDir Path dir) throws Exception {
    social.fedimon.engine.testing.InstanceTree.create(dir);
    social.fedimon.engine.testing.Tools.sh(dir, "tar -cf b.tar live database.sql.xz");
    forgetClassData(dir);
    // asking such a JVM to write a class-data archive stops it before it starts
    ProcessBuilder builder = inspectToFiles(dir, "b.tar");
    builder.environment().put("FEDIMON_JAVA_OPTS", "-Xshare:off");
    Process process = builder.start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

    assertThat(process.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isEqualTo(0);
    assertThat(Files.readString(dir.resolve("out.json")).strip()).startsWith("{").endsWith("}");
  }

  @Test
  void serveAnswersOnItsPortAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path data = dir.resolve("var");
    Path log = dir.resolve("serve.log");
    Process serve =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--data-dir",
                data.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health");
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> get(http, health).contains("\"status\":\"UP\""));

      assertThat(get(http, URI.create("http://127.0.0.1:" + port + "/"))).contains("FédiMon");
      assertThat(Files.readString(log, StandardCharsets.UTF_8))
          .contains("is running")
          .contains("http://127.0.0.1:" + port + "/")
          .contains(data.toString());

      serve.destroy(); // SIGTERM, as Ctrl-C or systemd would stop it
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
      assertThat(serve.exitValue()).isIn(0, 143);
      assertThat(Files.readString(log)).contains("Stopping FédiMon");
      assertThat(
              ProcessHandle.allProcesses()
                  .filter(p -> p.info().commandLine().orElse("").contains(data.toString())))
          .as("no embedded database or S3Proxy left running")
          .isEmpty();
    } finally {
      serve.destroyForcibly();
    }
  }

  private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
