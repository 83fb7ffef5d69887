package social.fedimon.engine.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.tukaani.xz.LZMA2InputStream;

/**
 * Decodes a raw LZMA2 stream (a 7z coder's) on several cores when it resets its dictionary now and
 * then, as 7-Zip's multi-threaded encoder does every block: LZMA2 chunk headers give each chunk's
 * sizes, so the reading thread cuts the stream before every dictionary reset without decoding it,
 * and workers decode the independent segments with XZ for Java, handed out in order. A segment that
 * grows past {@link #MAX_SEGMENT} without a reset (a single-threaded encoder's stream) is not held:
 * from there on the stream is decoded on one core, as before. At most a few segments are in flight
 * (each under {@link #MAX_SEGMENT}, each way), so memory stays within tens of megabytes.
 */
final class ParallelLzma2InputStream extends OrderedPieces {

  /** Unpacked bytes a segment may reach before the rest of the stream is read on one core. */
  static final int MAX_SEGMENT = 4 << 20;

  private final InputStream in;
  private final int dictSize;
  private final ArrayDeque<Object> inFlight = new ArrayDeque<>(); // Future<byte[]> | InputStream
  private final ByteArrayOutputStream segment = new ByteArrayOutputStream();
  private long segmentUnpacked;
  private int segments;
  private boolean inputDone;

  /** With {@code threads} decoding threads of its own (tests and tools). */
  ParallelLzma2InputStream(InputStream in, int dictSize, int threads) {
    this(in, dictSize, new DecoderThreads(threads), true);
  }

  ParallelLzma2InputStream(InputStream in, int dictSize, DecoderThreads threads) {
    this(in, dictSize, threads, false);
  }

  private ParallelLzma2InputStream(
      InputStream in, int dictSize, DecoderThreads threads, boolean ownThreads) {
    super(threads, ownThreads, "the LZMA2 stream");
    this.in = in;
    this.dictSize = dictSize;
  }

  @Override
  protected @Nullable InputStream nextPiece() throws IOException {
    fill();
    Object head = inFlight.poll();
    if (head == null) {
      return null;
    }
    if (head instanceof InputStream rest) {
      return rest;
    }
    @SuppressWarnings("unchecked")
    Future<byte[]> decoded = (Future<byte[]>) head;
    return new ByteArrayInputStream(await(decoded));
  }

  private void fill() throws IOException {
    while (!inputDone && inFlight.size() < ahead) {
      int control = in.read();
      if (control < 0) {
        throw new EOFException("the LZMA2 stream ends without its end marker");
      }
      if (control == 0) {
        submitSegment();
        inputDone = true;
        return;
      }
      boolean reset = control == 0x01 || control >= 0xE0;
      if (reset && segment.size() > 0) {
        submitSegment();
      }
      byte[] header = new byte[control >= 0xC0 ? 5 : control >= 0x80 ? 4 : 2];
      if (control < 0x80 && control > 0x02) {
        throw new IOException("damaged LZMA2 data: an unknown chunk type");
      }
      if (in.readNBytes(header, 0, header.length) != header.length) {
        throw new EOFException("an LZMA2 chunk header is cut short");
      }
      int unpacked;
      int packed;
      if (control >= 0x80) {
        unpacked = (((control & 0x1F) << 16) | ((header[0] & 0xFF) << 8) | (header[1] & 0xFF)) + 1;
        packed = (((header[2] & 0xFF) << 8) | (header[3] & 0xFF)) + 1;
      } else {
        unpacked = (((header[0] & 0xFF) << 8) | (header[1] & 0xFF)) + 1;
        packed = unpacked;
      }
      byte[] body = in.readNBytes(packed);
      if (body.length != packed) {
        throw new EOFException("an LZMA2 chunk is cut short");
      }
      segment.write(control);
      segment.write(header);
      segment.write(body);
      segmentUnpacked += unpacked;
      if (segmentUnpacked > MAX_SEGMENT) {
        // no reset in sight: the rest goes to one decoder, after what came before
        byte[] start = segment.toByteArray();
        segment.reset();
        segmentUnpacked = 0;
        inFlight.add(
            new LZMA2InputStream(
                new SequenceInputStream(
                    new ByteArrayInputStream(start), new NonClosingInputStream(in)),
                dictSize));
        inputDone = true;
        return;
      }
    }
  }

  private void submitSegment() {
    if (segment.size() == 0) {
      return;
    }
    segment.write(0); // the end marker, so the segment is a whole LZMA2 stream
    byte[] bytes = segment.toByteArray();
    int size = (int) segmentUnpacked;
    segment.reset();
    segmentUnpacked = 0;
    segments++;
    inFlight.add(submit(() -> decode(bytes, size)));
  }

  /** For tests: how many segments went to the workers. */
  int segments() {
    return segments;
  }

  private byte[] decode(byte[] stream, int size) throws IOException {
    // nothing before a dictionary reset can be referenced: the segment's size is dictionary enough
    int dictionary = Math.max(4096, Math.min(dictSize, size));
    return decodeWhole(
        new LZMA2InputStream(new ByteArrayInputStream(stream), dictionary),
        size,
        "an LZMA2 segment");
  }

  @Override
  protected void cancelInFlight() {
    cancelAll(inFlight);
  }
}
