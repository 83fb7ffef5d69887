package social.fedimon.engine.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code pg_dump} this machine has: found on PATH (or given), its version read, and run with
 * the password in its environment, never on its command line.
 */
public final class PgDump {

  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

  private final Path binary;
  private final String version;
  private final int major;

  private PgDump(Path binary, String version, int major) {
    this.binary = binary;
    this.version = version;
    this.major = major;
  }

  /**
   * The pg_dump at {@code configured}, or the first on PATH.
   *
   * @throws ExportFailed when there is none, or it does not say its version
   */
  public static PgDump find(@Nullable Path configured, Map<String, String> environment) {
    Path binary = configured;
    if (binary == null) {
      for (String dir : environment.getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, "pg_dump");
        if (Files.isExecutable(candidate)) {
          binary = candidate;
          break;
        }
      }
    }
    if (binary == null || !Files.isExecutable(binary)) {
      throw new ExportFailed(
          "no pg_dump found"
              + (configured == null ? " on PATH" : " at " + configured)
              + ": install PostgreSQL's client tools (Debian: postgresql-client)");
    }
    String out = run(List.of(binary.toString(), "--version"));
    Matcher matcher = VERSION.matcher(out);
    if (!matcher.find()) {
      throw new ExportFailed(
          binary + " --version does not say a PostgreSQL version: " + out.strip());
    }
    String version = matcher.group(1) + (matcher.group(2) == null ? "" : "." + matcher.group(2));
    return new PgDump(binary, version, Integer.parseInt(matcher.group(1)));
  }

  public String version() {
    return version;
  }

  public int major() {
    return major;
  }

  /**
   * Checks that this pg_dump can dump a server of {@code serverVersionNum} ({@code SHOW
   * server_version_num}): pg_dump refuses servers of a newer major than its own.
   */
  public void checkCanDump(int serverVersionNum, String serverVersion) {
    int serverMajor = serverVersionNum / 10000;
    if (serverMajor > major) {
      throw new ExportFailed(
          "pg_dump "
              + version
              + " ("
              + binary
              + ") is older than the database server, PostgreSQL "
              + serverVersion
              + ": it cannot dump it; install pg_dump "
              + serverMajor
              + " or newer, or configure its path");
    }
  }

  /**
   * Dumps a database in the custom format, uncompressed (the archive compresses), without owners or
   * grants (they name roles of this platform), its bytes handed to {@code sink} as pg_dump writes
   * them (to a pipe: its table of contents then carries no data offsets, which only parallel
   * pg_restore wants).
   *
   * @return the bytes pg_dump wrote
   */
  public long dumpInto(
      String host,
      int port,
      String database,
      String user,
      @Nullable String password,
      java.io.OutputStream sink)
      throws IOException {
    return dumpInto(host, port, database, user, password, null, sink);
  }

  /**
   * The same, in the snapshot {@code snapshot} exported by another session ({@code
   * pg_export_snapshot()}, whose transaction stays open until this returns): the dump sees exactly
   * what that session sees.
   */
  public long dumpInto(
      String host,
      int port,
      String database,
      String user,
      @Nullable String password,
      @Nullable String snapshot,
      java.io.OutputStream sink)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--format=custom",
            "--compress=0",
            "--no-owner",
            "--no-privileges",
            "--host=" + host,
            "--port=" + port,
            "--username=" + user,
            "--dbname=" + database));
    if (snapshot != null) {
      command.add("--snapshot=" + snapshot);
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("PGPASSWORD");
    if (password != null) {
      builder.environment().put("PGPASSWORD", password);
    }
    builder.environment().put("PGCONNECT_TIMEOUT", "30");
    java.io.File errors = java.io.File.createTempFile("pg_dump", ".err");
    builder.redirectError(errors);
    Process process = builder.start();
    long bytes;
    try (InputStream in = process.getInputStream()) {
      bytes = in.transferTo(sink);
    } catch (IOException e) {
      process.destroyForcibly();
      throw e;
    }
    try {
      int exit = process.waitFor();
      String output =
          new String(java.nio.file.Files.readAllBytes(errors.toPath()), StandardCharsets.UTF_8);
      if (exit != 0) {
        throw new ExportFailed(
            "pg_dump failed (exit "
                + exit
                + "): "
                + (output.length() > 4000 ? output.substring(0, 4000) : output).strip());
      }
      return bytes;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ExportFailed("the dump was interrupted");
    } finally {
      java.nio.file.Files.deleteIfExists(errors.toPath());
    }
  }

  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out;
      try (InputStream in = process.getInputStream()) {
        out = new String(in.readNBytes(8192), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new ExportFailed(command.get(0) + " did not answer");
      }
      return out;
    } catch (IOException e) {
      throw new ExportFailed("could not run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExportFailed("interrupted");
    }
  }

  static Optional<Path> onPath(Map<String, String> environment) {
    try {
      return Optional.of(find(null, environment).binary);
    } catch (ExportFailed e) {
      return Optional.empty();
    }
  }
}
