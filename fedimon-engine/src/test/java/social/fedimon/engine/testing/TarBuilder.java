package social.fedimon.engine.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes tar archives byte by byte from the POSIX ustar definition, so that tests can make what no
 * honest archiver makes: names with {@code ..}, links, devices, giant headers.
 */
public final class TarBuilder {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public TarBuilder file(String name, byte[] content) {
    return entry(name, '0', content.length, content, "");
  }

  public TarBuilder file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  public TarBuilder directory(String name) {
    return entry(name, '5', 0, new byte[0], "");
  }

  public TarBuilder symlink(String name, String target) {
    return entry(name, '2', 0, new byte[0], target);
  }

  public TarBuilder hardlink(String name, String target) {
    return entry(name, '1', 0, new byte[0], target);
  }

  public TarBuilder fifo(String name) {
    return entry(name, '6', 0, new byte[0], "");
  }

  public TarBuilder characterDevice(String name) {
    return entry(name, '3', 0, new byte[0], "");
  }

  /**
   * A pax extended header of the given records ({@code "path=..."}), applying to the next entry.
   */
  public TarBuilder pax(String... records) {
    StringBuilder body = new StringBuilder();
    for (String record : records) {
      int length = record.getBytes(StandardCharsets.UTF_8).length + 2;
      int digits = Integer.toString(length).length();
      int total = length + digits;
      if (Integer.toString(total).length() > digits) {
        total++;
      }
      body.append(total).append(' ').append(record).append('\n');
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    return entry("PaxHeaders/x", 'x', bytes.length, bytes, "");
  }

  /** A header that declares {@code declaredSize} bytes but carries only {@code content}. */
  public TarBuilder entry(String name, char type, long declaredSize, byte[] content, String link) {
    byte[] header = new byte[512];
    put(header, 0, 100, name);
    put(header, 100, 8, "0000644");
    put(header, 108, 8, "0000000");
    put(header, 116, 8, "0000000");
    put(header, 124, 12, String.format("%011o", declaredSize));
    put(header, 136, 12, "00000000000");
    header[156] = (byte) type;
    put(header, 157, 100, link);
    put(header, 257, 6, "ustar");
    put(header, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xFF;
    }
    put(header, 148, 8, String.format("%06o", sum) + "\0 ");
    out.writeBytes(header);
    out.writeBytes(content);
    int pad = (int) ((512 - content.length % 512) % 512);
    out.writeBytes(new byte[pad]);
    return this;
  }

  /** Raw bytes, for headers that lie about what follows. */
  public TarBuilder raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  public byte[] build() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  private static void put(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
  }
}
