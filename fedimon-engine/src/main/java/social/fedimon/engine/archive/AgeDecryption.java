package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Opens an age layer (binary or armored) with the given identities (X25519 and age 1.3's hybrid
 * post-quantum ones) and passphrases. The header is read and checked by {@link AgeHeader}, the file
 * key unwrapped by an {@link AgeIdentity}, the header MAC checked, and the payload opened on
 * several cores by {@link AgePayload}; the outcomes follow age's conformance vectors (C2SP CCTV).
 */
final class AgeDecryption {

  private static final int NONCE_BYTES = 16;

  private AgeDecryption() {}

  static InputStream open(
      InputStream in, boolean armored, Secrets secrets, ArchiveLimits limits, String where)
      throws IOException {
    return open(in, armored, secrets, limits, DecoderThreads.perCore(), where);
  }

  static InputStream open(
      InputStream in,
      boolean armored,
      Secrets secrets,
      ArchiveLimits limits,
      DecoderThreads threads,
      String where)
      throws IOException {
    List<AgeIdentity> identities = new ArrayList<>();
    for (String identity : secrets.ageIdentities()) {
      identities.add(AgeIdentity.parse(identity));
    }
    for (String password : secrets.passwords()) {
      identities.add(new AgeIdentity.Passphrase(password, limits.scryptMaxLogN()));
    }
    InputStream body = armored ? new AgeArmor(new NonClosingInputStream(in)) : in;
    try {
      AgeHeader header = AgeHeader.read(body);
      if (identities.isEmpty()) {
        throw BackupRejected.of(
            ProblemCode.SECRET_REQUIRED,
            where
                + " is encrypted with age: give its identity file with --identity, or its"
                + " passphrase with --password or --password-file",
            where);
      }
      byte[] fileKey = unwrap(header, identities);
      if (!header.macMatches(fileKey)) {
        throw new AgeHeader.Malformed("the header MAC does not match (the header was altered)");
      }
      byte[] nonce = body.readNBytes(NONCE_BYTES);
      if (nonce.length < NONCE_BYTES) {
        throw new AgeHeader.Malformed("the file ends before its payload nonce");
      }
      byte[] payloadKey = AgePayload.payloadKey(fileKey, nonce);
      Arrays.fill(fileKey, (byte) 0);
      return new AgePayloadStream(
          new AgePayload(armored ? body : new NonClosingInputStream(body), payloadKey, threads),
          where);
    } catch (AgeIdentity.WorkFactorTooHigh e) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          where
              + " asks for scrypt work factor 2^"
              + e.logN
              + ", above the limit of 2^"
              + e.maxLogN
              + " (each step doubles the memory and time needed)",
          where);
    } catch (NoMatch e) {
      throw BackupRejected.of(
          ProblemCode.WRONG_SECRET,
          where
              + " is encrypted with age, and none of the identities or passphrases given opens it",
          where);
    } catch (AgeHeader.Malformed e) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT, where + ": bad age header: " + e.getMessage(), where);
    } catch (GeneralSecurityException | IOException e) {
      throw BackupRejected.of(
          ProblemCode.CORRUPT, where + ": the age header cannot be read: " + e.getMessage(), where);
    }
  }

  /**
   * The file key: the first stanza an identity opens. An scrypt stanza must be alone in its header
   * (a passphrase-encrypted file has no other recipient, so nobody else can hold the key).
   */
  private static byte[] unwrap(AgeHeader header, List<AgeIdentity> identities)
      throws GeneralSecurityException {
    List<AgeHeader.Stanza> stanzas = header.stanzas();
    if (stanzas.size() > 1 && stanzas.stream().anyMatch(s -> s.type().equals("scrypt"))) {
      throw new AgeHeader.Malformed("an scrypt stanza is not alone in the header");
    }
    for (AgeIdentity identity : identities) {
      for (AgeHeader.Stanza stanza : stanzas) {
        Optional<byte[]> fileKey = identity.unwrap(stanza);
        if (fileKey.isPresent()) {
          return fileKey.get();
        }
      }
    }
    throw new NoMatch();
  }

  /** No identity opens any stanza: "no match" in the age test vectors. */
  private static final class NoMatch extends GeneralSecurityException {}

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
