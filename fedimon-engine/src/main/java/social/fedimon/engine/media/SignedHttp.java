package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Requests sent with the JDK's HTTP client and signed by {@link SigV4}, without an S3 client: a GET
 * of one object, and a single-request PUT.
 *
 * <p>Building the SDK's first client costs a short command half a second of CPU (the metadata of
 * every AWS service and region is instantiated, the request pipeline set up); a sync where nothing
 * changed needs nothing from the target but its sync record. And each request through the SDK's
 * pipeline (endpoint rules, interceptors, header maps, its retry machinery, its signer) cost ~1.6
 * ms of CPU: for 3000 media files, 4.9 s of a restore's two cores, as much as the bytes themselves.
 * A PUT here costs a signature and the socket.
 *
 * <p>Only for a configured endpoint and keys given in the settings (the SDK's credential chain and
 * AWS's own endpoint rules stay with the SDK); a PUT only where the payload may go unsigned (https,
 * or plain http to loopback as {@link LoopbackSigning} explains). Multipart uploads, listings and
 * the rest stay with the SDK. Safe for use by several threads.
 *
 * <p>It leaves the JVM as it found it: the time comes from the given clock, proxies from the JVM's
 * own settings ({@code http.proxyHost}, {@code http.nonProxyHosts}...), and it sets no system
 * property. Its connections are kept by the JDK's connection cache, which is the JVM's: at most
 * {@code http.maxConnections} idle ones per server (5 unless the owner of the JVM says otherwise),
 * so it is used by commands, whose JVM is theirs (the CLI raises that number), and not by the
 * server, where the SDK's own pool serves (see {@link S3ObjectStore.Requests}).
 */
final class SignedHttp {

  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int READ_TIMEOUT_MILLIS = 60_000;

  /** Tries of one PUT: the SDK's standard retry policy makes three too. */
  static final int PUT_ATTEMPTS = 3;

  private static final String USER_AGENT =
      "fedimon/" + social.fedimon.engine.FedimonVersion.current();

  /** An S3 error document is a few hundred bytes: a longer answer is not read as one. */
  static final int MAX_ERROR_BYTES = 64 * 1024;

  private final S3Settings settings;
  private final java.time.Clock clock;
  private final SigV4 signer;
  // decided once: canPut parses the endpoint's address, which every upload would repeat
  private final boolean puts;

  /**
   * @throws IllegalArgumentException unless {@link #possible} says so
   */
  SignedHttp(S3Settings settings, java.time.Clock clock) {
    if (!possible(settings)) {
      throw new IllegalArgumentException("signed requests need an endpoint and keys");
    }
    this.settings = settings;
    this.clock = clock;
    this.puts = canPut(settings);
    this.signer =
        new SigV4(
            java.util.Objects.requireNonNull(settings.accessKey()),
            java.util.Objects.requireNonNull(settings.secretKey()),
            settings.region(),
            "s3");
  }

  /**
   * Signs a made-up request and prepares (never sends) its connection: the first signature costs a
   * short command a tenth of a second of class loading and set-up (the security providers, the
   * JCE's search of the class path for URL handlers, the JDK's HTTP client), which a thread can
   * spend while the command line is parsed.
   */
  static void rehearse() {
    S3Settings made =
        new S3Settings(
            URI.create("http://127.0.0.1:9"),
            S3Settings.DEFAULT_REGION,
            "rehearsal",
            "",
            "rehearsal",
            "rehearsal",
            true,
            true);
    try {
      SignedHttp http = new SignedHttp(made, java.time.Clock.systemUTC());
      http.connect("GET", "rehearsal", Map.of(), SigV4.EMPTY_PAYLOAD).disconnect();
    } catch (IOException | RuntimeException e) {
      // only a rehearsal: the real request reports any problem
    }
  }

  /** Whether {@code settings} allow it: an endpoint and both keys. */
  static boolean possible(S3Settings settings) {
    return settings.endpoint() != null
        && settings.accessKey() != null
        && settings.secretKey() != null
        && settings.endpoint().getHost() != null
        && ("http".equals(settings.endpoint().getScheme())
            || "https".equals(settings.endpoint().getScheme()));
  }

  /**
   * Whether a PUT may be sent here: as {@link #possible}, and the payload may go unsigned (https,
   * or http to loopback unless {@code -Dfedimon.s3.signPayload=true} asks for signed payloads).
   */
  static boolean canPut(S3Settings settings) {
    if (!possible(settings)) {
      return false;
    }
    URI endpoint = settings.endpoint();
    return "https".equals(endpoint.getScheme())
        || (LoopbackSigning.applies(endpoint) && !Boolean.getBoolean("fedimon.s3.signPayload"));
  }

