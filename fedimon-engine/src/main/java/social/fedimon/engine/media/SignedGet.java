package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * One GET of an object, signed with the SDK's SigV4 signer and sent with the JDK's HTTP client,
 * without an S3 client. Building the SDK's first client costs a short command half a second of CPU
 * (the metadata of every AWS service and region is instantiated, the request pipeline set up); a
 * sync where nothing changed needs nothing from the target but its sync record.
 *
 * <p>Only for a configured endpoint and keys given in the settings (the SDK's credential chain and
 * AWS's own endpoint rules stay with the SDK).
 */
final class SignedGet {

  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int READ_TIMEOUT_MILLIS = 60_000;

  private SignedGet() {}

  /**
   * Signs a made-up request and prepares (never sends) its connection: the first signature costs a
   * short command ~0.3 s of class loading and set-up (the security providers, the JCE's search of
   * the class path for URL handlers, the SDK signer's pipeline, its logging, date formats), which a
   * thread can spend while the command line is parsed.
   */
  static void rehearse() {
    try {
      // the longest part first: the JCE's first use (providers, the class path's URL handlers)
      javax.crypto.Mac.getInstance("HmacSHA256");
    } catch (java.security.GeneralSecurityException e) {
      return; // no HMAC: the real request reports it
    }
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
      SignedRequest signed = sign(made, requestFor(made, "rehearsal"));
      connect(signed.request()).disconnect();
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
   * Opens the object at {@code fullKey} (the bucket's key, prefix included).
   *
   * @throws ObjectStoreException.NotFound when the store answers 404
   * @throws ObjectStoreException for any other answer or a failed connection
   */
  static InputStream open(S3Settings settings, String fullKey) {
    if (!possible(settings)) {
      throw new IllegalStateException("a signed GET needs an endpoint and keys");
    }
    SdkHttpRequest request = requestFor(settings, fullKey);
    String what = "read " + fullKey;
    IOException last = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      SignedRequest signed = sign(settings, request);
      HttpURLConnection connection = null;
      try {
        connection = connect(signed.request());
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

  private static SdkHttpRequest requestFor(S3Settings settings, String fullKey) {
    URI endpoint = settings.endpoint();
    if (endpoint == null) {
      throw new IllegalStateException("a signed GET needs an endpoint");
    }
    String basePath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
    String host = endpoint.getHost();
    String path;
    if (settings.pathStyle()) {
      path =
          basePath + "/" + settings.bucket() + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(fullKey);
    } else {
      host = settings.bucket() + "." + host;
      path = basePath + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(fullKey);
    }
    return SdkHttpRequest.builder()
        .method(SdkHttpMethod.GET)
        .protocol(endpoint.getScheme())
        .host(host)
        .port(endpoint.getPort() == -1 ? null : endpoint.getPort())
        .encodedPath(path)
        .build();
  }

  private static SignedRequest sign(S3Settings settings, SdkHttpRequest request) {
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(
                        AwsCredentialsIdentity.create(settings.accessKey(), settings.secretKey()))
                    .request(request)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, settings.region())
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false));
  }

  private static HttpURLConnection connect(SdkHttpRequest signed) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) signed.getUri().toURL().openConnection(java.net.Proxy.NO_PROXY);
    connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    connection.setReadTimeout(READ_TIMEOUT_MILLIS);
    connection.setInstanceFollowRedirects(false);
    connection.setUseCaches(false);
    for (Map.Entry<String, List<String>> header : signed.headers().entrySet()) {
      // the JDK writes Host itself, from the same host and port the signer used
      if (!header.getKey().equalsIgnoreCase("Host")) {
        connection.setRequestProperty(header.getKey(), String.join(",", header.getValue()));
      }
    }
    return connection;
  }

  private static void drain(HttpURLConnection connection) {
    try (InputStream error = connection.getErrorStream()) {
      if (error != null) {
        error.readNBytes(64 * 1024);
      }
    } catch (IOException e) {
      // the status is what is reported
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
