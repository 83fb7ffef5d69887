package social.fedimon.engine.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3Proxy on a filesystem backend, run as a child process on a loopback port: a real S3 API for the
 * embedded default and for tests, with its Jetty and jclouds kept off our classpath.
 */
public final class S3ProxyServer implements AutoCloseable {

  /** A cold JVM plus jclouds takes a few seconds here; a minute means something is wrong. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** S3Proxy streams bodies; its heap holds only metadata and buffers. */
  private static final String CHILD_HEAP = "-Xmx384m";

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(S3ProxyServer.class);

  private final Process process;
  private final URI endpoint;
  private final Path pidFile;

  private S3ProxyServer(Process process, URI endpoint, Path pidFile) {
    this.process = process;
    this.endpoint = endpoint;
    this.pidFile = pidFile;
  }

  /**
   * Starts S3Proxy and waits until it answers.
   *
   * @param jar S3Proxy's {@code jar-with-dependencies}
   * @param objects the folder holding the buckets (one sub-folder per bucket)
   * @param workDir where its properties, log and pid file go
   * @param port the loopback port, or 0 for any free one
   * @param accessKey the identity clients sign with
   * @param secretKey the credential clients sign with
   */
  public static S3ProxyServer start(
      Path jar, Path objects, Path workDir, int port, String accessKey, String secretKey) {
    try {
      Files.createDirectories(objects);
      Files.createDirectories(workDir);
      Path pidFile = workDir.resolve("s3proxy.pid");
      stopLeftover(pidFile);
      int chosenPort = port == 0 ? freePort() : port;
      URI endpoint = URI.create("http://127.0.0.1:" + chosenPort);
      Path properties = writeProperties(workDir, objects, endpoint, accessKey, secretKey);
      Path logFile = workDir.resolve("s3proxy.log");
      String java = ProcessHandle.current().info().command().orElse("java");
      Process process =
          new ProcessBuilder(
                  List.of(
                      java,
                      CHILD_HEAP,
                      "-jar",
                      jar.toString(),
                      "--properties",
                      properties.toString()))
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      Files.writeString(pidFile, Long.toString(process.pid()));
      S3ProxyServer server = new S3ProxyServer(process, endpoint, pidFile);
      server.awaitReady(chosenPort, logFile);
      log.debug("S3Proxy {} answers at {}", process.pid(), endpoint);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start S3Proxy", e);
    }
  }

  /** The URL clients send S3 requests to. */
  public URI endpoint() {
    return endpoint;
  }

  /** Whether the child process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", pidFile, e.getMessage());
    }
  }

  private static Path writeProperties(
      Path workDir, Path objects, URI endpoint, String accessKey, String secretKey)
      throws IOException {
    Path properties = workDir.resolve("s3proxy.properties");
    Files.deleteIfExists(properties);
    Files.createFile(
        properties,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    String text =
        String.join(
            "\n",
            "s3proxy.endpoint=" + endpoint,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + accessKey,
            "s3proxy.credential=" + secretKey,
            "jclouds.provider=filesystem",
            "jclouds.identity=" + accessKey,
            "jclouds.credential=" + secretKey,
            "jclouds.filesystem.basedir=" + objects.toAbsolutePath(),
            "");
    Files.writeString(properties, text, StandardCharsets.UTF_8);
    return properties;
  }

  /** A previous run that was killed with -9 leaves its child behind: stop it first. */
  private static void stopLeftover(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String text = Files.readString(pidFile).trim();
    Files.delete(pidFile);
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> leftover = ProcessHandle.of(pid);
    leftover
        .filter(p -> p.info().commandLine().map(c -> c.contains("s3proxy")).orElse(false))
        .ifPresent(
            p -> {
              log.info("stopping S3Proxy {} left over from an earlier run", pid);
              p.destroy();
              p.onExit().orTimeout(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
            });
  }

  private void awaitReady(int port, Path logFile) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "S3Proxy exited with status " + process.exitValue() + ": " + tail(logFile));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          close();
          throw new IOException("interrupted while S3Proxy started", e);
        }
      }
    }
    close();
    throw new IOException(
        "S3Proxy did not answer within " + START_TIMEOUT.toSeconds() + " s: " + tail(logFile));
  }

  private static String tail(Path logFile) throws IOException {
    if (!Files.exists(logFile)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
