package social.fedimon.engine.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The header of a binary age file (age-encryption.org/v1, "Header"), read strictly: the version
 * line, recipient stanzas ({@code -> type args}, then a body in lines of 64 base64 columns ended by
 * a shorter one), and the MAC line ({@code --- } and 32 bytes of base64). Every base64 string must
 * be canonical, unpadded and without line breaks, so that a header has exactly one encoding:
 * anything else is refused, as the reference implementation does.
 *
 * @param stanzas the recipient stanzas, in order
 * @param macInput the header's bytes up to and including {@code ---}: what the MAC covers
 * @param mac the MAC the file carries
 */
record AgeHeader(List<Stanza> stanzas, byte[] macInput, byte[] mac) {

  /**
   * No header we can open comes near this: an X25519 stanza takes about 100 bytes, a hybrid one
   * about 1,600. It bounds what a hostile file can make us hold before its MAC is checked.
   */
  static final int MAX_HEADER_BYTES = 1 << 20;

  /** At most this many stanzas: each may cost a key agreement or a decapsulation to try. */
  static final int MAX_STANZAS = 1000;

  private static final String VERSION_LINE = "age-encryption.org/v1";
  private static final int BODY_COLUMNS = 64;
  private static final int BODY_BYTES_PER_LINE = BODY_COLUMNS / 4 * 3;
  private static final int MAC_BYTES = 32;
  private static final byte[] HEADER_LABEL = "header".getBytes(StandardCharsets.US_ASCII);

  /**
   * One recipient stanza.
   *
   * @param type the first argument (case matters: {@code x25519} is not {@code X25519})
   * @param arguments the arguments after the type
   * @param body the decoded body
   */
  record Stanza(String type, List<String> arguments, byte[] body) {}

  /** The age header is malformed: "header failure" in the age test vectors. */
  static final class Malformed extends GeneralSecurityException {
    Malformed(String message) {
      super(message);
    }
  }

  /**
   * Reads the header from {@code in}, leaving it at the first byte after the MAC line (the payload
   * nonce).
   *
   * @throws Malformed when the bytes are not a well-formed age header
   * @throws IOException when reading fails
   */
  static AgeHeader read(InputStream in) throws IOException, Malformed {
    Lines lines = new Lines(in);
    String version = lines.next("the version line");
    if (!version.equals(VERSION_LINE)) {
      throw new Malformed(
          "the file is not age version 1 (its first line is not " + VERSION_LINE + ")");
    }
    List<Stanza> stanzas = new ArrayList<>();
    while (true) {
      int macStart = lines.consumed();
      String line = lines.next("a stanza or the MAC line");
      if (line.startsWith("---")) {
        byte[] mac = macLine(line);
        byte[] all = lines.bytes();
        return new AgeHeader(List.copyOf(stanzas), Arrays.copyOf(all, macStart + 3), mac);
      }
      if (stanzas.size() >= MAX_STANZAS) {
        throw new Malformed("the header has more than " + MAX_STANZAS + " recipient stanzas");
      }
      stanzas.add(stanza(line, lines));
    }
  }

  /** Whether {@link #mac()} is the header MAC under {@code fileKey}. */
  boolean macMatches(byte[] fileKey) throws GeneralSecurityException {
    byte[] key = AgeKeys.hkdfSha256(fileKey, new byte[0], HEADER_LABEL, 32);
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    return MessageDigest.isEqual(hmac.doFinal(macInput), mac);
  }

  private static byte[] macLine(String line) throws Malformed {
    String[] parts = line.split(" ", -1);
    if (parts.length != 2 || !parts[0].equals("---")) {
      throw new Malformed("the MAC line is malformed");
    }
    byte[] mac = decode(parts[1], "the header MAC");
    if (mac.length != MAC_BYTES) {
      throw new Malformed("the header MAC is not " + MAC_BYTES + " bytes");
    }
    return mac;
  }

  private static Stanza stanza(String line, Lines lines) throws IOException, Malformed {
    String[] parts = line.split(" ", -1);
    if (!parts[0].equals("->")) {
      throw new Malformed("a recipient stanza does not start with \"-> \"");
    }
    if (parts.length < 2) {
      throw new Malformed("a recipient stanza has no type");
    }
    for (int i = 1; i < parts.length; i++) {
      if (!printable(parts[i])) {
        throw new Malformed("a recipient stanza has an empty or non-printable argument");
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String bodyLine = lines.next("a stanza's body");
      if (bodyLine.length() > BODY_COLUMNS) {
        throw new Malformed("a stanza's body line is longer than " + BODY_COLUMNS + " columns");
      }
      byte[] bytes = decode(bodyLine, "a stanza's body");
      body.writeBytes(bytes);
      if (bytes.length < BODY_BYTES_PER_LINE) {
        break; // a body always ends with a short line, empty if need be
      }
    }
    return new Stanza(
        parts[1], List.of(Arrays.copyOfRange(parts, 2, parts.length)), body.toByteArray());
  }

  private static boolean printable(String argument) {
    if (argument.isEmpty()) {
      return false;
    }
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes age's base64: the standard alphabet, no padding, no line breaks, and canonical (the
   * unused low bits of the last character are zero), so one value has one encoding.
   */
  static byte[] decode(String text, String what) throws Malformed {
    for (int i = 0; i < text.length(); i++) {
      if (!AgeHeader.base64(text.charAt(i))) {
        throw new Malformed(what + " is not unpadded base64");
      }
    }
    if (text.length() % 4 == 1) {
      throw new Malformed(what + " is not valid base64 (its length)");
    }
    byte[] bytes = Base64.getDecoder().decode(text);
    if (!Base64.getEncoder().withoutPadding().encodeToString(bytes).equals(text)) {
      throw new Malformed(what + " is not canonical base64");
    }
    return bytes;
  }

  /** Whether {@code c} is of the standard base64 alphabet (RFC 4648, 4), padding aside. */
  static boolean base64(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/';
  }

  /** The header's lines, read one byte at a time so that nothing after the header is consumed. */
  private static final class Lines {
    private final InputStream in;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    Lines(InputStream in) {
      this.in = in;
    }

    /** The next line without its {@code \n}; a line with any other control byte is refused. */
    String next(String what) throws IOException, Malformed {
      int start = seen.size();
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new Malformed(
              start == 0 ? "the file is empty" : "the header ends before " + what + " is complete");
        }
        if (b == '\n') {
          byte[] all = seen.toByteArray();
          seen.write(b);
          return new String(all, start, all.length - start, StandardCharsets.US_ASCII);
        }
        if (b < 0x20 || b > 0x7E) {
          throw new Malformed("the header holds a byte that is not printable ASCII in " + what);
        }
        seen.write(b);
        if (seen.size() > MAX_HEADER_BYTES) {
          throw new Malformed("the header is longer than " + MAX_HEADER_BYTES + " bytes");
        }
      }
    }

    int consumed() {
      return seen.size();
    }

    byte[] bytes() {
      return seen.toByteArray();
    }
  }
}
