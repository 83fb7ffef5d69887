package social.fedimon.engine.archive;

import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The key derivations and the stanza box age builds its recipients from. */
final class AgeKeys {

  /** A file key is 16 bytes; a stanza body is the file key and its Poly1305 tag. */
  static final int FILE_KEY_BYTES = 16;

  static final int WRAPPED_FILE_KEY_BYTES = FILE_KEY_BYTES + 16;

  private AgeKeys() {}

  /** HKDF-Extract (RFC 5869) with SHA-256. */
  static byte[] extract(byte[] salt, byte[] ikm) throws GeneralSecurityException {
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
    return hmac.doFinal(ikm);
  }

  /** HKDF-Expand (RFC 5869) with SHA-256, {@code length} at most 255 blocks. */
  static byte[] expand(byte[] prk, byte[] info, int length) throws GeneralSecurityException {
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    for (int done = 0, counter = 1; done < length; counter++) {
      hmac.update(block);
      hmac.update(info);
      hmac.update((byte) counter);
      block = hmac.doFinal();
      int n = Math.min(block.length, length - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    return out;
  }

  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length)
      throws GeneralSecurityException {
    return expand(extract(salt, ikm), info, length);
  }

  /**
   * Opens a stanza's body, the file key sealed with ChaCha20-Poly1305 under {@code key} and {@code
   * nonce}; empty when the tag does not match (the stanza is for another key).
   *
   * @throws AgeHeader.Malformed when the body is not the size of a sealed file key: that is checked
   *     before anything is decrypted
   */
  static Optional<byte[]> openFileKey(byte[] key, byte[] nonce, byte[] body, String stanza)
      throws GeneralSecurityException {
    if (body.length != WRAPPED_FILE_KEY_BYTES) {
      throw new AgeHeader.Malformed(
          "the body of " + stanza + " is " + body.length + " bytes, not a sealed 16-byte file key");
    }
    Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
    cipher.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
    try {
      return Optional.of(cipher.doFinal(body));
    } catch (AEADBadTagException otherKey) {
      return Optional.empty();
    }
  }
}
