package social.fedimon.engine.dump;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Counts newline bytes eight at a time (a SWAR zero-byte count on {@code word ^ 0x0A0A...}): rows
 * of COPY data are lines, and a dump holds billions of bytes of them.
 */
final class Newlines {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

  private Newlines() {}

  static long count(byte[] bytes, int offset, int length) {
    long count = 0;
    int i = offset;
    int end = offset + length;
    for (; i + 8 <= end; i += 8) {
      long x = (long) LONGS.get(bytes, i) ^ NEWLINES;
      // a byte of x is zero where the input had '\n': this sets 0x80 in exactly those bytes
      long y = ~(((x & LOW7) + LOW7) | x | LOW7);
      count += Long.bitCount(y);
    }
    for (; i < end; i++) {
      if (bytes[i] == '\n') {
        count++;
      }
    }
    return count;
  }

  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

  /**
   * The index of the first backslash in {@code (from, to)} that begins a line (follows a {@code
   * '\n'}), or -1. Backslashes are rare in COPY data, so words without one are skipped whole.
   */
  static int lineStartingWithBackslash(byte[] bytes, int from, int to) {
    int i = from + 1;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(bytes, i) ^ BACKSLASHES;
      long y = ~(((x & LOW7) + LOW7) | x | LOW7);
      if (y == 0) {
        continue;
      }
      for (int j = i; j < i + 8; j++) {
        if (bytes[j] == '\\' && bytes[j - 1] == '\n') {
          return j;
        }
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '\\' && bytes[i - 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * One pass of {@link #count} and {@link #lineStartingWithBackslash} together, for the lexer's
   * COPY data: scans {@code [from, to)} up to the first backslash after {@code from} that begins a
   * line.
   *
   * @return that backslash's index (or {@code to}) in the high 32 bits, the number of newlines
   *     before it in the low 32 bits; {@code to - from} must be below 2^31
   */
  private static final long ONES = 0x0101010101010101L;

  private static final long HIGH = 0x8080808080808080L;

  private static long backslashStarts(long b, long newlines, long carry) {
    long backslashes = ~(((b & LOW7) + LOW7) | b | LOW7);
    return backslashes & ((newlines << 8) | carry);
  }

  static long scanCopyData(byte[] bytes, int from, int to) {
    int count = 0;
    int i = from;
    long carry = 0; // 0x80 when the byte before the current word is a newline
    for (; i + 8 <= to; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      long x = word ^ NEWLINES;
      long newlines = ~(((x & LOW7) + LOW7) | x | LOW7);
      long b = word ^ BACKSLASHES;
      // the cheap test first (it may see a backslash that is not there, never miss one)
      long starts = ((b - ONES) & ~b & HIGH) == 0 ? 0 : backslashStarts(b, newlines, carry);
      if (starts != 0) {
        int k = Long.numberOfTrailingZeros(starts) >>> 3;
        long before = k == 0 ? 0 : newlines & ((1L << (8 * k)) - 1);
        return ((long) (i + k) << 32) | (count + Long.bitCount(before));
      }
      count += Long.bitCount(newlines);
      carry = (newlines >>> 63) << 7;
    }
    for (; i < to; i++) {
      byte c = bytes[i];
      if (c == '\\' && i > from && bytes[i - 1] == '\n') {
        return ((long) i << 32) | count;
      }
      if (c == '\n') {
        count++;
      }
    }
    return ((long) to << 32) | count;
  }
}
