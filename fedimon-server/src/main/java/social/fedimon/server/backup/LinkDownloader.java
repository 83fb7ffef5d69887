package social.fedimon.server.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Fetches an archive from a link an admin gave, under the SSRF rules: https only unless plain http
 * is allowed; every address the host resolves to checked ({@link AddressRules}) and the connection
 * made to a checked address (the client asks our resolver, which answers only checked ones: no
 * second lookup to rebind); each redirect checked again, five at most; no proxy; size and time
 * capped. A connection that drops is resumed with a Range request (If-Range on the ETag or
 * Last-Modified); a server that ignores it is read again from the start.
 */
public final class LinkDownloader {

  /** Redirects followed at most. */
  public static final int MAX_REDIRECTS = 5;

  /** Times a dropped download is resumed before it fails. */
  public static final int MAX_RESUMES = 10;

  /**
   * Where the bytes go: {@link #start()} gives a fresh stream (dropping what an earlier one got),
   * {@link #append()} the stream to go on with.
   */
  public interface Sink {
    OutputStream start() throws IOException;

    OutputStream append();
  }

  /** What was fetched. */
  public record Fetched(long bytes, String sha256, URI finalUrl) {}

  private final AddressRules rules;
  private final boolean allowHttp;
  private final long maxBytes;
  private final Duration timeout;
  private final @Nullable SSLContext ssl;

  public LinkDownloader(
      AddressRules rules,
      boolean allowHttp,
      long maxBytes,
      Duration timeout,
      @Nullable SSLContext ssl) {
    this.rules = rules;
    this.allowHttp = allowHttp;
    this.maxBytes = maxBytes;
    this.timeout = timeout;
    this.ssl = ssl;
  }

