package social.fedimon.engine.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Decodes bzip2 on several cores. bzip2 blocks are independent: each starts with a 48-bit magic at
 * any bit offset and carries its own CRC. The reading thread finds the block boundaries, wraps each
 * block's bits as a one-block stream of its own (header, block, end marker, stream CRC = the
 * block's CRC), and worker threads decode those with Commons Compress while the reader hands out
 * earlier blocks' bytes in order. Every block CRC and every stream's combined CRC is checked, as
 * {@code bzip2 -d} does; concatenated streams are read to the end.
 *
 * <p>The magic can also occur by chance inside a block's coded bits. Such a false boundary makes
 * the piece before it fail to decode; the piece is then joined with the next and decoded again (a
 * few times at most, and never beyond the largest block bzip2 can write).
 *
 * <p>Memory stays bounded: a few blocks are in flight, a decoded block is kept whole only up to
 * {@link #MAX_HELD_BYTES}, and a block expanding further (runs of one byte) is streamed instead.
 */
final class ParallelBzip2InputStream extends OrderedPieces {

  static final long BLOCK_MAGIC = 0x314159265359L;
  static final long END_MAGIC = 0x177245385090L;
  private static final long MASK_48 = (1L << 48) - 1;

  /** Larger than any block bzip2 writes (900k symbols of at most 20 bits, plus tables). */
  static final int MAX_BLOCK_BYTES = 3 << 20;

  /** A decoded block larger than this is streamed by the reading thread rather than held. */
  static final int MAX_HELD_BYTES = 8 << 20;

  /** Pieces joined at most, after false boundaries, before giving up. */
  private static final int MAX_JOINS = 4;

  private final Splitter splitter;
  private final ArrayDeque<Object> inFlight = new ArrayDeque<>();
  private int combinedCrc;
  private boolean inputDone;
  private int falseBoundaries;

  /**
   * @param threads decoding threads; the reading thread finds boundaries and hands out bytes
   */
  ParallelBzip2InputStream(InputStream in, DecoderThreads threads) {
    this(new Splitter(in, null), threads, false);
  }

  /** With {@code threads} decoding threads of its own (tests and tools). */
  ParallelBzip2InputStream(InputStream in, int threads) {
    this(new Splitter(in, null), new DecoderThreads(threads), true);
  }

  private ParallelBzip2InputStream(Splitter splitter, DecoderThreads threads, boolean own) {
    super(threads, own, "the bzip2 stream");
    this.splitter = splitter;
  }

  /** For tests: cuts at {@code falseCuts} (ascending bit positions) too, as chance magics would. */
  static ParallelBzip2InputStream withFalseBoundaries(InputStream in, long... falseCuts) {
    return new ParallelBzip2InputStream(new Splitter(in, falseCuts), new DecoderThreads(2), true);
  }

  /** The end of one stream, with the CRC it says its blocks combine to. */
  private record StreamEnd(int crc) {}

  /** One block (or, after joins, what a false boundary cut in two) as a stream of its own. */
  record Piece(byte[] stream, long blockBits, int blockCrc, int level) {}

  private record Pending(Piece piece, Future<Object> decoded) {}

  /** The next block's bytes, in order; null at the end of the input. */
  @Override
  protected @Nullable InputStream nextPiece() throws IOException {
    while (true) {
      fill();
      Object head = inFlight.poll();
      if (head == null) {
        return null;
      }
      if (head instanceof StreamEnd end) {
        if (end.crc() != combinedCrc) {
          throw new IOException(
              "damaged bzip2 data: a stream's CRC does not match its blocks (blocks missing or"
                  + " out of order)");
        }
        combinedCrc = 0;
        continue;
      }
      Pending pending = (Pending) head;
      Object decoded = outcome(pending.decoded());
      Piece piece = pending.piece();
      int joins = 0;
      while (decoded instanceof Exception failure) {
        // perhaps a false boundary: join with the next piece of the same stream and try again
        fill();
        if (joins >= MAX_JOINS || !(inFlight.peek() instanceof Pending next)) {
          throw failure instanceof IOException io
              ? io
              : new IOException("damaged bzip2 data: " + failure.getMessage(), failure);
        }
        Piece joined = join(piece, next.piece());
        if (joined == null) {
          throw failure instanceof IOException io
              ? io
              : new IOException("damaged bzip2 data: " + failure.getMessage(), failure);
        }
        inFlight.poll();
        next.decoded().cancel(false);
        piece = joined;
        decoded = decode(piece);
        joins++;
        falseBoundaries++;
      }
      combinedCrc = Integer.rotateLeft(combinedCrc, 1) ^ piece.blockCrc();
      if (decoded instanceof byte[] bytes) {
        return new ByteArrayInputStream(bytes);
      }
      // too large to hold: stream it here
      return new BZip2CompressorInputStream(new ByteArrayInputStream(piece.stream()), false);
    }
  }

  private void fill() throws IOException {
    while (!inputDone && inFlight.size() < ahead) {
      Object item = splitter.next();
      if (item == null) {
        inputDone = true;
      } else if (item instanceof Piece piece) {
        inFlight.add(new Pending(piece, submit(() -> decode(piece))));
      } else {
        inFlight.add(item);
      }
    }
  }

  private static Object outcome(Future<Object> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while decoding bzip2");
    } catch (ExecutionException e) {
      return e.getCause() instanceof Exception cause ? cause : new IOException(e.getCause());
    }
  }

  /**
   * The block's bytes, {@link Boolean#TRUE} when they are more than {@link #MAX_HELD_BYTES}, or the
   * exception that decoding it ended with.
   */
  static Object decode(Piece piece) {
    try (InputStream in =
        new BZip2CompressorInputStream(new ByteArrayInputStream(piece.stream()), false)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(piece.stream().length * 4);
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        if (out.size() > MAX_HELD_BYTES) {
          // decode to the end to check the CRC, then let the reader stream it
          in.transferTo(java.io.OutputStream.nullOutputStream());
          return Boolean.TRUE;
        }
      }
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }

  /** Two adjacent pieces as one, or null when that is larger than any real block. */
  static @Nullable Piece join(Piece first, Piece second) {
    long bits = first.blockBits() + second.blockBits();
    if (bits > MAX_BLOCK_BYTES * 8L) {
      return null;
    }
    BitWriter out = new BitWriter(bits);
    out.header(first.level());
    out.copy(first.stream(), 32, first.blockBits());
    out.copy(second.stream(), 32, second.blockBits());
    out.trailer(first.blockCrc());
    return new Piece(out.bytes(), bits, first.blockCrc(), first.level());
  }

  /** Pieces joined after false boundaries so far. */
  int joined() {
    return falseBoundaries;
  }

  @Override
  protected void cancelInFlight() {
    for (Object item : inFlight) {
      if (item instanceof Pending pending) {
        pending.decoded().cancel(true);
      }
    }
    inFlight.clear();
  }

  @Override
  public void close() throws IOException {
    super.close();
    splitter.close();
  }

  /** Writes a one-block stream bit by bit, most significant first, as bzip2 does. */
  static final class BitWriter {
    private byte[] bytes;
    private long bit;

    BitWriter(long blockBits) {
      bytes = new byte[(int) ((32 + blockBits + 80 + 7) / 8) + 1];
    }

    void header(int level) {
      write('B', 8);
      write('Z', 8);
      write('h', 8);
      write('0' + level, 8);
    }

    void trailer(int crc) {
      write(END_MAGIC, 48);
      write(crc & 0xFFFFFFFFL, 32);
    }

    void write(long value, int n) {
      for (int i = n - 1; i >= 0; i--) {
        if (((value >>> i) & 1) != 0) {
          bytes[(int) (bit >>> 3)] |= (byte) (0x80 >>> (bit & 7));
        }
        bit++;
      }
    }

    /** Appends {@code n} bits of {@code source} from bit {@code from}. */
    void copy(byte[] source, long from, long n) {
      long end = from + n;
      long at = from;
      // bit by bit to a byte boundary of the output, then a byte at a time
      while (at < end && (bit & 7) != 0) {
        write((source[(int) (at >>> 3)] >>> (7 - (at & 7))) & 1, 1);
        at++;
      }
      int shift = (int) (at & 7);
      while (end - at >= 8) {
        int index = (int) (at >>> 3);
        int value = (source[index] & 0xFF) << shift;
        if (shift != 0) {
          value |= (source[index + 1] & 0xFF) >>> (8 - shift);
        }
        bytes[(int) (bit >>> 3)] = (byte) value;
        bit += 8;
        at += 8;
      }
      while (at < end) {
        write((source[(int) (at >>> 3)] >>> (7 - (at & 7))) & 1, 1);
        at++;
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, (int) ((bit + 7) >>> 3));
    }
  }

  /**
   * Reads the compressed input once, in order, and cuts it into pieces at block magics, and stream
   * ends at end-of-stream magics. Holds only the bytes of the block being cut.
   */
  static final class Splitter {
    private final InputStream in;
    private final long @Nullable [] falseCuts;
    private int nextFalseCut;

    /** Input bytes from absolute index {@code base}; {@code length} of them are valid. */
    private byte[] buffer = new byte[1 << 20];

    private long base;
    private int length;
    private boolean eof;

    /** Next byte to scan, absolute. */
    private long position;

    private long window;
    private long windowBits;
    private long minStart;

    /** Absolute bit where the current block's magic starts, or -1. */
    private long blockStart = -1;

    private long pendingEnd = -1;
    private long header;
    private boolean inHeader = true;
    private boolean firstStream = true;
    private int level;
    private final ArrayDeque<Object> ready = new ArrayDeque<>();

    Splitter(InputStream in, long @Nullable [] falseCuts) {
      this.in = in;
      this.falseCuts = falseCuts;
    }

    /** The next piece or stream end, or null at the end of the input. */
    @Nullable Object next() throws IOException {
      while (ready.isEmpty()) {
        if (inHeader) {
          if (!readHeader()) {
            return null;
          }
          continue;
        }
        if (pendingEnd >= 0 && position * 8 >= pendingEnd + 32) {
          int crc = (int) bits(pendingEnd, 32);
          header = (pendingEnd + 32 + 7) >>> 3;
          pendingEnd = -1;
          inHeader = true;
          ready.add(new StreamEnd(crc));
          continue;
        }
        scanByte();
      }
      return ready.poll();
    }

    private boolean readHeader() throws IOException {
      position = header;
      if (!available(header, 1)) {
        if (firstStream) {
          throw new IOException("the bzip2 data are empty");
        }
        return false;
      }
      if (!available(header, 4)
          || byteAt(header) != 'B'
          || byteAt(header + 1) != 'Z'
          || byteAt(header + 2) != 'h'
          || byteAt(header + 3) < '1'
          || byteAt(header + 3) > '9') {
        throw new IOException(
            firstStream
                ? "not bzip2 data: no BZh header"
                : "damaged bzip2 data: garbage after the end of a stream");
      }
      level = byteAt(header + 3) - '0';
      firstStream = false;
      inHeader = false;
      position = header + 4;
      window = 0;
      windowBits = 0;
      minStart = position * 8;
      return true;
    }

    private void scanByte() throws IOException {
      if (!available(position, 1)) {
        throw new java.io.EOFException(
            blockStart >= 0
                ? "the bzip2 data end in the middle of a block"
                : "the bzip2 data end before the end of their stream");
      }
      window = (window << 8) | byteAt(position);
      position++;
      windowBits += 8;
      for (int shift = 7; shift >= 0; shift--) {
        if (windowBits - shift < 48) {
          continue;
        }
        long start = position * 8 - shift - 48;
        long candidate = (window >>> shift) & MASK_48;
        boolean falseCut = isFalseCut(start);
        if ((candidate != BLOCK_MAGIC && candidate != END_MAGIC && !falseCut) || start < minStart) {
          continue;
        }
        if (blockStart < 0 && start != (header + 4) * 8) {
          throw new IOException("damaged bzip2 data: a stream does not begin with a block");
        }
        if (blockStart >= 0) {
          ready.add(piece(blockStart, start));
        }
        if (candidate == END_MAGIC) {
          blockStart = -1;
          pendingEnd = start + 48;
          minStart = Long.MAX_VALUE;
        } else {
          blockStart = start;
          minStart = start + (falseCut ? 1 : 80);
        }
      }
      if (blockStart >= 0 && position * 8 - blockStart > MAX_BLOCK_BYTES * 8L) {
        throw new IOException("damaged bzip2 data: a block is larger than bzip2 ever writes");
      }
    }

    private boolean isFalseCut(long start) {
      if (falseCuts == null || nextFalseCut >= falseCuts.length) {
        return false;
      }
      if (falseCuts[nextFalseCut] == start) {
        nextFalseCut++;
        return true;
      }
      return false;
    }

    private Piece piece(long from, long to) {
      long blockBits = to - from;
      int crc = (int) bits(from + 48, 32);
      BitWriter out = new BitWriter(blockBits);
      out.header(level);
      out.copy(buffer, from - base * 8, blockBits);
      out.trailer(crc);
      return new Piece(out.bytes(), blockBits, crc, level);
    }

    private long bits(long from, int n) {
      long value = 0;
      for (long at = from; at < from + n; at++) {
        int b = buffer[(int) ((at >>> 3) - base)];
        value = (value << 1) | ((b >>> (7 - (at & 7))) & 1);
      }
      return value;
    }

    private int byteAt(long index) {
      return buffer[(int) (index - base)] & 0xFF;
    }

    /** Whether bytes [from, from + n) are in the buffer, reading (and compacting) as needed. */
    private boolean available(long from, int n) throws IOException {
      while (from + n > base + length) {
        if (eof) {
          return false;
        }
        long keep = blockStart >= 0 ? blockStart >>> 3 : pendingEnd >= 0 ? pendingEnd >>> 3 : from;
        keep = Math.min(keep, from);
        int drop = (int) (keep - base);
        if (drop > 0) {
          System.arraycopy(buffer, drop, buffer, 0, length - drop);
          base += drop;
          length -= drop;
        }
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n2 = in.read(buffer, length, buffer.length - length);
        if (n2 < 0) {
          eof = true;
        } else {
          length += n2;
        }
      }
      return true;
    }

    void close() throws IOException {
      in.close();
    }
  }
}
