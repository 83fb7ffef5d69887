package social.fedimon.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import social.fedimon.engine.testing.Tools;

/**
 * An https server on loopback that serves an archive as a web host would (Range requests, an ETag),
 * and misbehaves on demand: it can drop the connection half-way through the first download, and
 * redirect anywhere. Its certificate is made for the test by keytool; {@link #trustStore()} trusts
 * it.
 */
public final class LinkServer implements AutoCloseable {

  public static final String PASSWORD = "changeit";

  private final HttpsServer server;
  private final Path file;
  private final Path trustStore;
  private final SSLContext clientContext;

  /** Range headers received, in order ("" for none). */
  public final List<String> ranges = new CopyOnWriteArrayList<>();

  /** Full downloads to cut half-way before serving one whole. */
  public final AtomicInteger dropsLeft = new AtomicInteger();

  public LinkServer(Path file, Path dir) {
    try {
      this.file = file;
      Path keys = dir.resolve("server.p12");
      trustStore = dir.resolve("trust.p12");
      Files.deleteIfExists(keys);
      Files.deleteIfExists(trustStore);
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Tools.sh(
          dir,
          keytool
              + " -genkeypair -keyalg EC -alias link -dname CN=localhost -validity 2"
              + " -ext san=ip:127.0.0.1,dns:localhost -storetype PKCS12 -keystore server.p12"
              + " -storepass "
              + PASSWORD
              + " && "
              + keytool
              + " -exportcert -alias link -keystore server.p12 -storepass "
              + PASSWORD
              + " -file link.crt && "
              + keytool
              + " -importcert -noprompt -alias link -file link.crt -storetype PKCS12"
              + " -keystore trust.p12 -storepass "
              + PASSWORD);
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keys)) {
        store.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(store, PASSWORD.toCharArray());
      SSLContext serverContext = SSLContext.getInstance("TLS");
      serverContext.init(km.getKeyManagers(), null, null);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(trustStore)) {
        trust.load(in, PASSWORD.toCharArray());
      }
      TrustManagerFactory tm =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tm.init(trust);
      clientContext = SSLContext.getInstance("TLS");
      clientContext.init(null, tm.getTrustManagers(), null);

      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.createContext("/archive", this::archive);
      server.createContext(
          "/redirect",
          exchange -> {
            String to = exchange.getRequestURI().getRawQuery().substring("to=".length());
            exchange.getResponseHeaders().add("Location", java.net.URLDecoder.decode(to, "UTF-8"));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
          });
      server.createContext(
          "/loop",
          exchange -> {
            exchange.getResponseHeaders().add("Location", "/loop");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
          });
      server.createContext(
          "/missing",
          exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
          });
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void archive(HttpExchange exchange) throws IOException {
    long size = Files.size(file);
    String range = exchange.getRequestHeaders().getFirst("Range");
    ranges.add(range == null ? "" : range);
    exchange.getResponseHeaders().add("ETag", "\"v1\"");
    exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
    long from = 0;
    if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
      from = Long.parseLong(range.substring(6, range.length() - 1));
      exchange
          .getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
      exchange.sendResponseHeaders(206, size - from);
    } else {
      exchange.sendResponseHeaders(200, size);
    }
    boolean drop = from == 0 && dropsLeft.getAndDecrement() > 0;
    OutputStream out = exchange.getResponseBody();
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(from);
      if (drop) {
        out.write(in.readNBytes((int) (size / 2)));
        out.flush();
        // the connection goes down: the server closes it when a handler throws
        throw new IllegalStateException("dropped on purpose");
      }
      in.transferTo(out);
      out.close();
    } catch (IOException e) {
      exchange.close();
    }
  }

  /** The URL of {@code path} on this server. */
  public String url(String path) {
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public String localhostUrl(String path) {
    return "https://localhost:" + server.getAddress().getPort() + path;
  }

  public Path trustStore() {
    return trustStore;
  }

  public SSLContext clientContext() {
    return clientContext;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static {
    if (!Files.isDirectory(Path.of(System.getProperty("java.home"), "bin"))) {
      throw new UncheckedIOException(new IOException("no JDK bin folder for keytool"));
    }
  }
}
