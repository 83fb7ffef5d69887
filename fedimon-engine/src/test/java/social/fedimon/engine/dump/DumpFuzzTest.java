package social.fedimon.engine.dump;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import social.fedimon.engine.BackupRejected;

/**
 * The plain SQL lexer (with the guard) and the custom-format reader on arbitrary bytes: they read,
 * or refuse with a problem code; nothing else escapes (no other exception, no hang, no OOM).
 */
class DumpFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void plainSqlIsReadOrRefused(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      new PlainDumpReader(DumpPolicy.DEFAULTS.newGuard())
          .read(new ByteArrayInputStream(bytes), new DumpSummary());
    } catch (BackupRejected expected) {
      // a clear refusal
    } catch (IOException expected) {
      // cannot happen on a byte array, but the signature says so
    }
  }

  @FuzzTest(maxDuration = "60s")
  void customArchivesAreReadOrRefused(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard())
          .read(new ByteArrayInputStream(bytes), new DumpSummary());
    } catch (BackupRejected expected) {
      // a clear refusal
    } catch (IOException expected) {
      // truncated or undecodable data: DumpFinder reports it as a corrupt dump
    }
  }

  @FuzzTest(maxDuration = "60s")
  void customArchiveFilesAreReadOrRefused(byte[] bytes) throws IOException {
    if (bytes == null) {
      return;
    }
    // a file is read through its data offsets, each block within its extent
    Path file = Files.createTempFile("fuzz", ".dump");
    try {
      Files.write(file, bytes);
      new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard()).read(file, new DumpSummary(), n -> {});
    } catch (BackupRejected expected) {
      // a clear refusal
    } catch (IOException expected) {
      // truncated or undecodable data
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
