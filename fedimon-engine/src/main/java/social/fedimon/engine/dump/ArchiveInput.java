package social.fedimon.engine.dump;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.ProblemCode;

/**
 * The primitive reads of pg_dump's archive format (pg_backup_archiver.c: ReadInt, ReadStr,
 * ReadOffset), with limits: integers are a sign byte then {@code intSize} bytes, least significant
 * first; strings an integer length (-1 for null) then the bytes.
 */
final class ArchiveInput {

  /** One TOC string (a definition, a COPY statement) larger than this is not a real dump. */
  static final int MAX_STRING_BYTES = 64 << 20;

  private final InputStream in;
  private final String where;
  private int intSize = 4;
  private int offSize = 8;
  private long position;

  ArchiveInput(InputStream in, String where) {
    this.in = in;
    this.where = where;
  }

  void sizes(int intSize, int offSize) {
    if (intSize < 1 || intSize > 8 || offSize < 1 || offSize > 8) {
      throw corrupt("integer size " + intSize + " or offset size " + offSize + " is not 1 to 8");
    }
    this.intSize = intSize;
    this.offSize = offSize;
  }

  long position() {
    return position;
  }

  InputStream stream() {
    return in;
  }

  int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the dump ends in the middle of its " + where);
    }
    position++;
    return b;
  }

  /** A byte, or -1 at the end of the input (between data blocks, the end is normal). */
  int readByteOrEnd() throws IOException {
    int b = in.read();
    if (b >= 0) {
      position++;
    }
    return b;
  }

  long readInt() throws IOException {
    int sign = readByte();
    long value = 0;
    for (int i = 0; i < intSize; i++) {
      long b = readByte();
      if (i < 8) {
        value |= b << (8 * i);
      }
    }
    if (intSize >= 8 && value < 0) {
      throw corrupt("an integer does not fit in 63 bits");
    }
    return sign == 0 ? value : -value;
  }

  /** An integer that must fit in an int and lie in [min, max]. */
  int readInt(String what, long min, long max) throws IOException {
    long value = readInt();
    if (value < min || value > max) {
      throw corrupt(what + " is " + value + ", outside " + min + ".." + max);
    }
    return (int) value;
  }

  @Nullable String readString() throws IOException {
    long length = readInt();
    if (length < 0) {
      return null;
    }
    if (length > MAX_STRING_BYTES) {
      throw DumpRejected.of(
          ProblemCode.SIZE_LIMIT,
          "a string in the dump's "
              + where
              + " is "
              + length
              + " bytes long, above the limit of "
              + MAX_STRING_BYTES);
    }
    byte[] bytes = in.readNBytes((int) length);
    if (bytes.length < length) {
      throw new EOFException("the dump ends in the middle of its " + where);
    }
    position += length;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A data offset: a flag byte (1 not set, 2 set, 3 no data), then {@code offSize} bytes. */
  long[] readOffset() throws IOException {
    int flag = readByte();
    if (flag < 1 || flag > 3) {
      throw corrupt("data offset flag " + flag + " is not 1, 2 or 3");
    }
    long offset = 0;
    for (int i = 0; i < offSize; i++) {
      long b = readByte();
      if (i < 8) {
        offset |= b << (8 * i);
      }
    }
    return new long[] {flag, offset};
  }

  void readFully(byte[] buffer, int length) throws IOException {
    int n = in.readNBytes(buffer, 0, length);
    if (n < length) {
      throw new EOFException("the dump ends in the middle of its " + where);
    }
    position += length;
  }

  DumpRejected corrupt(String detail) {
    return DumpRejected.of(ProblemCode.CORRUPT, "the dump's " + where + " is damaged: " + detail);
  }
}
