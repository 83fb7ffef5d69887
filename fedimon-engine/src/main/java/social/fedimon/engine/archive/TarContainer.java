package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import social.fedimon.engine.ProblemCode;

/** Streams a tar (ustar, pax, GNU long names, sparse) entry by entry, without seeking. */
final class TarContainer {

  private TarContainer() {}

  static void read(Walk walk, InputStream in, Frame frame) throws IOException {
    TarHeaderGuard guarded = new TarHeaderGuard(in, walk.limits.maxHeaderBytes());
    TarArchiveInputStream tar = new TarArchiveInputStream(guarded, StandardCharsets.UTF_8.name());
    boolean firstFile = true;
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      walk.countEntry();
      String raw = entry.getName();
      if (entry.isSymbolicLink() || entry.isLink()) {
        walk.refuse(
            ProblemCode.LINK_ENTRY,
            (entry.isSymbolicLink() ? "a symbolic link" : "a hard link")
                + " to "
                + social.fedimon.engine.Printable.name(entry.getLinkName())
                + ": links are never followed nor created; remove them from the backup",
            raw,
            frame);
        continue;
      }
      if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
        walk.refuse(
            ProblemCode.SPECIAL_ENTRY,
            "a device or fifo entry: a backup holds only files and folders",
            raw,
            frame);
        continue;
      }
      String name = walk.acceptName(raw, frame);
      if (name == null) {
        continue;
      }
      if (entry.isDirectory()) {
        walk.visitor.directory(name);
        continue;
      }
      if (!entry.isFile()) {
        continue;
      }
      boolean continues = frame.outer() && firstFile;
      firstFile = false;
      ArchiveReader.peelEntry(
          walk, new NonClosingInputStream(tar), name, entry.getSize(), continues, frame);
    }
    // past the end-of-archive blocks: whatever follows is padding, read by the caller's drain
  }
}
