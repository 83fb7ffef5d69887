package social.fedimon.engine.media;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** An {@link ObjectStore} on any S3-compatible service, through the AWS SDK for Java v2. */
public final class S3ObjectStore implements ObjectStore {

  private final S3Settings settings;
  // built on a thread of its own when prepare() or the first request asks for it: the SDK's first
  // client takes half a second of class loading and set-up, which a command spends on other work
  // meanwhile, and which a sync with nothing to send (it reads one object, openAlone) never spends
  private java.util.concurrent.@org.jspecify.annotations.Nullable CompletableFuture<S3Client>
      building;

  // requests sent without the SDK where the settings allow (SignedHttp says when and why)
  private final @org.jspecify.annotations.Nullable SignedHttp direct;

  /** Which client sends a store's requests. */
  public enum Requests {
    /** Every request through the AWS SDK and its own connection pool: for a server. */
    SDK,
    /**
     * Single-object GETs and PUTs through {@link SignedHttp} where the settings allow (a tenth of
     * the SDK's CPU a request, and no half-second client start for a command that needs only its
     * sync record), the rest through the SDK. Its connections live in the JDK's cache, which is the
     * JVM's: for a command, whose JVM is its own.
     */
    LEAN
  }

  private S3ObjectStore(S3Settings settings, Requests requests, java.time.Clock clock) {
    this.settings = settings;
    this.direct =
        requests == Requests.LEAN && SignedHttp.possible(settings)
            ? new SignedHttp(settings, clock)
            : null;
  }

  /**
   * The store described by {@code settings}, every request through the SDK; no request is sent and
   * no client built yet ({@link #prepare()} starts that; a bad setting surfaces at the first
   * request).
   */
  public static S3ObjectStore connect(S3Settings settings) {
    return new S3ObjectStore(settings, Requests.SDK, java.time.Clock.systemUTC());
  }

  /** As {@link #connect(S3Settings)}, the requests sent as {@code requests} says. */
  public static S3ObjectStore connect(
      S3Settings settings, Requests requests, java.time.Clock clock) {
    return new S3ObjectStore(settings, requests, clock);
  }

  @Override
  public void prepare() {
    started();
  }

  private synchronized java.util.concurrent.CompletableFuture<S3Client> started() {
    if (building == null) {
      java.util.concurrent.CompletableFuture<S3Client> future =
          new java.util.concurrent.CompletableFuture<>();
      Thread builder =
          new Thread(
              () -> {
                try {
                  future.complete(buildClient(settings));
                } catch (RuntimeException | Error e) {
                  future.completeExceptionally(e);
                }
              },
              "fedimon-s3-client");
      builder.setDaemon(true);
      builder.start();
      building = future;
    }
    return building;
  }

  /** Whether a client was asked for (by {@link #prepare()} or a request) so far. */
  synchronized boolean clientStarted() {
    return building != null;
  }

  private S3Client client() {
    return Futures.join(started());
  }

