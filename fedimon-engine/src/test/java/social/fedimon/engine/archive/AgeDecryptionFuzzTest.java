package social.fedimon.engine.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import social.fedimon.engine.BackupRejected;

/**
 * Whole age files, binary or armored, on arbitrary bytes: opened, or refused with a problem code;
 * nothing else escapes. The seeds are C2SP's test vectors (X25519, hybrid, scrypt, armored), opened
 * with those vectors' identities and passphrase, so mutations reach the recipients and the MAC.
 */
class AgeDecryptionFuzzTest {

  private static final Secrets SECRETS =
      new Secrets(
          List.of("password"),
          List.of(
              "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0",
              "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG"),
          List.of());

  // scrypt's work factor capped low: a mutated 2^20 would make each run take a second
  private static final ArchiveLimits LIMITS =
      new ArchiveLimits(
          ArchiveLimits.DEFAULT_MAX_EXPANDED_BYTES,
          ArchiveLimits.DEFAULT_MAX_RATIO,
          ArchiveLimits.DEFAULT_RATIO_GRACE_BYTES,
          ArchiveLimits.DEFAULT_MAX_ENTRIES,
          ArchiveLimits.DEFAULT_MAX_NAME_BYTES,
          ArchiveLimits.DEFAULT_MAX_HEADER_BYTES,
          ArchiveLimits.DEFAULT_MAX_DEPTH,
          ArchiveLimits.DEFAULT_XZ_MEMORY_KIB,
          ArchiveLimits.DEFAULT_ZSTD_WINDOW_LOG,
          12,
          ArchiveLimits.DEFAULT_MAX_EXPANDED_BYTES);

  @FuzzTest(maxDuration = "60s")
  void anyAgeFileIsOpenedOrRefused(byte[] bytes) throws IOException {
    if (bytes == null) {
      return;
    }
    boolean armored = bytes.length == 0 || bytes[0] != 'a';
    try (InputStream in =
        AgeDecryption.open(new ByteArrayInputStream(bytes), armored, SECRETS, LIMITS, "fuzz")) {
      in.readAllBytes();
    } catch (BackupRejected expected) {
      // a header or payload refused with its problem code
    }
  }
}
