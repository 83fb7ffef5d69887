package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.lingala.zip4j.exception.ZipException;
import net.lingala.zip4j.model.FileHeader;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Opens encrypted zip entries (ZipCrypto and WinZip AES) with zip4j. The password is chosen once
 * per archive by reading its smallest encrypted entry to the end with each candidate: ZipCrypto's
 * one-byte check lets one wrong password in 256 through, so only a full CRC (or AES MAC) check
 * tells.
 */
final class ZipPasswords implements AutoCloseable {

  private final Path file;
  private final List<ZipArchiveEntry> entries;
  private final List<String> candidates;
  private net.lingala.zip4j.@Nullable ZipFile chosen;
  private final Map<Long, FileHeader> headersByOffset = new HashMap<>();

  ZipPasswords(Path file, List<ZipArchiveEntry> entries, List<String> candidates) {
    this.file = file;
    this.entries = entries;
    this.candidates = candidates;
  }

  InputStream open(ZipArchiveEntry entry) throws IOException {
    net.lingala.zip4j.ZipFile zip = chosen != null ? chosen : choose(entry.getName());
    FileHeader header = headersByOffset.get(entry.getLocalHeaderOffset());
    if (header == null) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT,
          "zip entry " + entry.getName() + " is missing from its directory",
          entry.getName());
    }
    try {
      return zip.getInputStream(header);
    } catch (ZipException e) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT,
          "zip entry " + entry.getName() + " cannot be opened: " + e.getMessage(),
          entry.getName());
    }
  }

  private net.lingala.zip4j.ZipFile choose(String firstName) throws IOException {
    if (candidates.isEmpty()) {
      throw BackupRejected.of(
          ProblemCode.SECRET_REQUIRED,
          "the zip is password protected: give the password with --password or --password-file",
          firstName);
    }
    Optional<ZipArchiveEntry> probe =
        entries.stream()
            .filter(e -> e.getGeneralPurposeBit().usesEncryption() && !e.isDirectory())
            .min(Comparator.comparingLong(ZipArchiveEntry::getCompressedSize));
    for (String candidate : candidates) {
      net.lingala.zip4j.ZipFile zip =
          new net.lingala.zip4j.ZipFile(file.toFile(), candidate.toCharArray());
      indexHeaders(zip);
      FileHeader header = headersByOffset.get(probe.orElseThrow().getLocalHeaderOffset());
      if (header != null && opens(zip, header)) {
        chosen = zip;
        return zip;
      }
      zip.close();
    }
    throw BackupRejected.of(
        ProblemCode.WRONG_SECRET,
        "the zip is password protected and none of the passwords given opens it",
        firstName);
  }

  @Override
  public void close() throws IOException {
    if (chosen != null) {
      chosen.close();
    }
  }

  private void indexHeaders(net.lingala.zip4j.ZipFile zip) throws ZipException {
    headersByOffset.clear();
    for (FileHeader header : zip.getFileHeaders()) {
      headersByOffset.put(header.getOffsetLocalHeader(), header);
    }
  }

  private static boolean opens(net.lingala.zip4j.ZipFile zip, FileHeader header) {
    try (InputStream in = zip.getInputStream(header)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return true;
    } catch (IOException | RuntimeException wrongOrDamaged) {
      return false;
    }
  }
}
