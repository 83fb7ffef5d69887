package social.fedimon.engine.archive;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Opens ChaCha20-Poly1305 boxes (RFC 8439, no associated data) under one key, the way age seals its
 * payload chunks. One instance per thread; {@link #close()} once no thread uses it.
 *
 * <p>Two implementations. The JDK's cipher is always there, but JDK 17's is slow (230 MB/s a core
 * on this project's machine; JDK 25's 1.4 GB/s). OpenSSL's libcrypto, present on nearly every
 * Linux, does 3.7 GB/s a core with its vector code, so when it can be loaded (through JNA) it is
 * used instead: {@link #forKey} picks. {@code -Dfedimon.nativeCrypto=false} keeps to the JDK. Both
 * refuse a box whose tag does not match with {@link AEADBadTagException}, and neither hands out a
 * byte of plaintext before the tag has been checked.
 */
abstract class ChaChaBoxes implements AutoCloseable {

  static final int TAG = 16;

  /**
   * Opens {@code sealed[offset, offset + length)} (ciphertext then tag) into {@code plain} from
   * {@code plainOffset}, where {@code length - 16} bytes must fit; returns that length.
   */
  abstract int open(
      byte[] nonce, byte[] sealed, int offset, int length, byte[] plain, int plainOffset)
      throws GeneralSecurityException;

  /** {@link #open(byte[], byte[], int, int, byte[], int)} from the start of both arrays. */
  final int open(byte[] nonce, byte[] sealed, int length, byte[] plain)
      throws GeneralSecurityException {
    return open(nonce, sealed, 0, length, plain, 0);
  }

  @Override
  public abstract void close();

  /**
   * Which implementation {@link #forKey} uses here: "OpenSSL" and its version number in hex ({@code
   * OpenSSL_version_num}), or "JDK".
   */
  static String implementation() {
    return OpenSsl.LIBRARY != null ? OpenSsl.version() : "JDK";
  }

  /**
   * Boxes under {@code key} (32 bytes, copied), opened for boxes of up to {@code maxSealed} bytes.
   */
  static ChaChaBoxes forKey(byte[] key, int maxSealed) throws GeneralSecurityException {
    return OpenSsl.LIBRARY != null ? new OpenSsl(key, maxSealed) : new Jdk(key);
  }

  /** The JDK's implementation, whatever OpenSSL offers (tests compare the two). */
  static ChaChaBoxes jdk(byte[] key) throws GeneralSecurityException {
    return new Jdk(key);
  }

  /** OpenSSL's, or null when libcrypto cannot be loaded here. */
  static @Nullable ChaChaBoxes openSsl(byte[] key, int maxSealed) throws GeneralSecurityException {
    return OpenSsl.LIBRARY != null ? new OpenSsl(key, maxSealed) : null;
  }

  private static final class Jdk extends ChaChaBoxes {
    private final SecretKeySpec key;
    private final Cipher cipher;

    Jdk(byte[] key) throws GeneralSecurityException {
      this.key = new SecretKeySpec(key, "ChaCha20");
      this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    }

    @Override
    int open(byte[] nonce, byte[] sealed, int offset, int length, byte[] plain, int plainOffset)
        throws GeneralSecurityException {
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
      return cipher.doFinal(sealed, offset, length, plain, plainOffset);
    }

    @Override
    public void close() {}
  }

  /**
   * OpenSSL's EVP interface, called through JNA's direct mapping. Each instance owns one cipher
   * context and one native buffer (the box is copied in, opened in place, and copied out only after
   * the tag matched), freed and wiped by {@link #close()}.
   */
  private static final class OpenSsl extends ChaChaBoxes {
    private static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    private static final @Nullable NativeLibrary LIBRARY = load();

    private final Pointer context;
    private final Memory buffer;
    private final Pointer data;
    private final Pointer outLength;
    private final Pointer nonce;
    private final Pointer key;
    private final int capacity;
    private boolean closed;

    OpenSsl(byte[] key, int maxSealed) throws GeneralSecurityException {
      if (key.length != 32) {
        throw new java.security.InvalidKeyException("ChaCha20-Poly1305 takes a 32-byte key");
      }
      this.capacity = maxSealed;
      // the box, then 8 bytes for an output length, 16 for the nonce, 32 for the key
      this.buffer = new Memory(maxSealed + 8L + 16 + 32);
      this.data = buffer.share(0);
      this.outLength = buffer.share(maxSealed);
      this.nonce = buffer.share(maxSealed + 8L);
      this.key = buffer.share(maxSealed + 24L);
      this.key.write(0, key, 0, 32);
      this.context = EVP_CIPHER_CTX_new();
      if (context == null) {
        buffer.clear();
        buffer.close();
        throw new GeneralSecurityException("OpenSSL could not make a cipher context");
      }
      Pointer cipher = EVP_chacha20_poly1305();
      if (cipher == null || EVP_DecryptInit_ex(context, cipher, null, null, null) != 1) {
        close();
        throw new GeneralSecurityException("OpenSSL has no ChaCha20-Poly1305");
      }
    }

    @Override
    int open(byte[] nonce, byte[] sealed, int offset, int length, byte[] plain, int plainOffset)
        throws GeneralSecurityException {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      if (nonce.length != 12 || length < TAG || length > capacity) {
        throw new IllegalArgumentException("a box of " + length + " bytes, nonce " + nonce.length);
      }
      int textLength = length - TAG;
      this.nonce.write(0, nonce, 0, 12);
      data.write(0, sealed, offset, length);
      // key and nonce on every box: the context then starts a fresh Poly1305 state
      if (EVP_DecryptInit_ex(context, null, null, key, this.nonce) != 1
          || EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, TAG, data.share(textLength))
              != 1) {
        throw new GeneralSecurityException("OpenSSL refused the key or nonce");
      }
      if (textLength > 0
          && (EVP_DecryptUpdate(context, data, outLength, data, textLength) != 1
              || outLength.getInt(0) != textLength)) {
        throw new GeneralSecurityException("OpenSSL did not decrypt the whole box");
      }
      if (EVP_DecryptFinal_ex(context, data.share(textLength), outLength) != 1) {
        data.clear(length);
        throw new AEADBadTagException("the box's tag does not match");
      }
      data.read(0, plain, plainOffset, textLength);
      return textLength;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (context != null) {
          EVP_CIPHER_CTX_free(context);
        }
        buffer.clear();
        buffer.close();
      }
    }

    static String version() {
      return "OpenSSL " + Long.toHexString(OpenSSL_version_num());
    }

    private static @Nullable NativeLibrary load() {
      if (!Boolean.parseBoolean(System.getProperty("fedimon.nativeCrypto", "true"))) {
        return null;
      }
      // the versioned names first: the bare libcrypto.so comes only with the -dev package
      for (String name : new String[] {"libcrypto.so.3", "libcrypto.so.1.1", "crypto"}) {
        try {
          NativeLibrary library = NativeLibrary.getInstance(name);
          Native.register(OpenSsl.class, library);
          // EVP_chacha20_poly1305 came with 1.1.0; boxes are checked against the JDK in tests
          if (OpenSSL_version_num() >= 0x1010000fL && selfTest()) {
            return library;
          }
          return null; // registered but unusable: the JDK it is
        } catch (LinkageError | RuntimeException e) {
          // not this name (or no JNA stub for this platform); try the next, else the JDK
        }
      }
      return null;
    }

    /** One known box (RFC 8439's test vector 2.8.2 without its associated data) must open. */
    private static boolean selfTest() {
      byte[] key = new byte[32];
      Arrays.fill(key, (byte) 7);
      byte[] nonce = new byte[12];
      nonce[11] = 1;
      try (ChaChaBoxes jdk = new Jdk(key);
          OpenSsl ours = new OpenSsl(key, 256)) {
        byte[] message = "age chunks are sealed with ChaCha20-Poly1305".getBytes();
        Cipher seal = Cipher.getInstance("ChaCha20-Poly1305");
        seal.init(
            Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        byte[] sealed = seal.doFinal(message);
        byte[] a = new byte[message.length];
        byte[] b = new byte[message.length];
        return jdk.open(nonce, sealed, sealed.length, a) == message.length
            && ours.open(nonce, sealed, sealed.length, b) == message.length
            && Arrays.equals(a, message)
            && Arrays.equals(b, message);
      } catch (GeneralSecurityException | RuntimeException e) {
        return false;
      }
    }

    private static native long OpenSSL_version_num();

    private static native Pointer EVP_CIPHER_CTX_new();

    private static native void EVP_CIPHER_CTX_free(Pointer context);

    private static native Pointer EVP_chacha20_poly1305();

    private static native int EVP_DecryptInit_ex(
        Pointer context,
        @Nullable Pointer cipher,
        @Nullable Pointer engine,
        @Nullable Pointer key,
        @Nullable Pointer iv);

    private static native int EVP_CIPHER_CTX_ctrl(Pointer context, int type, int arg, Pointer ptr);

    private static native int EVP_DecryptUpdate(
        Pointer context, Pointer out, Pointer outLength, Pointer in, int inLength);

    private static native int EVP_DecryptFinal_ex(Pointer context, Pointer out, Pointer outLength);
  }
}
