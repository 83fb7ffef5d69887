package social.fedimon.engine.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes zip archives byte by byte from PKWARE's APPNOTE (stored entries only), so that tests can
 * make central directories that lie: names with {@code ..}, entries that share their data.
 */
public final class ZipBuilder {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<byte[]> central = new ArrayList<>();

  /** A stored entry with its own local header and data. */
  public ZipBuilder stored(String name, byte[] data) {
    return stored(name, data, 0100644);
  }

  /** A stored entry with Unix mode bits (e.g. {@code 0120777} for a symbolic link). */
  public ZipBuilder stored(String name, byte[] data, int unixMode) {
    int offset = out.size();
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(data);
    ByteBuffer local = le(30 + nameBytes.length);
    local.putInt(0x04034b50).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0);
    local.putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue());
    local
        .putInt(data.length)
        .putInt(data.length)
        .putShort((short) nameBytes.length)
        .putShort((short) 0);
    local.put(nameBytes);
    out.writeBytes(local.array());
    out.writeBytes(data);
    central.add(centralEntry(nameBytes, (int) crc.getValue(), data.length, offset, unixMode));
    return this;
  }

  /** A second directory entry pointing at the data of the entry written at {@code offsetOf}. */
  public ZipBuilder alias(String name, String target, byte[] data) {
    int offset = 0;
    // the target is the first entry in these tests
    CRC32 crc = new CRC32();
    crc.update(data);
    central.add(
        centralEntry(
            name.getBytes(StandardCharsets.UTF_8),
            (int) crc.getValue(),
            data.length,
            offset,
            0100644));
    return this;
  }

  private static byte[] centralEntry(byte[] name, int crc, int size, int offset, int unixMode) {
    ByteBuffer entry = le(46 + name.length);
    entry.putInt(0x02014b50).putShort((short) (3 << 8 | 20)).putShort((short) 10);
    entry.putShort((short) 0x0800).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    entry.putInt(crc).putInt(size).putInt(size).putShort((short) name.length);
    entry.putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    entry.putInt(unixMode << 16).putInt(offset);
    entry.put(name);
    return entry.array();
  }

  public byte[] build() {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    zip.writeBytes(out.toByteArray());
    int centralOffset = zip.size();
    int centralSize = 0;
    for (byte[] entry : central) {
      zip.writeBytes(entry);
      centralSize += entry.length;
    }
    ByteBuffer end = le(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    end.putShort((short) central.size()).putShort((short) central.size());
    end.putInt(centralSize).putInt(centralOffset).putShort((short) 0);
    zip.writeBytes(end.array());
    return zip.toByteArray();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
