package social.fedimon.engine.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;

/**
 * Layer detection and the whole reader on arbitrary bytes: the only failure allowed is a {@link
 * BackupRejected} with a problem code, never another exception, never a hang or an OOM (the limits
 * are small). Runs its seeds in CI (regression mode); {@code JAZZER_FUZZ=1} explores.
 */
class ArchiveReaderFuzzTest {

  private static final ArchiveLimits SMALL =
      ArchiveLimits.DEFAULTS
          .withMaxExpandedBytes(8L << 20)
          .withRatio(50, 1L << 20)
          .withMaxEntries(1000)
          .withXzMemoryKib(16 * 1024)
          .withZstdWindowLog(20);

  @FuzzTest(maxDuration = "60s")
  void detectionNeverThrows(byte[] head) {
    if (head == null) {
      return;
    }
    LayerDetector.detect(head, head.length);
  }

  @FuzzTest(maxDuration = "120s")
  void readingOnlyEverRejects(byte[] bytes) {
    if (bytes == null) {
      return;
    }
    try {
      new ArchiveReader(SMALL, Secrets.none())
          .read(
              Source.of("fuzz", new ByteArrayInputStream(bytes)),
              new EntryVisitor() {
                @Override
                public void file(ArchiveEntry entry, InputStream content) throws IOException {
                  content.transferTo(java.io.OutputStream.nullOutputStream());
                }

                @Override
                public void problem(Problem problem) {}
              },
              n -> {});
    } catch (BackupRejected expected) {
      // a clear refusal is the right answer to garbage
    }
  }
}
