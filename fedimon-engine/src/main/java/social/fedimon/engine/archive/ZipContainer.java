package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Reads a zip from a file: entries in the order they lie in the file, each checked against its CRC.
 * Plain entries go through Commons Compress (stored, deflate, deflate64, bzip2, zstd...); encrypted
 * ones (ZipCrypto, AES) through zip4j with the given passwords.
 */
final class ZipContainer {

  private ZipContainer() {}

  static void read(Walk walk, Path file, Frame frame) throws IOException {
    try (ZipFile zip = ZipFile.builder().setPath(file).setUseUnicodeExtraFields(true).get()) {
      List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
      refuseOverlaps(entries);
      try (ZipPasswords passwords = new ZipPasswords(file, entries, walk.secrets.passwords())) {
        readEntries(walk, zip, entries, passwords, frame);
      }
    }
  }

  private static void readEntries(
      Walk walk, ZipFile zip, List<ZipArchiveEntry> entries, ZipPasswords passwords, Frame frame)
      throws IOException {
    boolean firstFile = true;
    {
      for (ZipArchiveEntry entry : entries) {
        walk.countEntry();
        String raw = entry.getName();
        int type =
            entry.isUnixSymlink()
                ? Walk.UNIX_SYMLINK
                : entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX
                    ? entry.getUnixMode() & Walk.UNIX_TYPE_MASK
                    : 0;
        String name = walk.acceptTyped(raw, type, frame);
        if (name == null) {
          continue;
        }
        if (entry.isDirectory()) {
          walk.visitor.directory(name);
          continue;
        }
        InputStream content = open(zip, entry, passwords, walk, raw, frame);
        if (content == null) {
          continue;
        }
        boolean continues = frame.outer() && firstFile;
        firstFile = false;
        try (content;
            InputStream checked =
                new CrcCheckingInputStream(
                    new ExpansionGuard(
                        content,
                        () -> Math.max(1, entry.getCompressedSize()),
                        walk.limits,
                        "zip entry " + name,
                        ExpansionBudget.NONE),
                    // encrypted entries are verified by zip4j (CRC or AES MAC); AE-2 stores no CRC
                    entry.getGeneralPurposeBit().usesEncryption() ? -1 : entry.getCrc(),
                    name)) {
          ArchiveReader.peelEntry(walk, checked, name, entry.getSize(), continues, frame);
          ArchiveReader.drain(checked, "zip entry " + name);
        }
      }
    }
  }

  private static @Nullable InputStream open(
      ZipFile zip,
      ZipArchiveEntry entry,
      ZipPasswords passwords,
      Walk walk,
      String raw,
      Frame frame)
      throws IOException {
    if (entry.getGeneralPurposeBit().usesEncryption()) {
      return passwords.open(entry);
    }
    if (!zip.canReadEntryData(entry)) {
      walk.refuse(
          ProblemCode.UNRECOGNIZED_FORMAT,
          "this entry is compressed with zip method "
              + entry.getMethod()
              + ", which FédiMon cannot read; it was skipped (re-create the zip with deflate)",
          raw,
          frame);
      return null;
    }
    return zip.getInputStream(entry);
  }

  /**
   * Entries whose data ranges overlap are how "non-recursive" zip bombs reach a million-fold
   * expansion with one compressed block shared by every entry; an honest zip never has them.
   */
  private static void refuseOverlaps(List<ZipArchiveEntry> entries) {
    List<ZipArchiveEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(ZipArchiveEntry::getLocalHeaderOffset));
    for (int i = 1; i < sorted.size(); i++) {
      ZipArchiveEntry previous = sorted.get(i - 1);
      ZipArchiveEntry current = sorted.get(i);
      long previousEnd = previous.getDataOffset() + Math.max(0, previous.getCompressedSize());
      if (current.getLocalHeaderOffset() < previousEnd) {
        throw BackupRejected.of(
            ProblemCode.CORRUPT,
            "zip entries "
                + social.fedimon.engine.Printable.name(previous.getName())
                + " and "
                + social.fedimon.engine.Printable.name(current.getName())
                + " overlap in the file: a zip bomb or a damaged archive",
            current.getName());
      }
    }
  }

  /** Compares the CRC-32 of the bytes read with the one the zip declares, at the end. */
  static final class CrcCheckingInputStream extends CountingInputStream {
    private final CRC32 crc = new CRC32();
    private final long expected;
    private final String name;
    private boolean checked;

    CrcCheckingInputStream(InputStream in, long expected, String name) {
      super(in);
      this.expected = expected;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        check();
      } else {
        crc.update(b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n < 0) {
        check();
      } else {
        crc.update(buffer, offset, n);
      }
      return n;
    }

    @Override
    public void close() {
      // the zip file closes the entry stream
    }

    private void check() {
      if (checked || expected < 0) {
        return;
      }
      checked = true;
      if (crc.getValue() != expected) {
        throw BackupRejected.of(
            ProblemCode.CORRUPT,
            "zip entry " + name + " fails its CRC check: the archive is damaged",
            name);
      }
    }
  }
}
