package social.fedimon.server.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import social.fedimon.engine.media.S3ProxyServer;
import social.fedimon.engine.media.S3Settings;

/**
 * The embedded object store: S3Proxy, shipped inside the server's jar, run as a child process on a
 * loopback port with its buckets as folders under {@code var/objects}. The server talks to it
 * through the AWS SDK exactly as it would to a real store.
 */
public final class EmbeddedObjectStorage implements AutoCloseable {

  private static final String JAR_RESOURCE = "s3proxy.jar";

  private final S3ProxyServer server;
  private final Path objects;
  private final String accessKey;
  private final String secretKey;

  private EmbeddedObjectStorage(
      S3ProxyServer server, Path objects, String accessKey, String secretKey) {
    this.server = server;
    this.objects = objects;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts S3Proxy on {@code dataDirectory/objects}, with credentials fresh for this run. */
  public static EmbeddedObjectStorage start(DataDirectory dataDirectory) {
    Path objects = dataDirectory.folder("objects");
    Path jar = extractJar(dataDirectory.folder("lib"));
    String accessKey = "fedimon";
    String secretKey = randomHex(24);
    S3ProxyServer server =
        S3ProxyServer.start(jar, objects, dataDirectory.folder("run"), 0, accessKey, secretKey);
    return new EmbeddedObjectStorage(server, objects, accessKey, secretKey);
  }

  /** Settings for a client of this store; the bucket is created by the caller. */
  public S3Settings settings(String bucket) {
    return new S3Settings(
        server.endpoint(),
        S3Settings.DEFAULT_REGION,
        bucket,
        "",
        accessKey,
        secretKey,
        true,
        // S3Proxy 2.6 rejects the SDK's default payload checksums
        true);
  }

  public S3ProxyServer server() {
    return server;
  }

  public Path objects() {
    return objects;
  }

  @Override
  public void close() {
    server.close();
  }

  private static Path extractJar(Path lib) {
    try (InputStream in = EmbeddedObjectStorage.class.getResourceAsStream(JAR_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "this build has no embedded S3Proxy; set FEDIMON_S3_ENDPOINT to use an external store");
      }
      Path jar = lib.resolve("s3proxy.jar");
      Path temp = Files.createTempFile(lib, "s3proxy", ".jar.tmp");
      Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack the embedded S3Proxy into " + lib, e);
    }
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
