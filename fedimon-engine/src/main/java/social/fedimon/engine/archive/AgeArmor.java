package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The binary age file inside age's ASCII armor (age-encryption.org/v1, "ASCII armor"), decoded
 * strictly as the reference implementation does: whitespace only before the first and after the
 * last line; {@code -----BEGIN AGE ENCRYPTED FILE-----}; lines of exactly 64 columns of padded,
 * canonical base64 but for the last, which may be shorter; {@code -----END AGE ENCRYPTED
 * FILE-----}. Lines end in LF or CRLF; no headers, no empty lines, no spaces, no checksum line.
 */
final class AgeArmor extends BulkInputStream {

  static final String BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
  static final String END = "-----END AGE ENCRYPTED FILE-----";

  /** The armor's line width, fixed by the specification. */
  static final int COLUMNS = 64;

  /**
   * Whitespace allowed before the armor and after it, as the reference implementation allows: a
   * file of nothing but blanks is not an age file.
   */
  static final int MAX_OUTSIDE_WHITESPACE = 1024;

  // the longest line we hold: the begin marker (34), a data line and its CRLF are shorter
  private static final int MAX_LINE = 80;

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private final byte[] line = new byte[MAX_LINE];
  private byte[] decoded = new byte[0];
  private int decodedPosition;
  private boolean started;
  private boolean ended;

  /** The armor is malformed: "armor failure" in the age test vectors. */
  static final class Malformed extends IOException {
    Malformed(String message) {
      super("the age armor is malformed: " + message);
    }
  }

  AgeArmor(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (decodedPosition == decoded.length) {
      if (ended) {
        return -1;
      }
      nextLine();
    }
    int n = Math.min(len, decoded.length - decodedPosition);
    System.arraycopy(decoded, decodedPosition, b, off, n);
    decodedPosition += n;
    return n;
  }

  private void nextLine() throws IOException {
    if (!started) {
      skipWhitespace();
      if (!BEGIN.equals(readLine())) {
        throw new Malformed("it does not start with " + BEGIN);
      }
      started = true;
    }
    String text = readLine();
    if (text.equals(END)) {
      finish();
      return;
    }
    if (text.isEmpty()) {
      throw new Malformed("it has an empty line");
    }
    if (text.length() > COLUMNS) {
      throw new Malformed("a line is longer than " + COLUMNS + " columns");
    }
    decoded = decode(text);
    decodedPosition = 0;
    if (text.length() < COLUMNS || text.endsWith("=")) {
      // a short or padded line is the last one
      if (!END.equals(readLine())) {
        throw new Malformed("a short line is not followed by " + END);
      }
      finish();
    }
  }

  private static byte[] decode(String text) throws Malformed {
    if (text.length() % 4 != 0) {
      throw new Malformed("a line is not whole base64 (missing padding?)");
    }
    int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    for (int i = 0; i < text.length() - padding; i++) {
      if (!AgeHeader.base64(text.charAt(i))) {
        throw new Malformed("a line holds a character that is not base64");
      }
    }
    byte[] bytes = Base64.getDecoder().decode(text);
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new Malformed("a line is not canonical base64");
    }
    return bytes;
  }

  /** What may follow the end marker: its line ending and a little whitespace, then nothing. */
  private void finish() throws IOException {
    ended = true;
    for (int seen = 0; ; seen++) {
      int b = next();
      if (b < 0) {
        return;
      }
      if (!whitespace(b)) {
        throw new Malformed("something other than whitespace follows " + END);
      }
      if (seen >= MAX_OUTSIDE_WHITESPACE) {
        throw new Malformed("more than " + MAX_OUTSIDE_WHITESPACE + " bytes follow " + END);
      }
    }
  }

  private void skipWhitespace() throws IOException {
    for (int seen = 0; ; seen++) {
      int b = peek();
      if (b < 0 || !whitespace(b)) {
        return;
      }
      if (seen >= MAX_OUTSIDE_WHITESPACE) {
        throw new Malformed("more than " + MAX_OUTSIDE_WHITESPACE + " bytes precede " + BEGIN);
      }
      position++;
    }
  }

  /** The next line without its LF or CRLF; only the end marker may end at the end of input. */
  private String readLine() throws IOException {
    int length = 0;
    while (true) {
      int b = next();
      if (b < 0 || b == '\n') {
        if (b == '\n' && length > 0 && line[length - 1] == '\r') {
          length--;
        }
        String text = new String(line, 0, length, StandardCharsets.US_ASCII);
        if (b < 0 && !text.equals(END)) {
          throw new Malformed("it ends before " + END);
        }
        return text;
      }
      if (length == line.length) {
        throw new Malformed("a line is longer than " + COLUMNS + " columns");
      }
      line[length++] = (byte) b;
    }
  }

  private static boolean whitespace(int b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == 0x0C;
  }

  private int peek() throws IOException {
    if (position == limit && !refill()) {
      return -1;
    }
    return buffer[position] & 0xFF;
  }

  private int next() throws IOException {
    int b = peek();
    if (b >= 0) {
      position++;
    }
    return b;
  }

  private boolean refill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    // the layer below is not ours to close
    Arrays.fill(decoded, (byte) 0);
  }
}
