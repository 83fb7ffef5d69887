package social.fedimon.engine.dump;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;

/**
 * Writes custom-format archives of the versions pg_dump 15 cannot make (1.12, 1.13, 1.15 with lz4
 * or zstd, 1.16), from pg_backup_archiver.c's WriteHead/WriteToc and pg_backup_custom.c's data
 * blocks: the same TOC and data as a real pg_dump archive, in another version's layout.
 */
final class CustomArchiveWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final int minor;
  private final ArchiveHeader.Compression compression;

  CustomArchiveWriter(int minor, ArchiveHeader.Compression compression) {
    this.minor = minor;
    this.compression = compression;
  }

  /** The archive: header, TOC (data offsets left unset), then one data block per entry. */
  byte[] write(ArchiveToc toc, Map<Integer, byte[]> data) throws IOException {
    out.writeBytes("PGDMP".getBytes(StandardCharsets.US_ASCII));
    out.write(1);
    out.write(minor);
    out.write(0);
    out.write(4); // int size
    out.write(8); // offset size
    out.write(1); // custom format
    if (minor >= 15) {
      out.write(compression.ordinal());
    } else {
      writeInt(compression == ArchiveHeader.Compression.NONE ? 0 : 6);
    }
    for (int field : new int[] {0, 0, 12, 28, 10, 126, 0}) {
      writeInt(field);
    }
    writeString(toc.header().database());
    writeString(toc.header().serverVersion());
    writeString(toc.header().dumpVersion());
    writeInt(toc.entries().size());
    for (TocEntry entry : toc.entries()) {
      writeInt(entry.dumpId());
      writeInt(entry.hasData() ? 1 : 0);
      writeString("0");
      writeString("0");
      writeString(entry.tag());
      writeString(entry.desc());
      writeInt(entry.section());
      writeString(entry.definition());
      writeString(null);
      writeString(entry.copyStatement());
      writeString(entry.namespace());
      writeString(null);
      if (minor >= 14) {
        writeString(entry.desc().equals("TABLE") ? "heap" : null);
      }
      if (minor >= 16) {
        writeInt(entry.desc().equals("TABLE") ? 'r' : 0);
      }
      writeString(entry.owner());
      writeString("false");
      for (int dependency : entry.dependencies()) {
        writeString(Integer.toString(dependency));
      }
      writeString(null);
      out.write(data.containsKey(entry.dumpId()) ? 1 : 3); // offset not set, or no data
      out.writeBytes(new byte[8]);
    }
    for (TocEntry entry : toc.entries()) {
      byte[] bytes = data.get(entry.dumpId());
      if (bytes == null) {
        continue;
      }
      out.write(1); // BLK_DATA
      writeInt(entry.dumpId());
      byte[] compressed = compress(bytes);
      // several chunks, as pg_dump writes them
      for (int offset = 0; offset < compressed.length; offset += 4096) {
        int length = Math.min(4096, compressed.length - offset);
        writeInt(length);
        out.write(compressed, offset, length);
      }
      writeInt(0);
    }
    return out.toByteArray();
  }

  private byte[] compress(byte[] bytes) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (OutputStream compressor =
        switch (compression) {
          case NONE -> buffer;
          case GZIP -> new DeflaterOutputStream(buffer);
          case LZ4 -> new FramedLZ4CompressorOutputStream(buffer);
          case ZSTD -> new ZstdOutputStream(buffer);
        }) {
      compressor.write(bytes);
    }
    return buffer.toByteArray();
  }

  private void writeInt(long value) {
    out.write(value < 0 ? 1 : 0);
    long magnitude = Math.abs(value);
    for (int i = 0; i < 4; i++) {
      out.write((int) (magnitude >> (8 * i)) & 0xFF);
    }
  }

  private void writeString(String text) {
    if (text == null) {
      writeInt(-1);
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    writeInt(bytes.length);
    out.writeBytes(bytes);
  }
}
