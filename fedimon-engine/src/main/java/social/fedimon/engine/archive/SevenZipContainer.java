package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Reads a 7z from a file with Commons Compress (LZMA, LZMA2, PPMd, BZip2, Deflate; AES-256,
 * including encrypted headers). With several passwords, the one that decrypts the smallest
 * encrypted entry with a matching CRC is used for the whole archive.
 */
final class SevenZipContainer {

  private static final int UNIX_EXTENSION = 0x8000;
  private static final int UNIX_TYPE_MASK = 0170000;
  private static final int UNIX_REGULAR = 0100000;
  private static final int UNIX_DIRECTORY = 0040000;
  private static final int UNIX_SYMLINK = 0120000;

  private SevenZipContainer() {}

  static void read(Walk walk, Path file, Frame frame) throws IOException {
    try (SevenZFile archive = openWithRightPassword(walk, file, frame)) {
      boolean firstFile = true;
      SevenZArchiveEntry entry;
      while ((entry = archive.getNextEntry()) != null) {
        walk.countEntry();
        String raw = entry.getName();
        if (entry.isAntiItem()) {
          continue;
        }
        int type = unixType(entry);
        if (type == UNIX_SYMLINK) {
          walk.refuse(
              ProblemCode.LINK_ENTRY,
              "a symbolic link: links are never followed nor created; remove them from the backup",
              raw,
              frame);
          continue;
        }
        if (type != 0 && type != UNIX_REGULAR && type != UNIX_DIRECTORY) {
          walk.refuse(
              ProblemCode.SPECIAL_ENTRY,
              "a device, fifo or socket entry: a backup holds only files and folders",
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
        boolean continues = frame.outer() && firstFile;
        firstFile = false;
        InputStream content =
            entry.hasStream() ? new CurrentEntryStream(archive) : InputStream.nullInputStream();
        InputStream guarded =
            new ExpansionGuard(
                content,
                () -> Long.MAX_VALUE,
                walk.limits,
                "7z entry " + name,
                ExpansionBudget.NONE);
        ArchiveReader.peelEntry(walk, guarded, name, entry.getSize(), continues, frame);
        ArchiveReader.drain(guarded, "7z entry " + name);
      }
    } catch (PasswordRequiredException e) {
      throw secretRequired(frame);
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).startsWith("Unsupported compression method")) {
        throw BackupRejected.of(
            ProblemCode.UNRECOGNIZED_FORMAT,
            "the 7z archive uses a compression method FédiMon cannot read yet ("
                + methodName(e.getMessage())
                + "): make it again with 7-Zip's default, LZMA2 (7zz a -m0=LZMA2)",
            frame.enclosingArchive() == null
                ? file.getFileName().toString()
                : frame.enclosingArchive());
      }
      throw e;
    }
  }

  private static String methodName(String message) {
    return message.contains("[3, 4, 1]") ? "PPMd" : message.replaceAll(" used in .*", "");
  }

  /**
   * Opens the archive with the password that reads its smallest file back with a matching CRC
   * (entry metadata does not say which entries are encrypted until their data is decoded).
   */
  private static SevenZFile openWithRightPassword(Walk walk, Path file, Frame frame)
      throws IOException {
    List<String> passwords = walk.secrets.passwords();
    if (passwords.isEmpty()) {
      return open(file, null, walk);
    }
    for (String password : passwords) {
      SevenZFile archive;
      try {
        archive = open(file, password, walk);
      } catch (IOException wrongOrDamaged) {
        continue;
      }
      Optional<SevenZArchiveEntry> probe = smallestFile(archive);
      if (probe.isEmpty()) {
        return archive;
      }
      boolean readable = decrypts(archive, probe.get());
      archive.close();
      if (readable) {
        return open(file, password, walk);
      }
    }
    if (encrypted(file, walk)) {
      throw BackupRejected.of(
          ProblemCode.WRONG_SECRET,
          "the 7z archive is encrypted and none of the passwords given opens it",
          frame.enclosingArchive() == null
              ? file.getFileName().toString()
              : frame.enclosingArchive());
    }
    return open(file, null, walk); // not encrypted: reading it reports the damage
  }

  /** Whether the archive needs a password: for its headers, or for its smallest file. */
  private static boolean encrypted(Path file, Walk walk) {
    try (SevenZFile archive = open(file, null, walk)) {
      Optional<SevenZArchiveEntry> probe = smallestFile(archive);
      if (probe.isPresent()) {
        try (InputStream in = archive.getInputStream(probe.get())) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
      }
      return false;
    } catch (PasswordRequiredException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<SevenZArchiveEntry> smallestFile(SevenZFile archive) {
    List<SevenZArchiveEntry> files = new ArrayList<>();
    for (SevenZArchiveEntry entry : archive.getEntries()) {
      if (entry.hasStream() && entry.getSize() > 0) {
        files.add(entry);
      }
    }
    return files.stream().min(Comparator.comparingLong(SevenZArchiveEntry::getSize));
  }

  private static SevenZFile open(Path file, @Nullable String password, Walk walk)
      throws IOException {
    SevenZFile.Builder builder =
        SevenZFile.builder()
            .setPath(file)
            .setMaxMemoryLimitKiB(walk.limits.xzMemoryKib())
            .setTryToRecoverBrokenArchives(false)
            .setUseDefaultNameForUnnamedEntries(true);
    if (password != null) {
      builder.setPassword(password.toCharArray());
    }
    return builder.get();
  }

  private static boolean decrypts(SevenZFile archive, SevenZArchiveEntry entry) {
    try (InputStream in = archive.getInputStream(entry)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return true;
    } catch (IOException | RuntimeException wrong) {
      return false;
    }
  }

  private static int unixType(SevenZArchiveEntry entry) {
    if (!entry.getHasWindowsAttributes()) {
      return 0;
    }
    int attributes = entry.getWindowsAttributes();
    if ((attributes & UNIX_EXTENSION) == 0) {
      return 0;
    }
    return (attributes >>> 16) & UNIX_TYPE_MASK;
  }

  private static BackupRejected secretRequired(Frame frame) {
    return BackupRejected.of(
        ProblemCode.SECRET_REQUIRED,
        "the 7z archive is encrypted: give the password with --password or --password-file",
        frame.enclosingArchive() == null ? "7z" : frame.enclosingArchive());
  }

  /** The current entry's bytes, read sequentially from the archive. */
  private static final class CurrentEntryStream extends InputStream {
    private final SevenZFile archive;

    CurrentEntryStream(SevenZFile archive) {
      this.archive = archive;
    }

    @Override
    public int read() throws IOException {
      return archive.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return archive.read(b, off, len);
    }
  }
}