  /**
   * Starts loading, on a thread of its own, what the first signed request of this run will need
   * (the JCE's HMAC, the SDK's SigV4 signer, the JDK's HTTP client); nothing is sent. For a command
   * that will talk to a store, as early as it can.
   */
  public static void warmUp() {
    Thread thread = new Thread(SignedHttp::rehearse, "fedimon-s3-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /** Builds an S3 client for {@code settings}; the caller closes it. */
  public static S3Client buildClient(S3Settings settings) {
    ApacheHttpClient.Builder http = ApacheHttpClient.builder();
    if (settings.endpoint() != null && "http".equals(settings.endpoint().getScheme())) {
      // nothing will be sent over TLS: no TLS context (the trust store's ~140 certificates, the
      // public suffix list: a tenth of a second of a short command's start)
      http.socketFactory(new NoTls());
    }
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(http)
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials(settings))
            .forcePathStyle(settings.pathStyle());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
      if (LoopbackSigning.applies(settings.endpoint())
          && !Boolean.getBoolean("fedimon.s3.signPayload")) {
        builder.putAuthScheme(new LoopbackSigning());
      }
    }
    if (settings.checksumsWhenRequired()) {
      builder
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return builder.build();
  }

  /**
   * The https socket factory of a client whose endpoint is http://: https is never asked for, and
   * if something did ask (a redirect), it is refused rather than sent in clear.
   */
  private static final class NoTls implements org.apache.http.conn.socket.ConnectionSocketFactory {
    @Override
    public java.net.Socket createSocket(org.apache.http.protocol.HttpContext context)
        throws java.io.IOException {
      throw refused();
    }

    @Override
    public java.net.Socket connectSocket(
        int connectTimeout,
        java.net.Socket socket,
        org.apache.http.HttpHost host,
        java.net.InetSocketAddress remoteAddress,
        java.net.InetSocketAddress localAddress,
        org.apache.http.protocol.HttpContext context)
        throws java.io.IOException {
      throw refused();
    }

    private static java.io.IOException refused() {
      return new java.io.IOException(
          "this store's endpoint is http://; an https connection was asked for and refused");
    }
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    String accessKey = settings.accessKey();
    String secretKey = settings.secretKey();
    if (accessKey != null && secretKey != null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /**
   * A URL anyone holding it can GET the object at, until {@code validity} has passed (S3 allows 7
   * days at most).
   */
  public URI presignGet(String key, java.time.Duration validity) {
    software.amazon.awssdk.services.s3.presigner.S3Presigner presigner = presigner();
    try {
      return presigner
          .presignGetObject(
              r ->
                  r.signatureDuration(validity)
                      .getObjectRequest(g -> g.bucket(settings.bucket()).key(fullKey(key))))
          .url()
          .toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Built once per store: building one costs milliseconds, a manifest signs thousands of URLs. */
  private software.amazon.awssdk.services.s3.presigner.@org.jspecify.annotations.Nullable
      S3Presigner
      presigner;

  private synchronized software.amazon.awssdk.services.s3.presigner.S3Presigner presigner() {
    if (presigner == null) {
      software.amazon.awssdk.services.s3.presigner.S3Presigner.Builder builder =
          software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
              .region(Region.of(settings.region()))
              .credentialsProvider(credentials(settings))
              .serviceConfiguration(
                  software.amazon.awssdk.services.s3.S3Configuration.builder()
                      .pathStyleAccessEnabled(settings.pathStyle())
                      .build());
      if (settings.endpoint() != null) {
        builder.endpointOverride(settings.endpoint());
      }
      presigner = builder.build();
    }
    return presigner;
  }

  /** Creates the bucket when it does not exist yet (for stores we run ourselves). */
  public void createBucketIfMissing() {
    try {
      client().headBucket(b -> b.bucket(settings.bucket()));
    } catch (NoSuchBucketException e) {
      call(() -> client().createBucket(b -> b.bucket(settings.bucket())), "create the bucket");
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw failure("check the bucket", e);
      }
      call(() -> client().createBucket(b -> b.bucket(settings.bucket())), "create the bucket");
    } catch (SdkException e) {
      throw failure("check the bucket", e);
    }
  }

  @Override
  public void put(String key, byte[] bytes, String contentType) {
    String fullKey = fullKey(key);
    call(
        () ->
            client()
                .putObject(
                    b -> b.bucket(settings.bucket()).key(fullKey).contentType(contentType),
                    RequestBody.fromBytes(bytes)),
        "store " + key);
  }

  @Override
  public void put(String key, Path file, String contentType) {
    String fullKey = fullKey(key);
    call(
        () ->
            client()
                .putObject(
                    b -> b.bucket(settings.bucket()).key(fullKey).contentType(contentType),
                    RequestBody.fromFile(file)),
        "store " + key);
  }

  @Override
  public void put(
      String key,
      InputStream content,
      long length,
      String contentType,
      java.util.Map<String, String> metadata) {
    String fullKey = fullKey(key);
    if (direct != null && direct.puts()) {
      // the SDK's request pipeline costs more CPU than a media file's bytes (SignedHttp says why)
      direct.put(fullKey, content, length, contentType, metadata, contentMd5(metadata));
      return;
    }
    call(
        () ->
            client()
                .putObject(
                    b ->
                        b.bucket(settings.bucket())
                            .key(fullKey)
                            .contentType(contentType)
                            .contentLength(length)
                            .contentMD5(contentMd5(metadata))
                            .metadata(metadata),
                    RequestBody.fromInputStream(content, length)),
        "store " + key);
  }

  @Override
  public Upload startUpload(
      String key, String contentType, java.util.Map<String, String> metadata) {
    String fullKey = fullKey(key);
    String[] id = new String[1];
    call(
        () ->
            id[0] =
                client()
                    .createMultipartUpload(
                        b ->
                            b.bucket(settings.bucket())
                                .key(fullKey)
                                .contentType(contentType)
                                .metadata(metadata))
                    .uploadId(),
        "start uploading " + key);
    java.util.concurrent.ConcurrentSkipListMap<Integer, String> parts =
        new java.util.concurrent.ConcurrentSkipListMap<>();
    return new Upload() {
      @Override
      public void part(int number, byte[] bytes, int length) {
        call(
            () ->
                parts.put(
                    number,
                    client()
                        .uploadPart(
                            b ->
                                b.bucket(settings.bucket())
                                    .key(fullKey)
                                    .uploadId(id[0])
                                    .partNumber(number)
                                    .contentLength((long) length)
                                    .contentMD5(md5Of(bytes, length)),
                            RequestBody.fromInputStream(
                                new java.io.ByteArrayInputStream(bytes, 0, length), length))
                        .eTag()),
            "upload part " + number + " of " + key);
      }

      @Override
      public void complete() {
        java.util.List<software.amazon.awssdk.services.s3.model.CompletedPart> completed =
            parts.entrySet().stream()
                .map(
                    e ->
                        software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                            .partNumber(e.getKey())
                            .eTag(e.getValue())
                            .build())
                .toList();
        call(
            () ->
                client()
                    .completeMultipartUpload(
                        b ->
                            b.bucket(settings.bucket())
                                .key(fullKey)
                                .uploadId(id[0])
                                .multipartUpload(m -> m.parts(completed))),
            "complete " + key);
      }

      @Override
      public void abort() {
        try {
          client()
              .abortMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(id[0]));
        } catch (SdkException e) {
          // the store expires abandoned uploads itself; the original failure is what matters
        }
      }
    };
  }

  @Override
  public java.util.stream.Stream<StoredObject> list(String prefix) {
    String base = prefix.isEmpty() ? settings.prefix() : ObjectKeys.join(settings.prefix(), prefix);
    int strip = settings.prefix().isEmpty() ? 0 : ObjectKeys.join(settings.prefix(), "").length();
    try {
      return client()
          .listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(base))
          .contents()
          .stream()
          // folder markers ("a/b/"), which some stores (S3Proxy's filesystem backend) list
          .filter(o -> !o.key().endsWith("/"))
          .map(
              o ->
                  new StoredObject(
                      o.key().substring(Math.min(strip, o.key().length())),
                      o.size(),
                      unquote(o.eTag()),
                      java.util.Map.of(),
                      o.lastModified()));
    } catch (SdkException e) {
      throw failure("list " + prefix, e);
    }
  }

  @Override
  public Optional<StoredObject> head(String key) {
    String fullKey = fullKey(key);
    try {
      HeadObjectResponse response =
          client().headObject(b -> b.bucket(settings.bucket()).key(fullKey));
      return Optional.of(
          new StoredObject(
              key, response.contentLength(), unquote(response.eTag()), response.metadata()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("look up " + key, e);
    } catch (SdkException e) {
      throw failure("look up " + key, e);
    }
  }

  @Override
  public InputStream open(String key) {
    String fullKey = fullKey(key);
    try {
      return client().getObject(b -> b.bucket(settings.bucket()).key(fullKey));
    } catch (NoSuchKeyException e) {
      throw new ObjectStoreException.NotFound(location(), key);
    } catch (SdkException e) {
      throw failure("read " + key, e);
    }
  }

  @Override
  public InputStream openAlone(String key) {
    if (clientStarted() || direct == null) {
      return open(key);
    }
    return direct.open(fullKey(key));
  }

  @Override
  public void delete(String key) {
    String fullKey = fullKey(key);
    call(
        () -> client().deleteObject(b -> b.bucket(settings.bucket()).key(fullKey)),
        "delete " + key);
  }

  @Override
  public void checkReachable() {
    call(() -> client().headBucket(b -> b.bucket(settings.bucket())), "reach the bucket");
  }

  @Override
  public String location() {
    return settings.location();
  }

  @Override
  public void close() {
    java.util.concurrent.CompletableFuture<S3Client> future;
    synchronized (this) {
      future = building;
      if (presigner != null) {
        presigner.close();
        presigner = null;
      }
    }
    if (future != null) {
      // closed now if built, else as soon as its thread has built it (a failed build: nothing)
      future.thenAccept(S3Client::close);
    }
  }

  /**
   * The {@code Content-MD5} header for an upload whose MD5 we computed (the store refuses the
   * object if what it received differs), or null.
   */
  private static @org.jspecify.annotations.Nullable String contentMd5(
      java.util.Map<String, String> metadata) {
    String hex = metadata.get(StoredObject.MD5);
    if (hex == null || hex.length() != 32) {
      return null;
    }
    return java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(hex));
  }

  /** The {@code Content-MD5} of a part: the store refuses a part that arrived otherwise. */
  private static String md5Of(byte[] bytes, int length) {
    return java.util.Base64.getEncoder().encodeToString(MediaUploader.md5Digest(bytes, length));
  }

  private String fullKey(String key) {
    return ObjectKeys.join(settings.prefix(), ObjectKeys.check(key));
  }

  private void call(Runnable request, String what) {
    try {
      request.run();
    } catch (SdkException e) {
      throw failure(what, e);
    }
  }

  private ObjectStoreException failure(String what, SdkException e) {
    // SDK messages name the request and the service's answer; they never carry the secret key.
    return new ObjectStoreException(location(), "could not " + what + ": " + e.getMessage(), e);
  }

  private static @org.jspecify.annotations.Nullable String unquote(
      @org.jspecify.annotations.Nullable String etag) {
    if (etag == null) {
      return null;
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }
}
