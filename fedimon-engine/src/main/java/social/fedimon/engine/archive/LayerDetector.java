package social.fedimon.engine.archive;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Recognizes a layer by its first bytes, never by a file name. Every rule comes from the format's
 * own specification; ambiguous signatures (OpenPGP's packet headers, tar's checksum) are checked
 * further than the first byte so that media files are not mistaken for layers.
 */
public final class LayerDetector {

  /** Bytes to look at: one tar header block. */
  public static final int HEAD_BYTES = 512;

  // any version: a version we cannot read is reported as such, not as an unknown format
  private static final byte[] AGE = "age-encryption.org/".getBytes(StandardCharsets.US_ASCII);
  private static final String AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----";
  private static final String PGP_ARMOR = "-----BEGIN PGP MESSAGE-----";
  private static final byte[] XZ = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
  private static final byte[] SEVEN_Z = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C};
  private static final byte[] ZSTD = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
  private static final byte[] LZ4 = {0x04, 0x22, 0x4D, 0x18};
  private static final byte[] BZIP2_BLOCK = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
  private static final byte[] BZIP2_END = {0x17, 0x72, 0x45, 0x38, 0x50, (byte) 0x90};

  private LayerDetector() {}

  /** The layer that {@code head} (the first {@code length} bytes of a stream) starts, if any. */
  public static Optional<Layer> detect(byte[] head, int length) {
    if (startsWith(head, length, AGE) || armored(head, length, AGE_ARMOR)) {
      return Optional.of(Layer.AGE);
    }
    if (armored(head, length, PGP_ARMOR) || pgpBinary(head, length)) {
      return Optional.of(Layer.PGP);
    }
    if (length >= 3 && u(head[0]) == 0x1F && u(head[1]) == 0x8B && head[2] == 8) {
      return Optional.of(Layer.GZIP);
    }
    if (bzip2(head, length)) {
      return Optional.of(Layer.BZIP2);
    }
    if (startsWith(head, length, XZ)) {
      return Optional.of(Layer.XZ);
    }
    if (startsWith(head, length, ZSTD) || zstdSkippable(head, length)) {
      return Optional.of(Layer.ZSTD);
    }
    if (startsWith(head, length, LZ4)) {
      return Optional.of(Layer.LZ4);
    }
    if (zip(head, length)) {
      return Optional.of(Layer.ZIP);
    }
    if (startsWith(head, length, SEVEN_Z)) {
      return Optional.of(Layer.SEVEN_Z);
    }
    if (tar(head, length)) {
      return Optional.of(Layer.TAR);
    }
    return Optional.empty();
  }

  private static boolean bzip2(byte[] head, int length) {
    if (length < 10 || head[0] != 'B' || head[1] != 'Z' || head[2] != 'h') {
      return false;
    }
    if (head[3] < '1' || head[3] > '9') {
      return false;
    }
    return regionEquals(head, 4, BZIP2_BLOCK) || regionEquals(head, 4, BZIP2_END);
  }

  private static boolean zstdSkippable(byte[] head, int length) {
    // skippable frames: magic 0x184D2A5? little-endian, followed by a regular frame later
    return length >= 8
        && (u(head[0]) & 0xF0) == 0x50
        && u(head[1]) == 0x2A
        && u(head[2]) == 0x4D
        && u(head[3]) == 0x18;
  }

  private static boolean zip(byte[] head, int length) {
    if (length < 4 || head[0] != 'P' || head[1] != 'K') {
      return false;
    }
    // local file header, end of central directory (empty zip), spanning marker before a header
    return (head[2] == 3 && head[3] == 4)
        || (head[2] == 5 && head[3] == 6)
        || (head[2] == 7 && head[3] == 8 && length >= 8 && head[6] == 3 && head[7] == 4);
  }

  /**
   * An OpenPGP message that is encrypted starts with a public-key (tag 1) or symmetric-key (tag 3)
   * encrypted session key packet (RFC 9580 section 5.1, 5.3). Its header, version, algorithms and
   * length must agree, and when the next packet is in view it must be another session key or the
   * encrypted data: random bytes (a media file) then match about once in 10^9, not once in 10^4.
   */
  static boolean pgpBinary(byte[] head, int length) {
    int offset = 0;
    boolean sessionKey = false;
    while (offset < length) {
      long[] header = packetHeader(head, length, offset);
      if (header == null) {
        return false;
      }
      int tag = (int) header[0];
      int body = (int) header[1];
      long bodyLength = header[2];
      if (tag == 1 || tag == 3) {
        if (bodyLength < 0 || !sessionKeyBody(tag, head, length, body, (int) bodyLength)) {
          return false;
        }
        sessionKey = true;
        offset = (int) Math.min(Integer.MAX_VALUE, body + bodyLength);
        continue;
      }
      // after the session keys: symmetrically encrypted data, with or without integrity, or AEAD
      return sessionKey && (tag == 9 || tag == 18 || tag == 20);
    }
    return sessionKey; // the next packet is out of view
  }

  /** {tag, body offset, body length (-1 partial)} of the packet at {@code offset}, or null. */
  private static long @Nullable [] packetHeader(byte[] head, int length, int offset) {
    if (offset + 2 > length || (u(head[offset]) & 0x80) == 0) {
      return null;
    }
    int first = u(head[offset]);
    if ((first & 0x40) != 0) {
      int len0 = u(head[offset + 1]);
      if (len0 < 192) {
        return new long[] {first & 0x3F, offset + 2, len0};
      }
      if (len0 < 224) {
        if (offset + 3 > length) {
          return null;
        }
        return new long[] {
          first & 0x3F, offset + 3, ((len0 - 192) << 8) + u(head[offset + 2]) + 192
        };
      }
      if (len0 == 255) {
        if (offset + 6 > length) {
          return null;
        }
        long value = 0;
        for (int i = 2; i < 6; i++) {
          value = (value << 8) | u(head[offset + i]);
        }
        return new long[] {first & 0x3F, offset + 6, value};
      }
      return new long[] {first & 0x3F, offset + 2, -1}; // partial body length
    }
    int tag = (first >> 2) & 0x0F;
    int lengthBytes =
        switch (first & 0x03) {
          case 0 -> 1;
          case 1 -> 2;
          case 2 -> 4;
          default -> 0; // indeterminate: only for data packets
        };
    if (offset + 1 + lengthBytes > length) {
      return null;
    }
    long value = 0;
    for (int i = 1; i <= lengthBytes; i++) {
      value = (value << 8) | u(head[offset + i]);
    }
    return new long[] {tag, offset + 1 + lengthBytes, lengthBytes == 0 ? -1 : value};
  }

  private static final Set<Integer> SYMMETRIC = Set.of(1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13);
  private static final Set<Integer> HASHES = Set.of(1, 2, 3, 8, 9, 10, 11, 12, 14);
  private static final Set<Integer> PUBLIC_KEY = Set.of(1, 2, 16, 18, 20, 22, 25, 26);

  /**
   * Whether a session key packet's body is well formed, as far as {@code head} shows it. Session
   * key packets are small (an RSA one holds one MPI of the key's size; the others under 256 bytes),
   * so a random length from a random file rarely fits.
   */
  private static boolean sessionKeyBody(int tag, byte[] head, int length, int body, int size) {
    if (body >= length || size < 4) {
      return false;
    }
    int version = u(head[body]);
    if (tag == 1) {
      if (version == 3) {
        // version, 8-byte key id, algorithm, then the encrypted session key (MPIs)
        if (size < 12 || body + 12 > length || !PUBLIC_KEY.contains(u(head[body + 9]))) {
          return false;
        }
        int algorithm = u(head[body + 9]);
        int bits = (u(head[body + 10]) << 8) | u(head[body + 11]);
        if (algorithm == 1 || algorithm == 2) {
          // RSA: one MPI filling the rest of the packet exactly
          return bits > 0 && bits <= 16384 && size == 12 + (bits + 7) / 8;
        }
        if (algorithm == 16 || algorithm == 18 || algorithm == 20) {
          // Elgamal, ECDH: an MPI first, within the packet
          return bits > 0 && size <= 1100 && 12 + (bits + 7) / 8 <= size;
        }
        return size <= 256; // X25519, X448: a fixed-size point and a short wrapped key
      }
      if (version == 6) {
        // version, key version + fingerprint length (0, 21 or 33), that, algorithm
        if (body + 2 > length) {
          return false;
        }
        int fingerprint = u(head[body + 1]);
        int algorithm = body + 2 + fingerprint;
        return (fingerprint == 0 || fingerprint == 21 || fingerprint == 33)
            && size <= 1100
            && algorithm < length
            && PUBLIC_KEY.contains(u(head[algorithm]));
      }
      return false;
    }
    if (size > 128) {
      return false;
    }
    if (version == 4) {
      // version, cipher, S2K type, hash, salt (8) for types 1 and 3, count for type 3
      if (body + 3 >= length || !SYMMETRIC.contains(u(head[body + 1]))) {
        return false;
      }
      int s2k = u(head[body + 2]);
      int minimum =
          switch (s2k) {
            case 0 -> 4;
            case 1 -> 12;
            case 3 -> 13;
            default -> -1;
          };
      return minimum > 0 && size >= minimum && HASHES.contains(u(head[body + 3]));
    }
    if (version == 5 || version == 6) {
      // version, (v6: a count), cipher, AEAD mode
      int cipher = body + (version == 6 ? 2 : 1);
      return cipher + 1 < length
          && SYMMETRIC.contains(u(head[cipher]))
          && u(head[cipher + 1]) >= 1
          && u(head[cipher + 1]) <= 3;
    }
    return false;
  }

  /**
   * A tar header: the POSIX or GNU magic at offset 257, or for old V7 archives without magic, a
   * header checksum that matches (the checksum at 148 is the byte sum with itself as spaces).
   */
  static boolean tar(byte[] head, int length) {
    if (length < HEAD_BYTES) {
      return false;
    }
    boolean magic =
        head[257] == 'u'
            && head[258] == 's'
            && head[259] == 't'
            && head[260] == 'a'
            && head[261] == 'r'
            && (head[262] == 0 || head[262] == ' ');
    if (!checksumMatches(head)) {
      return false;
    }
    return magic || head[0] != 0;
  }

  private static boolean checksumMatches(byte[] head) {
    long stored = 0;
    boolean digits = false;
    for (int i = 148; i < 156; i++) {
      byte b = head[i];
      if (b >= '0' && b <= '7') {
        stored = stored * 8 + (b - '0');
        digits = true;
      } else if (b == 0 || b == ' ') {
        if (digits) {
          break;
        }
      } else {
        return false;
      }
    }
    if (!digits) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < HEAD_BYTES; i++) {
      byte b = (i >= 148 && i < 156) ? (byte) ' ' : head[i];
      unsigned += u(b);
      signed += b;
    }
    return stored == unsigned || stored == signed;
  }

  private static boolean armored(byte[] head, int length, String header) {
    int i = 0;
    while (i < length
        && i < 64
        && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
      i++;
    }
    byte[] expected = header.getBytes(StandardCharsets.US_ASCII);
    return length - i >= expected.length && regionEquals(head, i, expected);
  }

  private static boolean startsWith(byte[] head, int length, byte[] magic) {
    return length >= magic.length && regionEquals(head, 0, magic);
  }

  private static boolean regionEquals(byte[] head, int offset, byte[] expected) {
    if (head.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (head[offset + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u(byte b) {
    return b & 0xFF;
  }
}
