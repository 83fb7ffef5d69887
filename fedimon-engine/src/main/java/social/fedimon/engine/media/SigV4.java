package social.fedimon.engine.media;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for the few S3 requests {@link SignedHttp} sends itself: one header
 * block, no query string, the payload's hash given (an empty body's, or {@code UNSIGNED-PAYLOAD}).
 * The rules are AWS's ("Create a signed AWS API request"); a test checks every signature against
 * the SDK's own signer for the same request and time.
 *
 * <p>Why not the SDK's signer: it is general (chunked and streaming payloads, checksums, presigned
 * URLs, its own property maps) and derives the signing key (four HMACs) for every request: ~0.2 ms
 * of CPU per request, 0.6 s of a restore's 3000 uploads; and its first use loads enough classes to
 * cost a short command a quarter of a second. Here the key is derived once a day, and a signature
 * is one SHA-256 and one HMAC.
 *
 * <p>Instances are safe for use by several threads.
 */
final class SigV4 {

  /** The hash that says the payload is not signed (https, or loopback: see LoopbackSigning). */
  static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  /** The SHA-256 of nothing: the payload hash of a request without a body. */
  static final String EMPTY_PAYLOAD =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String accessKey;
  private final byte[] secret;
  private final String region;
  private final String service;

  /** The signing key of the day {@link Derived#day} (keys change with the date in the scope). */
  private volatile Derived derived;

  /**
   * A day's key, and an HMAC already keyed with it that each signature clones: {@code
   * Mac.getInstance} and {@code init} for every request were a fifth of the signing's CPU.
   */
  private record Derived(String day, byte[] key, Mac keyed) {}

  /** The last time stamp written, reused for requests signed within the same second. */
  private volatile Stamp lastStamp = new Stamp(Long.MIN_VALUE, "");

  private record Stamp(long second, String text) {}

  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" {2,}");

  SigV4(String accessKey, String secretKey, String region, String service) {
    this.accessKey = accessKey;
    this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
    this.region = region;
    this.service = service;
  }

  /**
   * The headers to add to a request so that it is signed: {@code x-amz-date}, {@code
   * x-amz-content-sha256} and {@code Authorization}.
   *
   * @param method the HTTP method, upper case
   * @param host the {@code Host} header as it will be sent (with the port unless it is the scheme's
   *     default)
   * @param encodedPath the request's path, already URL-encoded as it will be sent
   * @param headers the other headers that will be sent and must be signed (names in any case)
   * @param payloadHash the payload's SHA-256 in hex, {@link #EMPTY_PAYLOAD} or {@link
   *     #UNSIGNED_PAYLOAD}
   */
  Map<String, String> sign(
      String method,
      String host,
      String encodedPath,
      Map<String, String> headers,
      String payloadHash,
      Instant now) {
    String stamp = stamp(now);
    String day = stamp.substring(0, 8);
    TreeMap<String, String> signed = new TreeMap<>();
    for (Map.Entry<String, String> header : headers.entrySet()) {
      signed.put(header.getKey().toLowerCase(Locale.ROOT), canonicalValue(header.getValue()));
    }
    signed.put("host", host);
    signed.put("x-amz-date", stamp);
    signed.put("x-amz-content-sha256", payloadHash);
    StringBuilder canonical = new StringBuilder(256);
    canonical.append(method).append('\n').append(encodedPath).append('\n').append('\n');
    for (Map.Entry<String, String> header : signed.entrySet()) {
      canonical.append(header.getKey()).append(':').append(header.getValue()).append('\n');
    }
    String signedNames = String.join(";", signed.keySet());
    canonical.append('\n').append(signedNames).append('\n').append(payloadHash);
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    String toSign = ALGORITHM + "\n" + stamp + "\n" + scope + "\n" + sha256Hex(canonical);
    String signature = HexFormat.of().formatHex(sign(day, toSign));
    return Map.of(
        "x-amz-date",
        stamp,
        "x-amz-content-sha256",
        payloadHash,
        "Authorization",
        ALGORITHM
            + " Credential="
            + accessKey
            + "/"
            + scope
            + ", SignedHeaders="
            + signedNames
            + ", Signature="
            + signature);
  }

  /** The HMAC of {@code toSign} with the signing key of {@code day}. */
  private byte[] sign(String day, String toSign) {
    Derived known = derived;
    if (known == null || !known.day().equals(day)) {
      byte[] key = hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request");
      known = new Derived(day, key, keyed(key));
      derived = known;
    }
    Mac mac;
    try {
      mac = (Mac) known.keyed().clone();
    } catch (CloneNotSupportedException e) {
      mac = keyed(known.key()); // a provider whose HMAC cannot be cloned
    }
    return mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8));
  }

  private String stamp(Instant now) {
    Stamp last = lastStamp;
    if (last.second() != now.getEpochSecond()) {
      last = new Stamp(now.getEpochSecond(), STAMP.format(now));
      lastStamp = last;
    }
    return last.text();
  }

  /** Trimmed, with runs of spaces inside made one, as the canonical headers want. */
  private static String canonicalValue(String value) {
    String trimmed = value.strip();
    return trimmed.contains("  ") ? SPACES.matcher(trimmed).replaceAll(" ") : trimmed;
  }

  /**
   * A key as it goes in a request's path: every byte of its UTF-8 percent-encoded (upper-case hex)
   * but the unreserved characters and {@code /}, as AWS's UriEncode with slashes kept (and the
   * SDK's {@code urlEncodeIgnoreSlashes}, whose general replacing cost the JIT compiler more than
   * half a second in a restore's 3000 uploads).
   */
  static String encodePath(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = null;
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean kept =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '-'
              || b == '_'
              || b == '.'
              || b == '~'
              || b == '/';
      if (kept) {
        if (out != null) {
          out.append((char) b);
        }
      } else {
        if (out == null) {
          out = new StringBuilder(bytes.length + 16);
          for (int j = 0; j < i; j++) {
            out.append((char) bytes[j]);
          }
        }
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
      }
    }
    return out == null ? key : out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static String sha256Hex(CharSequence text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    return keyed(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac keyed(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java has HmacSHA256", e);
    }
  }
}
