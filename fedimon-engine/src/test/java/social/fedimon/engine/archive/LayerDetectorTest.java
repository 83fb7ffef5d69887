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
    assertThat(detect(new byte[] {(byte) 0x8c, 0x0d, 0x04, 0x09}))
        .as("SKESK v4")
        .contains(Layer.PGP);
    assertThat(detect(new byte[] {(byte) 0xc1, 0x0c, 0x03, 0x00}))
        .as("PKESK v3")
        .contains(Layer.PGP);
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
}