  /**
   * Checks a link before anything is fetched: scheme, host, and (when the host is an address) the
   * address itself.
   *
   * @throws LinkRefused saying why not
   */
  public URI check(String link) {
    URI uri;
    try {
      uri = new URI(link.strip());
    } catch (java.net.URISyntaxException e) {
      throw new LinkRefused("link-refused", "this is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
      throw new LinkRefused(
          "link-refused", "the link must start with https://" + (allowHttp ? " or http://" : ""));
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new LinkRefused("link-refused", "the link names no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new LinkRefused("link-refused", "the link must not carry a user name or password");
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      throw new LinkRefused("link-refused", "the link's port is not a port");
    }
    String host = uri.getHost();
    if (host.startsWith("[") || host.matches("[0-9.]+")) {
      // an address written out: judged now, without any lookup
      try {
        InetAddress literal =
            InetAddress.getByName(
                host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        String refusal = rules.refusal(literal);
        if (refusal != null) {
          throw new LinkRefused(
              "link-refused",
              "the link points to " + refusal + ": only public addresses are fetched");
        }
      } catch (UnknownHostException e) {
        throw new LinkRefused("link-refused", "the link's host is not an address: " + host);
      }
    }
    return uri;
  }

  /** Fetches {@code link} into {@code sink}, reporting bytes so far and, when known, the total. */
  public Fetched fetch(String link, Sink sink, LongConsumer progress, LongConsumer total)
      throws IOException {
    URI uri = check(link);
    Instant deadline = Instant.now().plus(timeout);
    MessageDigest sha = sha256();
    try (CloseableHttpClient client = client()) {
      long received = 0;
      String validator = null;
      int resumes = 0;
      int redirects = 0;
      OutputStream out = null;
      while (true) {
        if (Instant.now().isAfter(deadline)) {
          throw new LinkRefused(
              "link-refused", "the download took longer than " + timeout.toMinutes() + " minutes");
        }
        HttpGet get = new HttpGet(uri);
        get.setHeader("Accept-Encoding", "identity");
        get.setHeader("User-Agent", "FédiMon (backup download)");
        boolean resuming = received > 0;
        if (resuming) {
          get.setHeader("Range", "bytes=" + received + "-");
          if (validator != null) {
            get.setHeader("If-Range", validator);
          }
        }
        Attempt attempt;
        try {
          final long from = received;
          final OutputStream current = out;
          attempt =
              client.execute(
                  get,
                  response -> {
                    int status = response.getCode();
                    if (status >= 300 && status < 400 && status != 304) {
                      Header location = response.getFirstHeader("Location");
                      return new Attempt(
                          location == null ? null : location.getValue(), 0, null, null, status);
                    }
                    if (status != 200 && status != 206) {
                      return new Attempt(null, 0, null, null, status);
                    }
                    boolean partial = status == 206 && from > 0 && rangeStartsAt(response, from);
                    OutputStream target = partial && current != null ? current : null;
                    return read(response, target, partial ? from : 0, sha, sink, progress, total);
                  });
        } catch (UnknownHostException e) {
          if (e.getCause() instanceof LinkRefused refused) {
            throw refused;
          }
          throw new LinkRefused(
              "link-refused", "the link's host does not resolve: " + uri.getHost());
        } catch (LinkRefused e) {
          throw e;
        } catch (IOException e) {
          // the connection dropped: go on from what arrived
          if (++resumes > MAX_RESUMES || !(e instanceof Dropped dropped)) {
            if (e instanceof Dropped dropped2 && resumes > MAX_RESUMES) {
              dropped2.out.close();
            }
            throw new IOException("the download of the link failed: " + e.getMessage(), e);
          }
          received = dropped.received;
          validator = dropped.validator;
          out = dropped.out;
          continue;
        }
        if (attempt.redirect != null || (attempt.status >= 300 && attempt.status < 400)) {
          if (attempt.redirect == null || ++redirects > MAX_REDIRECTS) {
            throw new LinkRefused(
                "link-refused",
                attempt.redirect == null
                    ? "the link redirects without saying where"
                    : "the link redirects more than " + MAX_REDIRECTS + " times");
          }
          uri = check(uri.resolve(attempt.redirect).toString());
          received = 0;
          continue;
        }
        if (attempt.status != 200 && attempt.status != 206) {
          throw new LinkRefused(
              "link-refused",
              "the link answered HTTP " + attempt.status + " instead of the archive");
        }
        attempt.out.close();
        return new Fetched(attempt.bytes, HexFormat.of().formatHex(sha.digest()), uri);
      }
    }
  }

  /** One request's outcome. */
  private record Attempt(
      @Nullable String redirect,
      long bytes,
      @Nullable String validator,
      @Nullable OutputStream out,
      int status) {}

  /** The connection dropped after {@code received} bytes; resumable. */
  private static final class Dropped extends IOException {
    private static final long serialVersionUID = 1L;
    final transient OutputStream out;
    final long received;
    final @Nullable String validator;

    Dropped(IOException cause, OutputStream out, long received, @Nullable String validator) {
      super(cause.getMessage(), cause);
      this.out = out;
      this.received = received;
      this.validator = validator;
    }
  }

  private Attempt read(
      ClassicHttpResponse response,
      @Nullable OutputStream appendTo,
      long from,
      MessageDigest sha,
      Sink sink,
      LongConsumer progress,
      LongConsumer total)
      throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      throw new LinkRefused("link-refused", "the link answered with no content");
    }
    long length = entity.getContentLength();
    if (length >= 0) {
      if (from + length > maxBytes) {
        throw new LinkRefused(
            "size-limit", "the archive is over the " + maxBytes + " bytes this platform takes");
      }
      total.accept(from + length);
    }
    if (from == 0) {
      sha.reset();
    }
    OutputStream out = appendTo != null ? appendTo : sink.start();
    String validator = validator(response);
    long received = from;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = entity.getContent()) {
      int n;
      while (true) {
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          throw new Dropped(e, out, received, validator);
        }
        if (n < 0) {
          break;
        }
        received += n;
        if (received > maxBytes) {
          throw new LinkRefused(
              "size-limit", "the archive is over the " + maxBytes + " bytes this platform takes");
        }
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
        progress.accept(received);
        if (Thread.currentThread().isInterrupted()) {
          throw new java.io.InterruptedIOException("the download was stopped");
        }
      }
    }
    if (length >= 0 && received != from + length) {
      throw new Dropped(new IOException("the connection closed early"), out, received, validator);
    }
    return new Attempt(null, received, validator, out, response.getCode());
  }

  private static @Nullable String validator(ClassicHttpResponse response) {
    Header etag = response.getFirstHeader("ETag");
    if (etag != null && !etag.getValue().startsWith("W/")) {
      return etag.getValue();
    }
    Header modified = response.getFirstHeader("Last-Modified");
    return modified == null ? null : modified.getValue();
  }

  private static boolean rangeStartsAt(ClassicHttpResponse response, long from) {
    Header range = response.getFirstHeader("Content-Range");
    return range != null && range.getValue().strip().startsWith("bytes " + from + "-");
  }

  private CloseableHttpClient client() {
    DnsResolver resolver =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
            for (InetAddress address : addresses) {
              String refusal = rules.refusal(address);
              if (refusal != null) {
                UnknownHostException e = new UnknownHostException(host);
                e.initCause(
                    new LinkRefused(
                        "link-refused",
                        "the link's host "
                            + host
                            + " resolves to "
                            + refusal
                            + ": only public addresses are fetched"));
                throw e;
              }
            }
            return addresses;
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    PoolingHttpClientConnectionManagerBuilder connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(resolver)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofSeconds(30))
                    .setSocketTimeout(Timeout.ofSeconds(60))
                    .build());
    if (ssl != null) {
      connections.setTlsSocketStrategy(new DefaultClientTlsStrategy(ssl));
    }
    PoolingHttpClientConnectionManager manager = connections.build();
    return HttpClients.custom()
        .setConnectionManager(manager)
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableContentCompression()
        .disableCookieManagement()
        .setDefaultRequestConfig(
            RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(60)).build())
        .build();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
