package social.fedimon.engine.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * The payload of an age file, decrypted on several cores. The payload is a 16-byte nonce, then
 * chunks of 64 KiB of plaintext, each sealed on its own with ChaCha20-Poly1305 under the payload
 * key, with an 11-byte chunk counter and a last-chunk flag as nonce (age-encryption.org/v1). The
 * chunks are independent, so the reading thread cuts them and worker threads open them, handed out
 * in order. A chunk that fails authentication, a payload cut at a chunk boundary (its last chunk
 * then lacks the last flag) or a chunk shorter than its tag are refused.
 */
final class AgePayload extends OrderedPieces {

  static final int CHUNK = 64 * 1024;
  static final int TAG = 16;
  private static final int SEALED = CHUNK + TAG;
  // chunks opened by one task: one hand-over per 512 KiB rather than per 64 KiB
  private static final int BATCH = 8;

  private final InputStream in;
  private final ArrayDeque<Future<Piece>> inFlight = new ArrayDeque<>();
  // buffers go round: read into a sealed one, opened into a plain one, handed out, given back
  private final BlockingQueue<byte[]> sealedBuffers = new LinkedBlockingQueue<>();
  private final BlockingQueue<byte[]> plainBuffers = new LinkedBlockingQueue<>();
  // one opener per worker, taken for a batch and given back; freed once no worker runs
  private final BlockingQueue<ChaChaBoxes> openers = new LinkedBlockingQueue<>();
  private int carried = -1; // the byte read to learn whether the payload went on, or -1
  private byte @Nullable [] handedOut;
  private long counter;
  private boolean done;

  /**
   * A batch opened: its plaintext, and when one of its chunks failed, why; the chunks before the
   * failing one are handed out first, as a streaming decrypter would have released them.
   */
  private record Piece(byte[] plain, int length, @Nullable IOException failure) {}

  private @Nullable IOException pendingFailure;

  /**
   * @param in the ciphertext after the payload nonce
   * @param payloadKey the key derived from the file key and the payload nonce
   */
  AgePayload(InputStream in, byte[] payloadKey, DecoderThreads threads)
      throws GeneralSecurityException {
    this(in, payloadKey, threads, false);
  }

  /** With {@code threads} decoding threads of its own (tests and tools). */
  AgePayload(InputStream in, byte[] payloadKey, int threads) throws GeneralSecurityException {
    this(in, payloadKey, new DecoderThreads(threads), true);
  }

  private AgePayload(InputStream in, byte[] payloadKey, DecoderThreads threads, boolean own)
      throws GeneralSecurityException {
    super(threads, own, "the age payload");
    this.in = in;
    try {
      // one opener per task that may run at once: at most the pieces in flight
      for (int i = 0; i < ahead; i++) {
        openers.add(ChaChaBoxes.forKey(payloadKey, SEALED));
      }
    } finally {
      java.util.Arrays.fill(payloadKey, (byte) 0);
    }
    for (int i = 0; i < ahead + 2; i++) {
      sealedBuffers.add(new byte[BATCH * SEALED]);
      plainBuffers.add(new byte[BATCH * CHUNK]);
    }
  }

  /** age's payload key: HKDF-SHA-256 of the file key, salted with the payload nonce. */
  static byte[] payloadKey(byte[] fileKey, byte[] nonce) throws GeneralSecurityException {
    return AgeKeys.hkdfSha256(fileKey, nonce, PAYLOAD_LABEL, 32);
  }

  private static final byte[] PAYLOAD_LABEL =
      "payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Override
  protected @Nullable InputStream nextPiece() throws IOException {
    if (handedOut != null) {
      plainBuffers.add(handedOut); // the consumer is done with it: it asks for the next
      handedOut = null;
    }
    if (pendingFailure != null) {
      throw pendingFailure;
    }
    fill();
    Future<Piece> next = inFlight.poll();
    if (next == null) {
      return null;
    }
    Piece piece = await(next);
    handedOut = piece.plain();
    if (piece.failure() != null) {
      if (piece.length() == 0) {
        throw piece.failure();
      }
      pendingFailure = piece.failure();
    }
    return new ByteArrayInputStream(piece.plain(), 0, piece.length());
  }

