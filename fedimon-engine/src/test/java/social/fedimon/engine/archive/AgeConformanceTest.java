package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.testing.Inspections;

/**
 * Every age test vector of C2SP's CCTV project (copied unchanged under {@code cctv-age/}; format in
 * its README): a {@code success} opens and its payload's SHA-256 matches; {@code no match} is
 * {@code wrong-secret}; header, HMAC and armor failures are {@code corrupt} ({@code size-limit} for
 * a work factor above our limit); a payload failure is {@code corrupt} after handing out exactly
 * the plaintext that authenticated. Each is run on the age layer and through the inspector.
 */
class AgeConformanceTest {

  /** One test vector: its header's fields and the age file after them. */
  record Vector(
      String name,
      String expect,
      String payload,
      List<String> identities,
      List<String> passphrases,
      boolean armored,
      byte[] file) {

    @Override
    public String toString() {
      return name + " (" + expect + ")";
    }

    Secrets secrets() {
      return new Secrets(passphrases, identities, List.of());
    }

    /** The problem code a failure must carry. */
    ProblemCode failureCode() {
      return switch (expect) {
        case "no match" -> ProblemCode.WRONG_SECRET;
        // the one work factor above our limit of 2^20: refused before any scrypt work is done
        case "header failure" ->
            name.startsWith("scrypt_work_factor_23") ? ProblemCode.SIZE_LIMIT : ProblemCode.CORRUPT;
        default -> ProblemCode.CORRUPT;
      };
    }
  }

  static Stream<Vector> vectors() throws IOException, URISyntaxException {
    Path folder = Path.of(AgeConformanceTest.class.getResource("cctv-age/testdata").toURI());
    List<Vector> vectors = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        vectors.add(parse(file.getFileName().toString(), Files.readAllBytes(file)));
      }
    }
    return vectors.stream();
  }

  private static Vector parse(String name, byte[] bytes) throws IOException {
    String expect = null;
    String payload = null;
    List<String> identities = new ArrayList<>();
    List<String> passphrases = new ArrayList<>();
    boolean armored = false;
    boolean zlib = false;
    int at = 0;
    while (true) {
      int end = at;
      while (bytes[end] != '\n') {
        end++;
      }
      String line = new String(bytes, at, end - at, StandardCharsets.UTF_8);
      at = end + 1;
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(": ");
      String key = line.substring(0, colon);
      String value = line.substring(colon + 2);
      switch (key) {
        case "expect" -> expect = value;
        case "payload" -> payload = value;
        case "identity" -> identities.add(value);
        case "passphrase" -> passphrases.add(value);
        case "armored" -> armored = value.equals("yes");
        case "compressed" -> zlib = value.equals("zlib");
        default -> {}
      }
    }
    byte[] file = java.util.Arrays.copyOfRange(bytes, at, bytes.length);
    if (zlib) {
      try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(file))) {
        file = in.readAllBytes();
      }
    }
    return new Vector(name, expect, payload, identities, passphrases, armored, file);
  }

  @Test
  void allVectorsAreHere() throws Exception {
    assertThat(vectors()).hasSize(143);
    assertThat(vectors().filter(v -> v.expect().equals("success"))).hasSize(26);
    assertThat(
            vectors()
                .filter(v -> !v.identities().isEmpty() && v.identities().get(0).contains("PQ")))
        .hasSizeGreaterThanOrEqualTo(18);
  }

  /** The age layer itself, given the vector's secrets and whether it is armored. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void theAgeLayerGivesTheExpectedOutcome(Vector vector) throws Exception {
    MessageDigest released = MessageDigest.getInstance("SHA-256");
    BackupRejected failure = null;
    try (InputStream in =
        AgeDecryption.open(
            new ByteArrayInputStream(vector.file()),
            vector.armored(),
            vector.secrets(),
            ArchiveLimits.DEFAULTS,
            "the age layer of " + vector.name())) {
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        released.update(buffer, 0, n);
      }
    } catch (BackupRejected e) {
      failure = e;
    }
    String hash = HexFormat.of().formatHex(released.digest());
    if (vector.expect().equals("success")) {
      assertThat(failure).as("%s must open", vector).isNull();
      assertThat(hash).as("the payload of %s", vector).isEqualTo(vector.payload());
      return;
    }
    if (failure == null) {
      fail(vector + " was opened to its end, but must fail");
    }
    assertThat(failure.problem().code())
        .as("%s: %s", vector, failure.getMessage())
        .isEqualTo(vector.failureCode());
    if (vector.expect().equals("payload failure")) {
      assertThat(hash)
          .as("the plaintext %s handed out before failing", vector)
          .isEqualTo(vector.payload());
    }
  }

  /**
   * {@code fedimon inspect} on the vector as a file: a success is an opened age layer (whose
   * payload is no backup), every failure a rejection with its code, or, for bytes that do not even
   * start like age (an armor with garbage before it, an empty file), {@code unrecognized-format}.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void inspectGivesTheExpectedOutcome(Vector vector, @TempDir Path dir) throws IOException {
    Path file = dir.resolve(vector.name() + (vector.armored() ? ".age.asc" : ".age"));
    Files.write(file, vector.file());
    // the secrets as the command line reads them: an identity file, password files
    Path identities = Files.write(dir.resolve("identities.txt"), vector.identities());
    List<Path> passwordFiles = new ArrayList<>();
    for (String passphrase : vector.passphrases()) {
      passwordFiles.add(
          Files.writeString(dir.resolve("password" + passwordFiles.size()), passphrase + "\n"));
    }
    Secrets secrets =
        Secrets.load(
            List.of(),
            passwordFiles,
            vector.identities().isEmpty() ? List.of() : List.of(identities));
    Report report = Inspections.inspect(file, secrets);
    List<String> codes = Inspections.codes(report);
    if (vector.expect().equals("success")) {
      assertThat(report.layers()).as("%s: %s", vector, codes).containsExactly("age");
      assertThat(codes)
          .as("%s", vector)
          .doesNotContain(
              ProblemCode.CORRUPT.code(),
              ProblemCode.WRONG_SECRET.code(),
              ProblemCode.SIZE_LIMIT.code());
      return;
    }
    assertThat(report.verdict()).as("%s: %s", vector, codes).isEqualTo("rejected");
    boolean looksLikeAge =
        LayerDetector.detect(vector.file(), vector.file().length).orElse(null) == Layer.AGE;
    assertThat(codes)
        .as("%s", vector)
        .contains(
            looksLikeAge ? vector.failureCode().code() : ProblemCode.UNRECOGNIZED_FORMAT.code());
  }
}
