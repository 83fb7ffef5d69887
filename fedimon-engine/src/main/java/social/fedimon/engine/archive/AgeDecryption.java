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
      if (!armored) {
        return new AgePayloadStream(parallelPayload(in, readers, factory), where);
      }
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

  /** An age header longer than this is not one we can open (X25519 and scrypt ones are small). */
  static final int MAX_HEADER_BYTES = 1 << 20;

  /**
   * The payload of a binary age file, decrypted on every core. jagged checks the header (the
   * recipients and the header MAC) as it always does, on the header bytes alone; the file key it
   * unwraps is kept to derive the payload key, and the chunks are then opened by {@link
   * AgePayload}.
   */
  private static InputStream parallelPayload(
      InputStream in, List<RecipientStanzaReader> readers, DecryptingChannelFactory factory)
      throws IOException, GeneralSecurityException {
    java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
    boolean lineStart = true;
    int macLine = 0; // bytes of "--- " matched at a line start, 4 when inside the MAC line
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("the age header ends before its MAC line");
      }
      header.write(b);
      if (header.size() > MAX_HEADER_BYTES) {
        throw new IOException("the age header is longer than " + MAX_HEADER_BYTES + " bytes");
      }
      if (macLine == 4) {
        if (b == '\n') {
          break;
        }
        continue;
      }
      if (lineStart || macLine > 0) {
        macLine = b == "--- ".charAt(macLine) ? macLine + 1 : 0;
      }
      lineStart = b == '\n';
    }
    byte[] nonce = in.readNBytes(16);
    if (nonce.length < 16) {
      throw new java.io.EOFException("the age payload ends before its nonce");
    }
    byte[][] fileKey = new byte[1][];
    List<RecipientStanzaReader> keeping = new ArrayList<>();
    for (RecipientStanzaReader reader : readers) {
      keeping.add(
          stanzas -> {
            com.exceptionfactory.jagged.FileKey key = reader.getFileKey(stanzas);
            fileKey[0] = key.getEncoded().clone();
            return key;
          });
    }
    header.writeBytes(nonce);
    // jagged wants payload after the nonce: it is given the first chunk, which it does not open
    byte[] first = in.readNBytes(AgePayload.CHUNK + AgePayload.TAG);
    header.writeBytes(first);
    try (java.nio.channels.ReadableByteChannel checked =
        factory.newDecryptingChannel(
            Channels.newChannel(new java.io.ByteArrayInputStream(header.toByteArray())), keeping)) {
      // the header and its MAC are good: jagged would throw otherwise
    }
    if (fileKey[0] == null) {
      throw new GeneralSecurityException("no identity opened the age header");
    }
    byte[] payloadKey = AgePayload.payloadKey(fileKey[0], nonce);
    java.util.Arrays.fill(fileKey[0], (byte) 0);
    return new AgePayload(
        // SequenceInputStream closes each stream it exhausts: the layer below is not ours to close
        new java.io.SequenceInputStream(
            new java.io.ByteArrayInputStream(first), new NonClosingInputStream(in)),
        payloadKey,
        Runtime.getRuntime().availableProcessors());
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
