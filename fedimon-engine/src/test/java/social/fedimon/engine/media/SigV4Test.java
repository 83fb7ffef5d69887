package social.fedimon.engine.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/** Our signatures are the SDK signer's, byte for byte, for the requests we sign ourselves. */
class SigV4Test {

  private static final String ACCESS = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "PUT | 127.0.0.1 | 9000 | /bucket/ | media_attachments/files/000/001/original/a.png | eu-west-3",
        "PUT | s3.example.org | -1 | /bucket/ | a b+c%d=é&~;,'!*().tsv.gz | us-east-1",
        "PUT | [::1] | 18321 | /base/bucket/ | accounts/avatars/000/x.JPG | garage",
        "GET | bucket.s3.example.org | 8443 | / | .fedimon/sync/a.tsv.gz | us-east-1",
      })
  void signsAsTheSdkSigns(
      String method, String host, int port, String base, String key, String region) {
    String path = base + SdkHttpUtils.urlEncodeIgnoreSlashes(key);
    Map<String, String> headers = new LinkedHashMap<>();
    boolean put = method.equals("PUT");
    String payload = put ? SigV4.UNSIGNED_PAYLOAD : SigV4.EMPTY_PAYLOAD;
    if (put) {
      headers.put("Content-Type", "image/png");
      headers.put("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==");
      headers.put("x-amz-meta-fedimon-md5", "d41d8cd98f00b204e9800998ecf8427e");
      headers.put("x-amz-meta-fedimon-source-etag", "  an  etag  with spaces ");
    }
    Instant now = Instant.parse("2026-11-28T23:59:58Z");
    String hostHeader = port == -1 ? host : host + ":" + port;

    Map<String, String> ours =
        new SigV4(ACCESS, SECRET, region, "s3")
            .sign(method, hostHeader, path, headers, payload, now);

    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .protocol("https")
            .host(host)
            .port(port == -1 ? null : port)
            .encodedPath(path)
            .putHeader("x-amz-content-sha256", payload);
    headers.forEach(request::putHeader);
    SdkHttpRequest sdk =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(AwsCredentialsIdentity.create(ACCESS, SECRET))
                        .request(request.build())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, !put)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)))
            .request();

    assertThat(ours.get("Authorization"))
        .isEqualTo(sdk.firstMatchingHeader("Authorization").orElseThrow());
    assertThat(ours.get("x-amz-date"))
        .isEqualTo(sdk.firstMatchingHeader("X-Amz-Date").orElseThrow());
    assertThat(ours.get("x-amz-content-sha256")).isEqualTo(payload);
  }

  @org.junit.jupiter.api.Test
  void theKeyOfADayServesThatDayOnly() {
    SigV4 signer = new SigV4(ACCESS, SECRET, "us-east-1", "s3");
    SigV4 fresh = new SigV4(ACCESS, SECRET, "us-east-1", "s3");
    Instant day1 = Instant.parse("2026-11-28T23:59:59Z");
    Instant day2 = Instant.parse("2026-11-29T00:00:00Z");
    signer.sign("GET", "h", "/b/k", Map.of(), SigV4.EMPTY_PAYLOAD, day1);
    // the second day's signature from a signer that signed the day before equals a fresh one's
    assertThat(signer.sign("GET", "h", "/b/k", Map.of(), SigV4.EMPTY_PAYLOAD, day2))
        .isEqualTo(fresh.sign("GET", "h", "/b/k", Map.of(), SigV4.EMPTY_PAYLOAD, day2));
    assertThat(signer.sign("GET", "h", "/b/k", Map.of(), SigV4.EMPTY_PAYLOAD, day2).toString())
        .doesNotContain(SECRET);
  }

  @org.junit.jupiter.api.Test
  void aSignerUsedOverAndOverSignsAsAFreshOne() {
    // its keyed HMAC and its time stamp are reused: within a second, the next second, the next day
    SigV4 signer = new SigV4(ACCESS, SECRET, "eu-west-3", "s3");
    Instant start = Instant.parse("2026-11-28T23:59:58.100Z");
    for (Instant now :
        new Instant[] {
          start,
          start.plusMillis(800),
          start.plusMillis(900),
          start.plusSeconds(1),
          start.plusSeconds(2),
          start.plusSeconds(1)
        }) {
      for (String key : new String[] {"/b/one", "/b/two"}) {
        Map<String, String> headers = Map.of("Content-Type", "image/png", "x-amz-meta-n", "a  b ");
        assertThat(signer.sign("PUT", "h:9000", key, headers, SigV4.UNSIGNED_PAYLOAD, now))
            .as(now + " " + key)
            .isEqualTo(
                new SigV4(ACCESS, SECRET, "eu-west-3", "s3")
                    .sign("PUT", "h:9000", key, headers, SigV4.UNSIGNED_PAYLOAD, now));
      }
    }
  }

  @org.junit.jupiter.api.Test
  void encodesKeysAsTheSdkDoes() {
    java.util.Random random = new java.util.Random(5);
    String alphabet = "aZ09-_.~/ +*%&=?#:@!$'()[],;é日🐘\t\\\u007f";
    java.util.List<String> keys =
        new java.util.ArrayList<>(
            java.util.List.of(
                "", "plain/key.png", "a b+c*d~e", "100%/x", "cache/日本/🐘.mp4", "/lead//double/"));
    for (int n = 0; n < 500; n++) {
      StringBuilder key = new StringBuilder();
      int length = random.nextInt(20);
      for (int i = 0; i < length; i++) {
        key.appendCodePoint(
            alphabet.codePointAt(
                alphabet.offsetByCodePoints(
                    0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      keys.add(key.toString());
    }
    for (String key : keys) {
      assertThat(SigV4.encodePath(key)).as(key).isEqualTo(SdkHttpUtils.urlEncodeIgnoreSlashes(key));
    }
  }
}