  /**
   * Reads batches of sealed chunks and hands each to a worker. A batch is {@link #BATCH} chunks
   * read as one run of bytes; one more byte is read after it to learn whether the payload goes on,
   * since the last chunk is sealed differently (and may be full).
   */
  private void fill() throws IOException {
    while (!done && inFlight.size() < ahead) {
      byte[] batch = take(sealedBuffers);
      int length = 0;
      if (carried >= 0) {
        batch[length++] = (byte) carried;
        carried = -1;
      }
      length += in.readNBytes(batch, length, batch.length - length);
      boolean last = length < batch.length || (carried = in.read()) < 0;
      int chunks = (length + SEALED - 1) / SEALED;
      if (chunks == 0) {
        sealedBuffers.add(batch);
        throw new IOException("the age payload has no chunk");
      }
      // a last chunk shorter than its tag: the chunks before it are opened, then the read fails
      boolean cut = length - (chunks - 1) * SEALED < TAG;
      int whole = cut ? chunks - 1 : chunks;
      long first = counter;
      counter += chunks;
      int sealedLength = length;
      boolean lastFlag = last && !cut;
      inFlight.add(submit(() -> open(batch, sealedLength, whole, first, lastFlag, cut)));
      done = last;
    }
  }

  /**
   * Opens a batch's {@code chunks} whole chunks; {@code cut}: a piece of a chunk shorter than its
   * tag followed them, and the payload fails once they are handed out.
   */
  private Piece open(byte[] batch, int length, int chunks, long first, boolean last, boolean cut)
      throws GeneralSecurityException, IOException {
    ChaChaBoxes opener = take(openers);
    byte @Nullable [] plain = null;
    byte[] nonce = new byte[12];
    int produced = 0;
    try {
      plain = take(plainBuffers);
      for (int k = 0; k < chunks; k++) {
        long number = first + k;
        for (int i = 0; i < 8; i++) {
          nonce[10 - i] = (byte) (number >>> (8 * i));
        }
        boolean lastChunk = last && k == chunks - 1;
        nonce[11] = (byte) (lastChunk ? 1 : 0);
        int from = k * SEALED;
        int sealed = Math.min(SEALED, length - from);
        if (lastChunk && sealed == TAG && number > 0) {
          // only an empty payload may end in an empty chunk: this one was cut and resealed
          return new Piece(
              plain, produced, new IOException("the age payload ends in an empty chunk"));
        }
        if (sealed < SEALED) {
          produced += opener.open(nonce, batch, from, sealed, plain, k * CHUNK);
          continue;
        }
        // a full chunk may be the last one, or not: its flag decides, and the other flag is
        // tried when the expected one fails, so that what it holds is handed out before the
        // failure is told (a final chunk with data after it, a payload with no final chunk)
        try {
          produced += opener.open(nonce, batch, from, sealed, plain, k * CHUNK);
        } catch (GeneralSecurityException expectedFlagFails) {
          nonce[11] ^= 1;
          produced += opener.open(nonce, batch, from, sealed, plain, k * CHUNK);
          return new Piece(
              plain,
              produced,
              new IOException(
                  lastChunk
                      ? "the age payload ends without its final chunk (it is truncated)"
                      : "the age payload goes on after its final chunk"));
        }
      }
      return new Piece(
          plain,
          produced,
          cut ? new IOException("the age payload ends in the middle of a chunk") : null);
    } catch (GeneralSecurityException e) {
      return new Piece(
          plain,
          produced,
          new IOException("a chunk fails authentication (the file is truncated or altered)", e));
    } catch (RuntimeException e) {
      if (plain != null) {
        plainBuffers.add(plain);
      }
      throw e;
    } finally {
      // the opener back in every case, so that close() finds and frees it
      sealedBuffers.add(batch);
      openers.add(opener);
    }
  }

  private static <T> T take(BlockingQueue<T> buffers) throws InterruptedIOException {
    try {
      return buffers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decrypting age");
    }
  }

  @Override
  protected void cancelInFlight() {
    cancelAll(inFlight);
  }

  @Override
  public void close() throws IOException {
    super.close();
    // native openers are freed only once no worker can be inside one; a worker still running
    // after this wait keeps its opener (a leak, never a use after free)
    if (awaitIdle(10_000)) {
      ChaChaBoxes opener;
      while ((opener = openers.poll()) != null) {
        opener.close();
      }
    }
  }
}
