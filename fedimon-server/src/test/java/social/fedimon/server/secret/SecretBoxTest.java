package social.fedimon.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

  private static byte[] key() {
    byte[] key = new byte[SecretBox.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @Test
  void sealedSecretsOpenWithTheSameKeyAndContextOnly() {
    SecretBox box = new SecretBox(key());
    byte[] sealed = box.seal("SECRET_KEY_BASE=abc123", "instance:1:env");

    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("abc123");
    assertThat(box.open(sealed, "instance:1:env")).isEqualTo("SECRET_KEY_BASE=abc123");
    assertThatThrownBy(() -> box.open(sealed, "instance:2:env"))
        .isInstanceOf(SecretBox.SecretTampered.class)
        .hasMessageNotContaining("abc123");
    assertThatThrownBy(() -> new SecretBox(key()).open(sealed, "instance:1:env"))
        .isInstanceOf(SecretBox.SecretTampered.class);
  }

  @Test
  void detectsTampering() {
    SecretBox box = new SecretBox(key());
    byte[] sealed = box.seal("value", "ctx");
    sealed[sealed.length - 1] ^= 1;

    assertThatThrownBy(() -> box.open(sealed, "ctx")).isInstanceOf(SecretBox.SecretTampered.class);
  }

  @Test
  void generatesTheEmbeddedMasterKeyOnceReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("master.key");

    byte[] first = MasterKey.resolve(null, true, file);
    byte[] second = MasterKey.resolve(null, true, file);

    assertThat(first).hasSize(32).isEqualTo(second);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void requiresAConfiguredKeyWithAnExternalDatabase(@TempDir Path dir) {
    assertThatThrownBy(() -> MasterKey.resolve(null, false, dir.resolve("master.key")))
        .hasMessageContaining("FEDIMON_MASTER_KEY is required");
    assertThat(dir.resolve("master.key")).doesNotExist();

    String configured = Base64.getEncoder().encodeToString(key());
    assertThat(MasterKey.resolve(configured, false, dir.resolve("master.key"))).hasSize(32);
    assertThatThrownBy(() -> MasterKey.resolve("c2hvcnQ=", false, dir.resolve("master.key")))
        .hasMessageContaining("32 bytes");
  }
}
