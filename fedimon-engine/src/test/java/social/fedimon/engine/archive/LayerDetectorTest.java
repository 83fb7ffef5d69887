package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class LayerDetectorTest {

  private static java.util.Optional<Layer> detect(byte[] head) {
    return LayerDetector.detect(head, head.length);
  }

  private static byte[] pad(byte[] head) {
    return java.util.Arrays.copyOf(head, Math.max(head.length, 512));
  }

  @Test
  void recognizesEachMagic() throws IOException {
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write(1);
    }
    assertThat(detect(gzip.toByteArray())).contains(Layer.GZIP);
    assertThat(
            detect(pad("age-encryption.org/v1\n-> X25519 abc".getBytes(StandardCharsets.US_ASCII))))
        .contains(Layer.AGE);
    assertThat(detect("\n-----BEGIN AGE ENCRYPTED FILE-----\n".getBytes(StandardCharsets.US_ASCII)))
        .contains(Layer.AGE);
    assertThat(detect("-----BEGIN PGP MESSAGE-----\n".getBytes(StandardCharsets.US_ASCII)))
        .contains(Layer.PGP);
    // gpg -c: SKESK v4 (AES-256, iterated and salted S2K, SHA-256), then SEIPD with a partial
    // length
    byte[] skesk = {
      (byte) 0x8c,
      0x0d,
      0x04,
      0x09,
      0x03,
      0x08,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      (byte) 0xe0,
      (byte) 0xd2,
      (byte) 0xe9,
      0x01
    };
    assertThat(detect(skesk)).as("SKESK v4").contains(Layer.PGP);
    // gpg -e to an RSA-2048 key: PKESK v3 whose MPI fills the packet, then SEIPD
    byte[] pkesk = new byte[3 + 268 + 3];
    pkesk[0] = (byte) 0x85;
    pkesk[1] = 0x01;
    pkesk[2] = 0x0c;
    pkesk[3] = 3;
    pkesk[12] = 1;
    pkesk[13] = 0x08;
    pkesk[14] = 0x00;
    pkesk[3 + 268] = (byte) 0xd2;
    assertThat(detect(pkesk)).as("PKESK v3").contains(Layer.PGP);
    pkesk[3 + 268] = (byte) 0xb4; // a user id packet cannot follow a session key
    assertThat(detect(pkesk)).isEmpty();
    assertThat(detect(pad(new byte[] {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59})))
        .contains(Layer.BZIP2);
    assertThat(detect(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0})).contains(Layer.XZ);
    assertThat(detect(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD})).contains(Layer.ZSTD);
    assertThat(detect(new byte[] {0x04, 0x22, 0x4D, 0x18})).contains(Layer.LZ4);
    assertThat(detect(new byte[] {'P', 'K', 3, 4})).contains(Layer.ZIP);
    assertThat(detect(new byte[] {'P', 'K', 5, 6})).as("empty zip").contains(Layer.ZIP);
    assertThat(detect(new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C}))
        .contains(Layer.SEVEN_Z);
    assertThat(detect(new social.fedimon.engine.testing.TarBuilder().file("a", "b").build()))
        .contains(Layer.TAR);
  }

  @Test
  void doesNotMistakeMediaAndTextForLayers() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    byte[] sql = pad("--\n-- PostgreSQL database dump\n--\n".getBytes(StandardCharsets.US_ASCII));
    byte[] bzipLookalike = pad("BZh9 is not a bzip2 block".getBytes(StandardCharsets.US_ASCII));

    assertThat(detect(png)).isEmpty();
    assertThat(detect(jpeg)).isEmpty();
    assertThat(detect(sql)).isEmpty();
    assertThat(detect(bzipLookalike)).isEmpty();
    assertThat(detect(new byte[0])).isEmpty();
    assertThat(detect(new byte[512])).as("zeros are no tar header").isEmpty();
  }

  @Test
  void randomBytesAreNotTakenForOpenPgp() {
    // a media file of random bytes once looked like a session key packet (tag and version only)
    byte[] seen = {(byte) 0x8c, (byte) 0xc0, 0x04, 0x76, (byte) 0xf1, 0x5d, 0x57, (byte) 0xe8};
    assertThat(LayerDetector.pgpBinary(pad(seen), 512)).isFalse();

    java.util.Random random = new java.util.Random(42);
    byte[] head = new byte[512];
    int taken = 0;
    for (int i = 0; i < 1_000_000; i++) {
      random.nextBytes(head);
      if (LayerDetector.pgpBinary(head, head.length)) {
        taken++;
      }
    }
    // a check of the tag and version alone takes about 100 of these
    assertThat(taken).isZero();
  }
}
