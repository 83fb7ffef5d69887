package social.fedimon.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * OpenSSL's ChaCha20-Poly1305 (through JNA) opens exactly what the JDK's opens, refuses what the
 * JDK refuses, and hands out nothing of a box whose tag does not match.
 */
class ChaChaBoxesTest {

  private static final Random RANDOM = new Random(8439);

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] seal(byte[] key, byte[] nonce, byte[] plain)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
    cipher.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    return cipher.doFinal(plain);
  }

  private static ChaChaBoxes openSsl(byte[] key) throws GeneralSecurityException {
    ChaChaBoxes boxes = ChaChaBoxes.openSsl(key, 70_000);
    assertThat(boxes).as("libcrypto is on this machine, so it must be used").isNotNull();
    return boxes;
  }

  @Test
  void libcryptoIsPickedWhereItIsInstalled() throws Exception {
    boolean installed =
        Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
            || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libcrypto.so.3"));
    assertThat(ChaChaBoxes.implementation()).startsWith(installed ? "OpenSSL 3" : "JDK");
    try (ChaChaBoxes boxes = ChaChaBoxes.forKey(new byte[32], 100)) {
      assertThat(boxes.getClass().getSimpleName()).isEqualTo(installed ? "OpenSsl" : "Jdk");
    }
  }

  @Test
  void opensWhatTheJdkOpensAtEverySize() throws Exception {
    byte[] key = bytes(32);
    try (ChaChaBoxes ours = openSsl(key);
        ChaChaBoxes jdk = ChaChaBoxes.jdk(key)) {
      for (int size : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 255, 4096, 65535, 65536}) {
        byte[] nonce = bytes(12);
        byte[] message = bytes(size);
        byte[] sealed = seal(key, nonce, message);
        byte[] viaOpenSsl = new byte[65536];
        byte[] viaJdk = new byte[65536];
        assertThat(ours.open(nonce, sealed, sealed.length, viaOpenSsl)).isEqualTo(size);
        assertThat(jdk.open(nonce, sealed, sealed.length, viaJdk)).isEqualTo(size);
        assertThat(java.util.Arrays.copyOf(viaOpenSsl, size)).isEqualTo(message);
        assertThat(java.util.Arrays.copyOf(viaJdk, size)).isEqualTo(message);
      }
    }
  }

  @Test
  void refusesAlteredBoxesAndHandsOutNothingOfThem() throws Exception {
    byte[] key = bytes(32);
    byte[] nonce = bytes(12);
    byte[] message = bytes(65536);
    byte[] sealed = seal(key, nonce, message);
    try (ChaChaBoxes ours = openSsl(key)) {
      // a changed byte of text, of the tag; a wrong nonce; a wrong key
      for (int at : new int[] {0, 1000, 65535, 65536, 65551}) {
        byte[] altered = sealed.clone();
        altered[at] ^= 0x20;
        byte[] plain = new byte[65536];
        assertThatThrownBy(() -> ours.open(nonce, altered, altered.length, plain))
            .isInstanceOf(AEADBadTagException.class);
        assertThat(plain).containsOnly(0);
        try (ChaChaBoxes jdk = ChaChaBoxes.jdk(key)) { // it refuses a nonce twice, even to open
          assertThatThrownBy(() -> jdk.open(nonce, altered, altered.length, new byte[65536]))
              .isInstanceOf(AEADBadTagException.class);
        }
      }
      byte[] otherNonce = nonce.clone();
      otherNonce[11] ^= 1; // age's last-chunk flag
      assertThatThrownBy(() -> ours.open(otherNonce, sealed, sealed.length, new byte[65536]))
          .isInstanceOf(AEADBadTagException.class);
      // a box cut short: its tag is then taken from the text
      assertThatThrownBy(() -> ours.open(nonce, sealed, sealed.length - 1, new byte[65536]))
          .isInstanceOf(AEADBadTagException.class);
      // after refusals the same context still opens a good box
      byte[] plain = new byte[65536];
      assertThat(ours.open(nonce, sealed, sealed.length, plain)).isEqualTo(65536);
      assertThat(plain).isEqualTo(message);
    }
    try (ChaChaBoxes wrongKey = openSsl(bytes(32))) {
      assertThatThrownBy(() -> wrongKey.open(nonce, sealed, sealed.length, new byte[65536]))
          .isInstanceOf(AEADBadTagException.class);
    }
  }

  @Test
  void refusesBoxesItCannotHold() throws Exception {
    try (ChaChaBoxes ours = openSsl(new byte[32])) {
      assertThatThrownBy(() -> ours.open(new byte[12], new byte[70_001], 70_001, new byte[70_000]))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ours.open(new byte[12], new byte[15], 15, new byte[0]))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ChaChaBoxes.openSsl(new byte[16], 100))
        .isInstanceOf(java.security.InvalidKeyException.class);
  }
}
