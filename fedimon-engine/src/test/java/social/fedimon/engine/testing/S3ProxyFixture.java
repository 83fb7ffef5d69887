package social.fedimon.engine.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import social.fedimon.engine.media.S3ObjectStore;
import social.fedimon.engine.media.S3ProxyServer;
import social.fedimon.engine.media.S3Settings;

/**
 * One S3Proxy per test JVM, on a loopback port, with a fresh bucket per caller. The jar comes from
 * the build ({@code target/tools/s3proxy.jar}), named by the {@code fedimon.test.s3proxy.jar}
 * system property.
 */
public final class S3ProxyFixture {

  public static final String ACCESS_KEY = "test-access";
  public static final String SECRET_KEY = "test-secret-never-logged";

  private static S3ProxyServer server;

  private S3ProxyFixture() {}

  /** The running server, started on first use and stopped when the JVM exits. */
  public static synchronized S3ProxyServer server() {
    if (server == null || !server.isAlive()) {
      try {
        Path base = Files.createTempDirectory("fedimon-s3proxy-");
        server =
            S3ProxyServer.start(
                jar(), base.resolve("objects"), base.resolve("run"), 0, ACCESS_KEY, SECRET_KEY);
        S3ProxyServer started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return server;
  }

  /** The S3Proxy jar this build copied for tests. */
  public static Path jar() {
    String jar = System.getProperty("fedimon.test.s3proxy.jar");
    if (jar == null) {
      throw new IllegalStateException("run tests through Maven: fedimon.test.s3proxy.jar is unset");
    }
    return Path.of(jar);
  }

  /** Settings for a new, empty bucket on the shared server. */
  public static S3Settings newBucket() {
    String bucket = "test-" + UUID.randomUUID().toString().substring(0, 8);
    S3Settings settings = settings(server().endpoint(), bucket);
    try (S3ObjectStore store = S3ObjectStore.connect(settings)) {
      store.createBucketIfMissing();
    }
    return settings;
  }

  public static S3Settings settings(URI endpoint, String bucket) {
    return new S3Settings(
        endpoint, S3Settings.DEFAULT_REGION, bucket, "", ACCESS_KEY, SECRET_KEY, true, true);
  }
}
