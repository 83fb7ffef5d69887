package social.fedimon.engine.media;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * An object written as a stream: bytes go up in parts of {@link #PART} as they come, and the object
 * exists only once {@link #close()} completes the upload. {@link #abort()} (or a failure) leaves
 * nothing behind.
 */
public final class UploadStream extends OutputStream {

  /** Part size: S3 takes 10,000 parts, so objects up to 156 GiB; then parts of 128 MiB. */
  public static final int PART = 16 << 20;

  private static final int BIG_PART = 128 << 20;
  private static final int PARTS_BEFORE_BIG = 5000;

  private final ObjectStore.Upload upload;
  private byte[] buffer = new byte[PART];
  private int filled;
  private int parts;
  private boolean closed;

  public UploadStream(ObjectStore store, String key, String contentType) {
    this.upload = store.startUpload(key, contentType, Map.of());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == buffer.length) {
        send();
      }
    }
  }

  private void send() throws IOException {
    try {
      upload.part(++parts, buffer, filled);
    } catch (RuntimeException e) {
      abort();
      throw new IOException("uploading part " + parts + " failed: " + e.getMessage(), e);
    }
    filled = 0;
    if (parts == PARTS_BEFORE_BIG) {
      buffer = new byte[BIG_PART];
    }
  }

  /** Forgets what was sent: no object is made. */
  public void abort() {
    if (!closed) {
      closed = true;
      upload.abort();
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    if (filled > 0 || parts == 0) {
      send();
    }
    closed = true;
    try {
      upload.complete();
    } catch (RuntimeException e) {
      upload.abort();
      throw new IOException("completing the upload failed: " + e.getMessage(), e);
    }
  }
}