  /** Whether {@link #put} may be used with these settings ({@link #canPut}, decided once). */
  boolean puts() {
    return puts;
  }

  /**
   * Opens the object at {@code fullKey} (the bucket's key, prefix included).
   *
   * @throws ObjectStoreException.NotFound when the store answers 404
   * @throws ObjectStoreException for any other answer or a failed connection
   */
  InputStream open(String fullKey) {
    String what = "read " + fullKey;
    IOException last = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      HttpURLConnection connection = null;
      try {
        connection = connect("GET", fullKey, Map.of(), SigV4.EMPTY_PAYLOAD);
        int status = connection.getResponseCode();
        if (status == 200) {
          return connection.getInputStream();
        }
        drain(connection);
        if (status == 404) {
          throw new ObjectStoreException.NotFound(settings.location(), fullKey);
        }
        if (status < 500 || attempt == 2) {
          throw new ObjectStoreException(
              settings.location(), "could not " + what + ": the store answered HTTP " + status);
        }
      } catch (IOException e) {
        last = e;
        if (connection != null) {
          connection.disconnect();
        }
      }
    }
    throw new ObjectStoreException(
        settings.location(), "could not " + what + ": " + describe(last), last);
  }

  /**
   * Stores exactly {@code length} bytes of {@code content} at {@code fullKey} in one request, with
   * the payload unsigned and, when given, its {@code Content-MD5} (the store refuses bytes that
   * arrived otherwise). A store's 5xx or 429 answer and a failed connection are tried again (with
   * the content read again from its mark, where it has one), up to {@value #PUT_ATTEMPTS} tries.
   *
   * @param metadata user metadata, sent as {@code x-amz-meta-} headers (ASCII names and values)
   * @throws ObjectStoreException when the store refuses or cannot be reached
   */
  void put(
      String fullKey,
      InputStream content,
      long length,
      String contentType,
      Map<String, String> metadata,
      @Nullable String contentMd5) {
    if (!puts) {
      throw new IllegalStateException("a PUT here would need a signed payload");
    }
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", contentType);
    if (contentMd5 != null) {
      headers.put("Content-MD5", contentMd5);
    }
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      headers.put("x-amz-meta-" + entry.getKey(), entry.getValue());
    }
    boolean again = content.markSupported();
    if (again) {
      content.mark((int) Math.min(Integer.MAX_VALUE, length + 1));
    }
    String what = "store " + fullKey;
    String failure = "no answer";
    Exception cause = null;
    for (int attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
      if (attempt > 1) {
        pause(attempt);
        try {
          content.reset();
        } catch (IOException e) {
          break; // not to be read again: the last failure stands
        }
      }
      HttpURLConnection connection = null;
      try {
        connection = connect("PUT", fullKey, headers, SigV4.UNSIGNED_PAYLOAD);
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(length);
        try (java.io.OutputStream out = connection.getOutputStream()) {
          copy(content, out, length, fullKey);
        }
        int status = connection.getResponseCode();
        if (status / 100 == 2) {
          finish(connection, connection.getInputStream());
          return;
        }
        String code = errorCode(connection);
        failure = "the store answered HTTP " + status + (code == null ? "" : " (" + code + ")");
        cause = null;
        if (status < 500 && status != 429) {
          break;
        }
      } catch (ShortContent e) {
        throw new ObjectStoreException(settings.location(), "could not " + what + ": " + e, e);
      } catch (IOException e) {
        failure = describe(e);
        cause = e;
        if (connection != null) {
          connection.disconnect();
        }
      }
      if (!again) {
        break;
      }
    }
    throw new ObjectStoreException(
        settings.location(), "could not " + what + ": " + failure, cause);
  }

  /** The content gave fewer bytes than the length the request declared: not worth a retry. */
  private static final class ShortContent extends IOException {
    private static final long serialVersionUID = 1L;

    ShortContent(String key, long sent, long length) {
      super(key + " gave " + sent + " of its " + length + " bytes");
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  private static void copy(InputStream content, java.io.OutputStream out, long length, String key)
      throws IOException {
    byte[] buffer = new byte[(int) Math.min(64 * 1024, Math.max(1, length))];
    long sent = 0;
    while (sent < length) {
      int n = content.read(buffer, 0, (int) Math.min(buffer.length, length - sent));
      if (n < 0) {
        throw new ShortContent(key, sent, length);
      }
      out.write(buffer, 0, n);
      sent += n;
    }
  }

  /** Waits a little longer before each new try, with jitter (as the SDK's standard policy). */
  private static void pause(int attempt) {
    long base = 100L << (attempt - 2);
    try {
      Thread.sleep(base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The {@code <Code>} of an S3 error answer, when it has one. */
  private static @Nullable String errorCode(HttpURLConnection connection) {
    InputStream error = connection.getErrorStream();
    if (error == null) {
      return null;
    }
    try {
      return errorCode(finish(connection, error));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The {@code <Code>} of an S3 error document (at most {@value #MAX_ERROR_BYTES} bytes of it),
   * read as XML with document types and external entities refused; null when it is not one.
   */
  static @Nullable String errorCode(byte[] document) {
    if (document.length == 0 || document.length >= MAX_ERROR_BYTES) {
      return null;
    }
    try {
      javax.xml.parsers.DocumentBuilderFactory factory =
          javax.xml.parsers.DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      factory.setAttribute(javax.xml.XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(javax.xml.XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      javax.xml.parsers.DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      org.w3c.dom.Element root =
          builder.parse(new java.io.ByteArrayInputStream(document)).getDocumentElement();
      if (!"Error".equals(root.getTagName())) {
        return null;
      }
      org.w3c.dom.NodeList codes = root.getElementsByTagName("Code");
      if (codes.getLength() == 0) {
        return null;
      }
      String code = codes.item(0).getTextContent().strip();
      // a code is a short identifier (NoSuchKey, SlowDown): anything else is not repeated
      return code.matches("[A-Za-z0-9.]{1,64}") ? code : null;
    } catch (javax.xml.parsers.ParserConfigurationException
        | org.xml.sax.SAXException
        | IOException e) {
      return null;
    }
  }

  /**
   * Reads a short answer to its end, so its connection can carry the next request, and returns it
   * (a PUT's answer has no body, an S3 error a few hundred bytes); an answer longer than 64 KiB has
   * its connection closed instead. Closing the stream is not enough: the JDK's chunked stream skips
   * on as long as bytes keep coming.
   */
  private static byte[] finish(HttpURLConnection connection, InputStream in) throws IOException {
    byte[] read = in.readNBytes(MAX_ERROR_BYTES);
    if (in.read() < 0) {
      in.close();
    } else {
      connection.disconnect();
    }
    return read;
  }

  /**
   * A connection for {@code method} on the object at {@code fullKey}, its headers signed: not
   * connected yet (the JDK connects when the body is written or the answer asked for).
   */
  private HttpURLConnection connect(
      String method, String fullKey, Map<String, String> headers, String payloadHash)
      throws IOException {
    URI endpoint = java.util.Objects.requireNonNull(settings.endpoint());
    String basePath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    String host = endpoint.getHost();
    String path = SigV4.encodePath(fullKey);
    if (settings.pathStyle()) {
      path = basePath + "/" + settings.bucket() + "/" + path;
    } else {
      host = settings.bucket() + "." + host;
      path = basePath + "/" + path;
    }
    URL url = new URL(endpoint.getScheme(), host, endpoint.getPort(), path);
    // the Host header as the JDK writes it: the port only when not the scheme's default
    String hostHeader =
        url.getPort() == -1 || url.getPort() == url.getDefaultPort()
            ? host
            : host + ":" + url.getPort();
    Map<String, String> signature =
        signer.sign(method, hostHeader, path, headers, payloadHash, clock.instant());
    // the JVM's proxy settings apply (their defaults keep loopback direct)
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    connection.setReadTimeout(READ_TIMEOUT_MILLIS);
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    connection.setRequestProperty("User-Agent", USER_AGENT);
    headers.forEach(connection::setRequestProperty);
    signature.forEach(connection::setRequestProperty);
    return connection;
  }

  private static void drain(HttpURLConnection connection) {
    InputStream error = connection.getErrorStream();
    try {
      if (error != null) {
        finish(connection, error);
      }
    } catch (IOException e) {
      connection.disconnect(); // the status is what is reported
    }
  }

  private static String describe(@Nullable IOException e) {
    if (e == null) {
      return "no answer";
    }
    // names the host and the failure, never a header (the signature is not a secret, but keep
    // requests out of messages anyway)
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
