package social.fedimon.engine.archive;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Recognizes a layer by its first bytes, never by a file name. Every rule comes from the format's
 * own specification; ambiguous signatures (OpenPGP's packet headers, tar's checksum) are checked
 * further than the first byte so that media files are not mistaken for layers.
 */
public final class LayerDetector {

  /** Bytes to look at: one tar header block. */
  public static final int HEAD_BYTES = 512;

  private static final byte[] AGE = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);
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
   * encrypted session key packet (RFC 9580 section 4.2). The version byte after the length rules
   * out most other binary files whose first byte happens to look like a packet header.
   */
  private static boolean pgpBinary(byte[] head, int length) {
    if (length < 4 || (u(head[0]) & 0x80) == 0) {
      return false;
    }
    int first = u(head[0]);
    int tag;
    int bodyOffset;
    if ((first & 0x40) != 0) {
      tag = first & 0x3F;
      int len0 = u(head[1]);
      if (len0 < 192) {
        bodyOffset = 2;
      } else if (len0 < 224) {
        bodyOffset = 3;
      } else if (len0 == 255) {
        bodyOffset = 6;
      } else {
        return false; // partial lengths are not allowed for session key packets
      }
    } else {
      tag = (first >> 2) & 0x0F;
      int lengthType = first & 0x03;
      bodyOffset =
          switch (lengthType) {
            case 0 -> 2;
            case 1 -> 3;
            case 2 -> 5;
            default -> -1;
          };
      if (bodyOffset < 0) {
        return false;
      }
    }
    if (bodyOffset >= length) {
      return false;
    }
    int version = u(head[bodyOffset]);
    return switch (tag) {
      case 1 -> version == 3 || version == 6;
      case 3 -> version == 4 || version == 5 || version == 6;
      default -> false;
    };
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
