package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Reads a 7z from a file with {@link SevenZipArchive} (LZMA, LZMA2, PPMd, BZip2, Deflate; AES-256,
 * including encrypted headers). With several passwords, the one that opens the encrypted headers,
 * or decrypts the smallest encrypted folder with matching CRCs, is used for the whole archive.
 */
final class SevenZipContainer {

  private static final int UNIX_EXTENSION = 0x8000;

  private SevenZipContainer() {}

  static void read(Walk walk, Path file, Frame frame) throws IOException {
    String where =
        frame.enclosingArchive() == null ? file.getFileName().toString() : frame.enclosingArchive();
    String defaultName = file.getFileName().toString().replaceFirst("\\.7z$", "");
    boolean[] firstFile = {true};
    try (SevenZipArchive archive = openWithRightPassword(walk, file, frame, where)) {
      archive.read(
          (entry, content) -> {
            walk.countEntry();
            String raw = entry.name().isEmpty() ? defaultName : entry.name();
            if (entry.anti()) {
              return;
            }
            String name = walk.acceptTyped(raw, unixType(entry), frame);
            if (name == null) {
              return;
            }
            if (entry.directory()) {
              walk.visitor.directory(name);
              return;
            }
            boolean continues = frame.outer() && firstFile[0];
            firstFile[0] = false;
            InputStream guarded =
                new ExpansionGuard(
                    content,
                    () -> Long.MAX_VALUE,
                    walk.limits,
                    "7z entry " + name,
                    ExpansionBudget.NONE);
            ArchiveReader.peelEntry(walk, guarded, name, entry.size(), continues, frame);
            ArchiveReader.drain(guarded, "7z entry " + name);
          });
    } catch (SevenZipArchive.PasswordRequired e) {
      throw secretRequired(where);
    } catch (SevenZipArchive.UnsupportedMethod e) {
      throw BackupRejected.of(
          ProblemCode.UNRECOGNIZED_FORMAT,
          "the 7z archive uses "
              + e.method
              + ", which FédiMon cannot read: make it again with 7-Zip's default, LZMA2 (7zz a"
              + " -m0=LZMA2)",
          where);
    }
  }

  /**
   * Opens the archive with the password that opens its headers or decrypts its smallest encrypted
   * folder with matching CRCs (7z says which folders are encrypted, not which password is right).
   */
  private static SevenZipArchive openWithRightPassword(
      Walk walk, Path file, Frame frame, String where) throws IOException {
    List<String> passwords = walk.secrets.passwords();
    SevenZipArchive plain;
    try {
      plain = SevenZipArchive.open(file, null, walk.limits, walk.threads);
    } catch (SevenZipArchive.PasswordRequired encryptedHeaders) {
      if (passwords.isEmpty()) {
        throw secretRequired(where);
      }
      for (String password : passwords) {
        try {
          return SevenZipArchive.open(file, password, walk.limits, walk.threads);
        } catch (SevenZipArchive.UnsupportedMethod e) {
          throw e;
        } catch (IOException wrong) {
          // the header's CRC tells a wrong password: try the next
        }
      }
      throw wrongSecret(where);
    }
    if (!plain.encrypted()) {
      return plain;
    }
    plain.close();
    if (passwords.isEmpty()) {
      throw secretRequired(where);
    }
    for (String password : passwords) {
      SevenZipArchive archive = SevenZipArchive.open(file, password, walk.limits, walk.threads);
      if (archive.decryptsSmallestFolder()) {
        return archive;
      }
      archive.close();
    }
    throw wrongSecret(where);
  }

  private static int unixType(SevenZipArchive.Entry entry) {
    Integer attributes = entry.attributes();
    if (attributes == null || (attributes & UNIX_EXTENSION) == 0) {
      return 0;
    }
    return (attributes >>> 16) & Walk.UNIX_TYPE_MASK;
  }

  private static BackupRejected secretRequired(String where) {
    return BackupRejected.of(
        ProblemCode.SECRET_REQUIRED,
        "the 7z archive is encrypted: give the password with --password or --password-file",
        where);
  }

  private static BackupRejected wrongSecret(String where) {
    return BackupRejected.of(
        ProblemCode.WRONG_SECRET,
        "the 7z archive is encrypted and none of the passwords given opens it",
        where);
  }
}
