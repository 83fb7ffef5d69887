package social.fedimon.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import social.fedimon.engine.testing.Tools;

/** Debian's redis-server on a loopback port, with a password, keeping nothing on disk. */
public final class RedisServer implements AutoCloseable {

  private final Process process;
  private final int port;
  private final String password;
  private final Path log;

  private RedisServer(Process process, int port, String password, Path log) {
    this.process = process;
    this.port = port;
    this.password = password;
    this.log = log;
  }

  /** Starts one with {@code databases} databases. */
  public static RedisServer start(int databases, String password) {
    Tools.require("redis-server");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path log = Files.createTempFile("redis", ".log");
      Process process =
          new ProcessBuilder(
                  "redis-server",
                  "--bind",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--databases",
                  String.valueOf(databases),
                  "--requirepass",
                  password,
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  Files.createTempDirectory("redis").toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      RedisServer server = new RedisServer(process, port, password, log);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String address() {
    return "127.0.0.1:" + port;
  }

  /** A client on database {@code number}. */
  public Jedis client(int number) {
    Jedis jedis = new Jedis("127.0.0.1", port);
    jedis.auth(password);
    jedis.select(number);
    return jedis;
  }

  /** Until it answers a PING; it says why when it stopped instead. */
  private void awaitListening() {
    org.awaitility.Awaitility.await("redis-server on " + port)
        .atMost(java.time.Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(redis.clients.jedis.exceptions.JedisException.class)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "redis-server stopped at start: " + Files.readString(log));
              }
              try (Jedis jedis = client(0)) {
                return "PONG".equals(jedis.ping());
              }
            });
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
