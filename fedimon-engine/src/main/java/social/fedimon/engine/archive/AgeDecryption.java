package social.fedimon.engine.archive;

import com.exceptionfactory.jagged.DecryptingChannelFactory;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.framework.armor.ArmoredDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/** Opens an age layer (binary or armored) with the given X25519 identities and passphrases. */
final class AgeDecryption {

  private AgeDecryption() {}

  static InputStream open(
      InputStream in, boolean armored, Secrets secrets, ArchiveLimits limits, String where)
      throws IOException {
    if (secrets.ageIdentities().isEmpty() && secrets.passwords().isEmpty()) {
      throw BackupRejected.of(
          ProblemCode.SECRET_REQUIRED,
          where
              + " is encrypted with age: give its identity file with --identity, or its passphrase"
              + " with --password or --password-file",
          where);
    }
    List<RecipientStanzaReader> readers = new ArrayList<>();
    for (String identity : secrets.ageIdentities()) {
      try {
        readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("an age identity given with --identity is not valid");
      }
    }
    for (String password : secrets.passwords()) {
      readers.add(new AgeScryptStanzaReader(password, limits.scryptMaxLogN()));
    }
    DecryptingChannelFactory factory =
        armored ? new ArmoredDecryptingChannelFactory() : new StandardDecryptingChannelFactory();
    try {
      return new AgePayloadStream(
          Channels.newInputStream(factory.newDecryptingChannel(Channels.newChannel(in), readers)),
          where);
    } catch (AgeScryptStanzaReader.AgeWorkFactorException e) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          where
              + " asks for scrypt work factor 2^"
              + e.logN
              + ", above the limit of 2^"
              + e.maxLogN
              + " (each step doubles the memory and time needed)",
          where);
    } catch (AgeScryptStanzaReader.AgeHeaderException e) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT, where + ": bad age header: " + e.getMessage(), where);
    } catch (GeneralSecurityException e) {
      throw BackupRejected.of(
          ProblemCode.WRONG_SECRET,
          where
              + " is encrypted with age, and none of the identities or passphrases given opens it",
          where);
    } catch (IOException e) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT, where + ": the age header cannot be read: " + e.getMessage(), where);
    }
  }

  /** Turns payload authentication failures (truncation, tampering) into {@code corrupt}. */
  private static final class AgePayloadStream extends java.io.FilterInputStream {
    private final String where;

    AgePayloadStream(InputStream in, String where) {
      super(in);
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw corrupt(e);
      }
    }

    private BackupRejected corrupt(IOException e) {
      return BackupRejected.of(
          ProblemCode.CORRUPT,
          where
              + ": the age payload fails authentication (truncated or altered): "
              + e.getMessage(),
          where);
    }
  }
}
