package social.fedimon.engine.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Sits under the tar reader and follows the archive's block structure, so that a header the reader
 * would load into memory whole (a pax extended header, a GNU long name or link) is refused with
 * {@code size-limit} when it declares more than {@link ArchiveLimits#maxHeaderBytes()}, before a
 * byte of it is buffered. A compressed tar can carry gigabytes of header in a few kilobytes.
 *
 * <p>It tracks what the reader does: each 512-byte header block gives the type and the size of the
 * data blocks after it (or a pax {@code size} record overrides it for the next entry); old GNU
 * sparse headers may be followed by extension header blocks. On a block it does not understand (a
 * bad checksum, which the reader reports as corrupt anyway) it stops tracking.
 */
final class TarHeaderGuard extends FilterInputStream {

  private static final int BLOCK = 512;

  private enum State {
    HEADER,
    DATA,
    SPARSE_EXTENSION,
    DONE
  }

  private final int maxHeaderBytes;
  private final byte[] block = new byte[BLOCK];
  private int blockFill;
  private State state = State.HEADER;
  private long dataRemaining;
  private boolean collectPax;
  private byte[] pax = new byte[0];
  private int paxFill;
  private long paxDeclared;
  private long nextSize = -1;

  TarHeaderGuard(InputStream in, int maxHeaderBytes) {
    super(in);
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      track(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // read instead of skipping, so every block passes through the tracker
    byte[] buffer = new byte[(int) Math.min(n, 8192)];
    long total = 0;
    while (total < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - total));
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void track(byte[] b, int off, int n) {
    int i = off;
    int end = off + n;
    while (i < end && state != State.DONE) {
      if (state == State.DATA) {
        int take = (int) Math.min(dataRemaining, end - i);
        if (collectPax) {
          int keep = (int) Math.min(take, Math.max(0, paxDeclared - paxFill));
          System.arraycopy(b, i, pax, paxFill, keep);
          paxFill += keep;
        }
        i += take;
        dataRemaining -= take;
        if (dataRemaining == 0) {
          if (collectPax) {
            nextSize = paxSize(pax, paxFill);
            collectPax = false;
          }
          state = State.HEADER;
        }
        continue;
      }
      int take = Math.min(BLOCK - blockFill, end - i);
      System.arraycopy(b, i, block, blockFill, take);
      blockFill += take;
      i += take;
      if (blockFill == BLOCK) {
        blockFill = 0;
        if (state == State.SPARSE_EXTENSION) {
          if (block[504] == 0) {
            enterData();
          }
        } else {
          header();
        }
      }
    }
  }

  private void header() {
    if (allZero(block)) {
      state = State.DONE;
      return;
    }
    if (!LayerDetector.tar(block, BLOCK)) {
      state = State.DONE; // the reader itself will report the damaged header
      return;
    }
    char type = (char) block[156];
    long size = size(block);
    if (size < 0) {
      state = State.DONE;
      return;
    }
    boolean headerEntry = type == 'x' || type == 'g' || type == 'L' || type == 'K' || type == 'X';
    if (headerEntry && size > maxHeaderBytes) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          "a tar "
              + (type == 'L' || type == 'K' ? "long name" : "extended (pax)")
              + " header declares "
              + size
              + " bytes, above the limit of "
              + maxHeaderBytes
              + " bytes for one header");
    }
    if (!headerEntry && nextSize >= 0) {
      size = nextSize;
    }
    if (!headerEntry) {
      nextSize = -1;
    }
    collectPax = type == 'x' || type == 'X';
    if (collectPax) {
      paxDeclared = size;
      pax = new byte[(int) size];
      paxFill = 0;
    }
    dataRemaining = roundUp(size);
    if (type == 'S' && block[482] != 0) {
      state = State.SPARSE_EXTENSION;
      return;
    }
    enterData();
  }

  private void enterData() {
    state = dataRemaining == 0 ? State.HEADER : State.DATA;
    if (dataRemaining == 0 && collectPax) {
      nextSize = paxSize(pax, paxFill);
      collectPax = false;
    }
  }

  /** The size field: octal digits, or GNU's base-256 form when the top bit is set. */
  private static long size(byte[] header) {
    int offset = 124;
    if ((header[offset] & 0x80) != 0) {
      long value = 0;
      for (int i = offset + 1; i < offset + 12; i++) {
        if (value >>> 55 != 0) {
          return -1;
        }
        value = (value << 8) | (header[i] & 0xFF);
      }
      return value;
    }
    long value = 0;
    for (int i = offset; i < offset + 12; i++) {
      byte c = header[i];
      if (c == 0 || c == ' ') {
        if (value > 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        return -1;
      }
      value = value * 8 + (c - '0');
    }
    return value;
  }

  /** The {@code size} record of a pax header, or -1: records are {@code "LEN key=value\n"}. */
  private static long paxSize(byte[] data, int length) {
    int i = 0;
    while (i < length) {
      int space = indexOf(data, i, length, (byte) ' ');
      if (space < 0) {
        return -1;
      }
      long recordLength;
      try {
        recordLength = Long.parseLong(new String(data, i, space - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        return -1;
      }
      if (recordLength <= 0 || i + recordLength > length) {
        return -1;
      }
      int recordEnd = (int) (i + recordLength);
      String record = new String(data, space + 1, recordEnd - space - 2, StandardCharsets.UTF_8);
      if (record.startsWith("size=")) {
        try {
          return Long.parseLong(record.substring(5));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      i = recordEnd;
    }
    return -1;
  }

  private static int indexOf(byte[] data, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (data[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static long roundUp(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static boolean allZero(byte[] data) {
    for (byte b : data) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
