package social.fedimon.engine.archive;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.pgpainless.PGPainless;
import org.pgpainless.decryption_verification.ConsumerOptions;
import org.pgpainless.decryption_verification.MissingKeyPassphraseStrategy;
import org.pgpainless.exception.MessageNotIntegrityProtectedException;
import org.pgpainless.exception.MissingDecryptionMethodException;
import org.pgpainless.exception.MissingPassphraseException;
import org.pgpainless.exception.ModificationDetectionException;
import org.pgpainless.exception.WrongPassphraseException;
import org.pgpainless.key.protection.CachingSecretKeyRingProtector;
import org.pgpainless.key.protection.UnlockSecretKey;
import org.pgpainless.util.Passphrase;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Opens an OpenPGP message (binary or armored): symmetric passphrases, and secret keys, unlocked
 * with the given passwords when they are locked. The usual backup (AES, MDC, a key or passphrase
 * that fits) is read by {@link PgpFastPath}; everything else, and every refusal, by PGPainless.
 * Integrity protection (MDC or AEAD) is required: PGPainless refuses messages without it, and both
 * check it at the end of the data.
 */
final class PgpDecryption {

  private PgpDecryption() {}

  static InputStream open(InputStream in, Secrets secrets, DecoderThreads threads, String where)
      throws IOException {
    PgpProvider.install();
    if (secrets.pgpKeys().isEmpty() && secrets.passwords().isEmpty()) {
      throw BackupRejected.of(
          ProblemCode.SECRET_REQUIRED,
          where
              + " is encrypted with OpenPGP: give the secret key with --identity (and its password"
              + " if it is locked), or the passphrase with --password or --password-file",
          where);
    }
    BufferedInputStream buffered = new BufferedInputStream(in, ArchiveReader.BUFFER_BYTES);
    InputStream fast = PgpFastPath.open(buffered, secrets, threads);
    if (fast != null) {
      return fast;
    }
    return withPgpainless(buffered, secrets, where);
  }

  /**
   * The message read by PGPainless alone: what the fast path falls back to, and what it is held to
   * ({@code PgpPathsTest} runs the same messages through both and compares the verdicts).
   */
  static InputStream withPgpainless(InputStream in, Secrets secrets, String where)
      throws IOException {
    PgpProvider.install();
    ConsumerOptions options =
        ConsumerOptions.get()
            .setMissingKeyPassphraseStrategy(MissingKeyPassphraseStrategy.THROW_EXCEPTION);
    for (String password : secrets.passwords()) {
      options.addMessagePassphrase(Passphrase.fromPassword(password));
    }
    for (PGPSecretKeyRing ring : secrets.pgpKeys()) {
      options.addDecryptionKey(ring, protector(ring, secrets));
    }
    try {
      return new PgpPayloadStream(
          PGPainless.decryptAndOrVerify().onInputStream(in).withOptions(options), where);
    } catch (MissingPassphraseException e) {
      if (!secrets.passwords().isEmpty()) {
        throw BackupRejected.of(
            ProblemCode.WRONG_SECRET,
            where
                + " is encrypted to an OpenPGP key that is locked, and none of the passwords given"
                + " unlocks it",
            where);
      }
      throw BackupRejected.of(
          ProblemCode.SECRET_REQUIRED,
          where
              + " is encrypted to an OpenPGP key that is locked: give its password with --password",
          where);
    } catch (WrongPassphraseException e) {
      throw wrongSecret(where);
    } catch (MissingDecryptionMethodException e) {
      throw wrongSecret(where);
    } catch (MessageNotIntegrityProtectedException e) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT,
          where
              + " is an OpenPGP message without integrity protection (no MDC): it could have been"
              + " altered undetectably; encrypt it again with a current gpg",
          where);
    } catch (PGPException | IOException | RuntimeException e) {
      if (e instanceof BackupRejected rejected) {
        throw rejected;
      }
      throw BackupRejected.of(
          ProblemCode.CORRUPT,
          where + ": the OpenPGP message cannot be read: " + e.getMessage(),
          where);
    }
  }

  private static BackupRejected wrongSecret(String where) {
    return BackupRejected.of(
        ProblemCode.WRONG_SECRET,
        where + " is encrypted with OpenPGP, and none of the keys or passphrases given opens it",
        where);
  }

  /** Finds, for each locked secret key of the ring, which of the given passwords unlocks it. */
  private static CachingSecretKeyRingProtector protector(PGPSecretKeyRing ring, Secrets secrets) {
    CachingSecretKeyRingProtector protector = new CachingSecretKeyRingProtector();
    for (PGPSecretKey key : ring) {
      if (key.getS2KUsage() == 0) {
        protector.addPassphrase(key.getKeyID(), Passphrase.emptyPassphrase());
        continue;
      }
      for (String password : secrets.passwords()) {
        Passphrase passphrase = Passphrase.fromPassword(password);
        try {
          UnlockSecretKey.unlockSecretKey(key, passphrase);
          protector.addPassphrase(key.getKeyID(), passphrase);
          break;
        } catch (Exception wrong) {
          // PGPainless (Kotlin) throws WrongPassphraseException undeclared: try the next password
        }
      }
    }
    return protector;
  }

  /** Integrity failures found while reading (a bad MDC at the end) become {@code corrupt}. */
  private static final class PgpPayloadStream extends FilterInputStream {
    private final String where;

    PgpPayloadStream(InputStream in, String where) {
      super(in);
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | RuntimeException e) {
        throw corrupt(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw corrupt(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } catch (IOException | RuntimeException e) {
        throw corrupt(e);
      }
    }

    private RuntimeException corrupt(Exception e) {
      if (e instanceof BackupRejected rejected) {
        return rejected;
      }
      String reason =
          e instanceof ModificationDetectionException
              ? "its integrity check (MDC) fails: the file was altered or damaged"
              : "it cannot be read to the end (truncated or damaged): " + e.getMessage();
      return BackupRejected.of(ProblemCode.CORRUPT, where + ": " + reason, where);
    }
  }
}
