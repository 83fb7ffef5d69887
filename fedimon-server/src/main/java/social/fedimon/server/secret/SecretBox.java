package social.fedimon.server.secret;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Seals secrets (env values, passwords, keys) for storage with Tink's AES-256-GCM. Each sealed
 * value is bound to a context (e.g. {@code instance:42:env}) so it cannot be moved to another row.
 */
public final class SecretBox {

  /** AES-256. */
  public static final int KEY_BYTES = 32;

  private final Aead aead;

  public SecretBox(byte[] masterKey) {
    if (masterKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("the master key must be " + KEY_BYTES + " bytes");
    }
    try {
      AeadConfig.register();
      AesGcmParameters parameters =
          AesGcmParameters.builder()
              .setKeySizeBytes(KEY_BYTES)
              .setIvSizeBytes(12)
              .setTagSizeBytes(16)
              .setVariant(AesGcmParameters.Variant.TINK)
              .build();
      AesGcmKey key =
          AesGcmKey.builder()
              .setParameters(parameters)
              .setKeyBytes(SecretBytes.copyFrom(masterKey, InsecureSecretKeyAccess.get()))
              .setIdRequirement(1)
              .build();
      KeysetHandle handle =
          KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(key).makePrimary()).build();
      this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not set up the secret box", e);
    }
  }

  /** Encrypts and authenticates {@code plaintext}, bound to {@code context}. */
  public byte[] seal(String plaintext, String context) {
    try {
      return aead.encrypt(
          plaintext.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not seal a secret", e);
    }
  }

  /**
   * Decrypts what {@link #seal} produced with the same context.
   *
   * @throws SecretTampered when the bytes were changed, or belong to another context or key
   */
  public String open(byte[] sealed, String context) {
    try {
      return new String(
          aead.decrypt(sealed, context.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new SecretTampered(context);
    }
  }

  /** A sealed value failed authentication. Never carries the value itself. */
  public static final class SecretTampered extends RuntimeException {
    public SecretTampered(String context) {
      super("a sealed secret (" + context + ") failed authentication: wrong key or altered data");
    }
  }
}
