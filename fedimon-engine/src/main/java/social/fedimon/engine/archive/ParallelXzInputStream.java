package social.fedimon.engine.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Decodes xz on several cores when its blocks say how long they are, as every multi-threaded xz
 * encoder writes them ({@code xz -T}, the default of xz 5.4 and later): the reading thread cuts the
 * blocks by their headers, wraps each as a one-block xz stream of its own (stream header, the block
 * as it is, an index of one record, a footer) and worker threads decode those with XZ for Java,
 * which checks each block's own check (CRC64 and the like), while earlier blocks are handed out in
 * order. The real index and footer are checked against the blocks seen. A stream whose blocks do
 * not carry their sizes (single-threaded xz) or are larger than {@link #MAX_BLOCK} is decoded as
 * before, on one core. Concatenated streams and stream padding are read to the end.
 */
final class ParallelXzInputStream extends OrderedPieces {

  /** Blocks up to this size (each way) are held whole and decoded in parallel. */
  static final int MAX_BLOCK = 64 << 20;

  /** What the blocks in flight may hold, compressed and decoded together. */
  private static final long HELD_BYTES = 128L << 20;

  private static final byte[] MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};

  private final PushbackInputStream in;
  private final int memoryKib;
  private final ArrayDeque<Object> inFlight = new ArrayDeque<>(); // Future<byte[]> | InputStream
  private final List<long[]> records = new ArrayList<>(); // unpadded, uncompressed per block
  private int streamFlags = -1; // -1 between streams
  private int checkBytes;
  private int limit = 1;
  private boolean sequentialPending; // a stream is read on one core: the input is its until it ends
  private boolean sequentialHandedOut;
  private boolean streamsSeen;
  private boolean inputDone;

  /** With {@code threads} decoding threads of its own (tests and tools). */
  ParallelXzInputStream(InputStream in, int memoryKib, int threads) {
    this(in, memoryKib, new DecoderThreads(threads), true);
  }

  ParallelXzInputStream(InputStream in, int memoryKib, DecoderThreads threads) {
    this(in, memoryKib, threads, false);
  }

  private ParallelXzInputStream(
      InputStream in, int memoryKib, DecoderThreads threads, boolean ownThreads) {
    super(threads, ownThreads, "the xz stream");
    this.in =
        new PushbackInputStream(in, 12 + 1024); // a stream header and the largest block header
    this.memoryKib = memoryKib;
  }

  @Override
  protected @Nullable InputStream nextPiece() throws IOException {
    if (sequentialHandedOut) {
      // the consumer read that stream to its end: the input is ours again
      sequentialHandedOut = false;
      sequentialPending = false;
    }
    fill();
    Object head = inFlight.poll();
    if (head == null) {
      return null;
    }
    if (head instanceof InputStream sequential) {
      sequentialHandedOut = true;
      return sequential;
    }
    @SuppressWarnings("unchecked")
    Future<byte[]> decoded = (Future<byte[]>) head;
    return new ByteArrayInputStream(await(decoded));
  }

  private void fill() throws IOException {
    while (!inputDone && !sequentialPending && inFlight.size() < limit) {
      if (streamFlags < 0) {
        startStream();
        continue;
      }
      int first = in.read();
      if (first < 0) {
        throw new EOFException("the xz stream ends inside its blocks");
      }
      if (first == 0) {
        endStream();
        continue;
      }
      byte[] header = blockHeader(first);
      Block block = parseBlock(header);
      if (block == null) {
        throw new IOException(
            "an xz block without its sizes, in a stream whose blocks carried them: not supported");
      }
      byte[] mini = miniStream(header, block);
      int size = (int) block.uncompressed();
      inFlight.add(submit(() -> decode(mini, size)));
    }
  }

  private record Block(long compressed, long uncompressed) {}

  private void startStream() throws IOException {
    byte[] header = new byte[12];
    int n = in.readNBytes(header, 0, 12);
    if (n == 0 && streamsSeen) {
      inputDone = true;
      return;
    }
    if (n < 12) {
      throw new EOFException("the xz stream header is cut short");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        throw new IOException("not an xz stream (or garbage after one)");
      }
    }
    CRC32 crc = new CRC32();
    crc.update(header, 6, 2);
    if (header[6] != 0 || (header[7] & 0xF0) != 0 || (int) crc.getValue() != le32(header, 8)) {
      throw new IOException("the xz stream header is damaged");
    }
    streamsSeen = true;
    int flags = header[7] & 0x0F;
    int first = in.read();
    if (first < 0) {
      throw new EOFException("the xz stream ends after its header");
    }
    if (first != 0) {
      byte[] blockHeader = blockHeader(first);
      Block block = parseBlock(blockHeader);
      if (block == null) {
        // no sizes: this whole stream goes to XZ for Java, on this thread, as it comes
        in.unread(blockHeader);
        in.unread(header);
        inFlight.add(
            new SingleXZInputStream(new NonClosingInputStream(in), memoryKib) {
              private boolean ended;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int r = super.read(b, off, len);
                if (r < 0 && !ended) {
                  ended = true;
                  streamFlags = -1;
                  skipPadding();
                }
                return r;
              }
            });
        sequentialPending = true;
        streamFlags = -2; // set back to -1 when that stream has been read
        return;
      }
      in.unread(blockHeader);
    } else {
      in.unread(0);
    }
    streamFlags = flags;
    checkBytes = checkBytes(flags);
    records.clear();
  }

  private static int checkBytes(int flags) throws IOException {
    return switch (flags) {
      case 0x00 -> 0;
      case 0x01 -> 4;
      case 0x04 -> 8;
      case 0x0A -> 32;
      default -> throw new IOException("an xz check type FédiMon does not know (" + flags + ")");
    };
  }

  private byte[] blockHeader(int first) throws IOException {
    int size = (first + 1) * 4;
    byte[] header = new byte[size];
    header[0] = (byte) first;
    if (in.readNBytes(header, 1, size - 1) != size - 1) {
      throw new EOFException("an xz block header is cut short");
    }
    CRC32 crc = new CRC32();
    crc.update(header, 0, size - 4);
    if ((int) crc.getValue() != le32(header, size - 4)) {
      throw new IOException("an xz block header is damaged");
    }
    return header;
  }

  /** The block's sizes from its header, or null when it does not carry both or they are large. */
  private static @Nullable Block parseBlock(byte[] header) throws IOException {
    int flags = header[1] & 0xFF;
    if ((flags & 0xC0) != 0xC0) {
      return null;
    }
    int[] at = {2};
    long compressed = vli(header, at);
    long uncompressed = vli(header, at);
    if (compressed <= 0 || uncompressed < 0) {
      throw new IOException("an xz block header gives impossible sizes");
    }
    if (compressed > MAX_BLOCK || uncompressed > MAX_BLOCK) {
      return null;
    }
    return new Block(compressed, uncompressed);
  }

  /**
   * The block as a one-block xz stream of its own: what a worker decodes. Built in one array of its
   * exact size, the block's bytes read straight into it (a block may be 64 MiB).
   */
  private byte[] miniStream(byte[] header, Block block) throws IOException {
    int padding = (int) ((4 - (block.compressed() & 3)) & 3);
    int body = (int) block.compressed() + padding + checkBytes;
    long unpadded = header.length + block.compressed() + checkBytes;
    byte[] index = index(List.<long[]>of(new long[] {unpadded, block.uncompressed()}));
    byte[] footer = footer(index.length, streamFlags);
    byte[] stream = new byte[12 + header.length + body + index.length + footer.length];
    System.arraycopy(MAGIC, 0, stream, 0, MAGIC.length);
    stream[7] = (byte) streamFlags;
    CRC32 crc = new CRC32();
    crc.update(stream, 6, 2);
    putLe32(stream, 8, (int) crc.getValue());
    System.arraycopy(header, 0, stream, 12, header.length);
    int at = 12 + header.length;
    if (in.readNBytes(stream, at, body) != body) {
      throw new EOFException("an xz block is cut short");
    }
    for (int i = 0; i < padding; i++) {
      if (stream[at + (int) block.compressed() + i] != 0) {
        throw new IOException("an xz block's padding is not zero");
      }
    }
    at += body;
    System.arraycopy(index, 0, stream, at, index.length);
    System.arraycopy(footer, 0, stream, at + index.length, footer.length);
    records.add(new long[] {unpadded, block.uncompressed()});
    long each = block.compressed() + block.uncompressed();
    limit = (int) Math.max(1, Math.min(ahead, HELD_BYTES / Math.max(1, each)));
    return stream;
  }

  private static byte[] index(List<long[]> entries) {
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    index.write(0);
    writeVli(index, entries.size());
    for (long[] record : entries) {
      writeVli(index, record[0]);
      writeVli(index, record[1]);
    }
    while (index.size() % 4 != 0) {
      index.write(0);
    }
    CRC32 crc = new CRC32();
    crc.update(index.toByteArray());
    byte[] sum = new byte[4];
    putLe32(sum, 0, (int) crc.getValue());
    index.writeBytes(sum);
    return index.toByteArray();
  }

  private static byte[] footer(int indexBytes, int flags) {
    byte[] footer = new byte[12];
    putLe32(footer, 4, indexBytes / 4 - 1);
    footer[9] = (byte) flags;
    footer[10] = 'Y';
    footer[11] = 'Z';
    CRC32 crc = new CRC32();
    crc.update(footer, 4, 6);
    putLe32(footer, 0, (int) crc.getValue());
    return footer;
  }

  /** The stream's own index (its indicator byte read) and footer, checked against the blocks. */
  private void endStream() throws IOException {
    byte[] expected = index(records);
    byte[] actual = new byte[expected.length];
    actual[0] = 0;
    if (in.readNBytes(actual, 1, actual.length - 1) != actual.length - 1) {
      throw new EOFException("the xz index is cut short");
    }
    if (!java.util.Arrays.equals(expected, actual)) {
      throw new IOException("the xz index does not match the blocks (blocks missing or damaged)");
    }
    byte[] footer = in.readNBytes(12);
    if (!java.util.Arrays.equals(footer, footer(expected.length, streamFlags))) {
      throw new IOException("the xz stream footer is damaged or does not match its header");
    }
    streamFlags = -1;
    skipPadding();
  }

  /** Stream padding: groups of four zero bytes between and after streams. */
  private void skipPadding() throws IOException {
    while (true) {
      byte[] group = in.readNBytes(4);
      if (group.length == 0) {
        inputDone = true;
        return;
      }
      if (group.length < 4) {
        throw new IOException("garbage after the xz stream");
      }
      if (group[0] != 0 || group[1] != 0 || group[2] != 0 || group[3] != 0) {
        in.unread(group);
        return;
      }
    }
  }

  private byte[] decode(byte[] stream, int size) throws IOException {
    return decodeWhole(
        new XZInputStream(new ByteArrayInputStream(stream), memoryKib), size, "an xz block");
  }

  @Override
  protected void cancelInFlight() {
    cancelAll(inFlight);
  }

  private static long vli(byte[] b, int[] at) throws IOException {
    long value = 0;
    for (int i = 0; i < 9; i++) {
      if (at[0] >= b.length) {
        throw new IOException("an xz size runs past its header");
      }
      int x = b[at[0]++] & 0xFF;
      value |= (long) (x & 0x7F) << (7 * i);
      if ((x & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("an xz size is too long");
  }

  private static void writeVli(ByteArrayOutputStream out, long value) {
    while (value >= 0x80) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static int le32(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
  }

  private static void putLe32(byte[] b, int at, int value) {
    b[at] = (byte) value;
    b[at + 1] = (byte) (value >>> 8);
    b[at + 2] = (byte) (value >>> 16);
    b[at + 3] = (byte) (value >>> 24);
  }
}
