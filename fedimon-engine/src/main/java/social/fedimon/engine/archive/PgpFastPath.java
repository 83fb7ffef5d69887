package social.fedimon.engine.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.CompressedDataPacket;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.LiteralDataPacket;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEDataDecryptorFactoryBuilder;
import org.jspecify.annotations.Nullable;
import org.pgpainless.key.protection.UnlockSecretKey;
import org.pgpainless.util.Passphrase;

/**
 * The common OpenPGP backup, read fast: a message encrypted with AES in a SEIPD v1 packet (MDC), to
 * a passphrase or a key we hold, holding a literal packet, compressed or not. Bouncy Castle still
 * parses the packets and recovers the session key; the bulk (AES-CFB and SHA-1 on the CPU's
 * instructions through the JDK, inflation through 64 KiB buffers) runs here, and the MDC is checked
 * at the end exactly as the standard says.
 *
 * <p>Anything else (another cipher, AEAD, a key still locked, no secret that fits, a damaged
 * header) is not decided here: {@link #open} rewinds and returns null, and PGPainless reads the
 * message and gives its precise answer (wrong secret, locked key, no integrity protection).
 */
final class PgpFastPath {

  /** Header packets (key packets, session keys) are read within this many bytes, or not at all. */
  static final int HEAD_LIMIT = 1 << 20;

  private static final int MDC_PACKET_BYTES = 22;
  private static final int BLOCK = 16;

  private PgpFastPath() {}

  /**
   * Opens the message's literal data, or returns null with {@code in} rewound to where it was.
   *
   * @param in positioned at the message, not yet marked
   */
  static @Nullable InputStream open(BufferedInputStream in, Secrets secrets, DecoderThreads threads)
      throws IOException {
    in.mark(HEAD_LIMIT);
    try {
      InputStream opened = tryOpen(new Unmarkable(in), secrets, threads);
      if (opened != null) {
        return opened;
      }
    } catch (IOException | PGPException | RuntimeException undecided) {
      // PGPainless reads it again from the start and says precisely what is wrong
    }
    in.reset();
    return null;
  }

  private static @Nullable InputStream tryOpen(
      InputStream in, Secrets secrets, DecoderThreads threads) throws IOException, PGPException {
    BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(in));
    Object object = factory.nextObject();
    while (object instanceof PGPMarker) {
      object = factory.nextObject();
    }
    if (!(object instanceof PGPEncryptedDataList list) || list.isEmpty()) {
      return null;
    }
    PGPEncryptedData first = list.get(0);
    if (!first.isIntegrityProtected() || first.isAEAD()) {
      return null;
    }
    InputStream encrypted = first.getInputStream();
    byte[] prefix = encrypted.readNBytes(BLOCK + 2);
    if (prefix.length != BLOCK + 2) {
      return null;
    }
    for (PGPSessionKey key : candidateKeys(list, secrets)) {
      int bits = keyBits(key.getAlgorithm());
      if (bits == 0 || key.getKey().length * 8 != bits) {
        continue;
      }
      SeipdStream plain = SeipdStream.start(encrypted, key.getKey(), prefix);
      if (plain != null) {
        // decryption and its hash on one core, everything that reads the plaintext on another
        return LiteralData.of(new ReadAhead(plain, 256 * 1024, threads), threads);
      }
    }
    return null;
  }

  private static int keyBits(int algorithm) {
    return switch (algorithm) {
      case SymmetricKeyAlgorithmTags.AES_128 -> 128;
      case SymmetricKeyAlgorithmTags.AES_192 -> 192;
      case SymmetricKeyAlgorithmTags.AES_256 -> 256;
      default -> 0;
    };
  }

  /** Session keys from every passphrase and every key we hold that fits a recipient. */
  private static List<PGPSessionKey> candidateKeys(PGPEncryptedDataList list, Secrets secrets) {
    List<PGPSessionKey> keys = new ArrayList<>();
    for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
      PGPEncryptedData data = it.next();
      if (data instanceof PGPPBEEncryptedData pbe) {
        for (String password : secrets.passwords()) {
          try {
            keys.add(
                pbe.getSessionKey(
                    new JcePBEDataDecryptorFactoryBuilder(
                            new JcaPGPDigestCalculatorProviderBuilder().setProvider("SUN").build())
                        .build(password.toCharArray())));
          } catch (PGPException | RuntimeException wrong) {
            // an encrypted session key that does not decrypt: not this passphrase
          }
        }
      } else if (data instanceof PGPPublicKeyEncryptedData pk) {
        for (PGPPrivateKey key : privateKeys(pk.getKeyID(), secrets)) {
          try {
            keys.add(pk.getSessionKey(new BcPublicKeyDataDecryptorFactory(key)));
          } catch (PGPException | RuntimeException wrong) {
            // not this key
          }
        }
      }
    }
    return keys;
  }

  /** The unlocked secret keys for a recipient id (0: a hidden recipient, any key may fit). */
  private static List<PGPPrivateKey> privateKeys(long keyId, Secrets secrets) {
    List<PGPPrivateKey> keys = new ArrayList<>();
    for (PGPSecretKeyRing ring : secrets.pgpKeys()) {
      for (PGPSecretKey secret : ring) {
        if (keyId != 0 && secret.getKeyID() != keyId) {
          continue;
        }
        PGPPrivateKey unlocked = unlock(secret, secrets);
        if (unlocked != null) {
          keys.add(unlocked);
        }
      }
    }
    return keys;
  }

  private static @Nullable PGPPrivateKey unlock(PGPSecretKey secret, Secrets secrets) {
    if (secret.isPrivateKeyEmpty()) {
      return null;
    }
    List<Passphrase> tries = new ArrayList<>();
    if (secret.getS2KUsage() == 0) {
      tries.add(Passphrase.emptyPassphrase());
    } else {
      for (String password : secrets.passwords()) {
        tries.add(Passphrase.fromPassword(password));
      }
    }
    for (Passphrase passphrase : tries) {
      try {
        return UnlockSecretKey.unlockSecretKey(secret, passphrase);
      } catch (Exception wrong) {
        // PGPainless (Kotlin) throws WrongPassphraseException undeclared: try the next
      }
    }
    return null;
  }

  /** Hides mark/reset from Bouncy Castle, so that its own marks cannot move ours. */
  private static final class Unmarkable extends FilterInputStream {
    Unmarkable(InputStream in) {
      super(in);
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
      // ours stays where open() put it
    }

    @Override
    public synchronized void reset() throws IOException {
      throw new IOException("mark not supported");
    }
  }

  /**
   * The plaintext of a SEIPD v1 packet: AES in CFB mode from a zero IV over a random block and two
   * repeated bytes (the quick check that tells a wrong key), then the packets, then the MDC packet:
   * SHA-1 over everything before its 20 hash bytes. The last 22 bytes are held back until the end
   * is known, and checked there.
   */
  static final class SeipdStream extends BulkInputStream {
    private final InputStream in;
    private final Cfb cipher;
    private final MessageDigest sha1;
    private final byte[] encrypted = new byte[64 * 1024];
    private final byte[] plain = new byte[64 * 1024 + 2 * BLOCK + MDC_PACKET_BYTES];
    private int start;
    private int end; // plain[start, end) is ready, plain[end, end + held) is held back
    private int held;
    private int skip; // prefix bytes still to come out of the cipher: hashed, not handed out
    private boolean finished;

    private SeipdStream(InputStream in, Cfb cipher, MessageDigest sha1, int skip) {
      this.in = in;
      this.cipher = cipher;
      this.sha1 = sha1;
      this.skip = skip;
    }

    /**
     * Starts decrypting after the {@code prefix} (the first block and two bytes of ciphertext), or
     * returns null when its quick check says the key is wrong.
     */
    static @Nullable SeipdStream start(InputStream in, byte[] key, byte[] prefix) {
      try {
        SecretKeySpec aes = new SecretKeySpec(key, "AES");
        // the quick check by hand: CFB holds back a partial block, the check spans two
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, aes);
        byte[] first = ecb.doFinal(new byte[BLOCK]);
        byte[] second = ecb.doFinal(Arrays.copyOf(prefix, BLOCK));
        if ((prefix[BLOCK - 2] ^ first[BLOCK - 2]) != (prefix[BLOCK] ^ second[0])
            || (prefix[BLOCK - 1] ^ first[BLOCK - 1]) != (prefix[BLOCK + 1] ^ second[1])) {
          return null;
        }
        Cfb cipher = new Cfb(aes, new byte[BLOCK], 64 * 1024);
        byte[] head = new byte[prefix.length];
        int out = cipher.update(prefix, 0, prefix.length, head, 0);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(head, 0, out);
        return new SeipdStream(in, cipher, sha1, prefix.length - out);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no AES or SHA-1", e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (start == end) {
        if (finished) {
          return -1;
        }
        fill();
      }
      int n = Math.min(len, end - start);
      System.arraycopy(plain, start, b, off, n);
      start += n;
      return n;
    }

    private void fill() throws IOException {
      System.arraycopy(plain, end, plain, 0, held); // the held-back tail first
      int n = in.read(encrypted, 0, encrypted.length);
      int total;
      try {
        total =
            held
                + (n < 0
                    ? cipher.doFinal(plain, held)
                    : cipher.update(encrypted, 0, n, plain, held));
      } catch (GeneralSecurityException e) {
        throw new IOException("AES-CFB failed: " + e.getMessage(), e);
      }
      int ready = Math.max(0, total - MDC_PACKET_BYTES);
      sha1.update(plain, 0, ready);
      held = total - ready;
      if (n < 0) {
        finished = true;
        checkMdc(ready);
        held = 0;
      }
      start = Math.min(skip, ready);
      skip -= start;
      end = ready;
    }

    private void checkMdc(int at) throws IOException {
      if (held != MDC_PACKET_BYTES
          || (plain[at] & 0xFF) != 0xD3
          || (plain[at + 1] & 0xFF) != 0x14) {
        throw new EOFException("the OpenPGP message ends without its MDC packet (truncated)");
      }
      sha1.update(plain, at, 2);
      byte[] expected = Arrays.copyOfRange(plain, at + 2, at + MDC_PACKET_BYTES);
      if (!MessageDigest.isEqual(sha1.digest(), expected)) {
        throw new IOException("its integrity check (MDC) fails: the file was altered or damaged");
      }
    }
  }

  /**
   * AES-CFB decryption, computed as what it is: each plaintext block is its ciphertext block XOR
   * the encryption of the ciphertext block before it (the IV for the first). Those are all known
   * before anything is decrypted, so one call of the JDK's AES-ECB encrypts a whole buffer of them,
   * and ECB runs on the CPU's vector AES instructions (16 GB/s on this project's machine with JDK
   * 17) where the JDK's CFB goes a block at a time (470 MB/s). Like the JDK's CFB without padding,
   * {@link #update} gives whole blocks and holds a partial one back; {@link #doFinal} gives it.
   */
  static final class Cfb {
    private final Cipher ecb;
    private final int capacity;
    // work[0, BLOCK) is the ciphertext block before work[BLOCK, ...): the ciphertext waiting
    private final byte[] work;
    private final byte[] keystream;
    private int waiting; // ciphertext bytes in work[BLOCK, BLOCK + waiting), fewer than a block

    /** For updates of up to {@code capacity} bytes. */
    Cfb(SecretKeySpec key, byte[] iv, int capacity) throws GeneralSecurityException {
      this.ecb = Cipher.getInstance("AES/ECB/NoPadding");
      ecb.init(Cipher.ENCRYPT_MODE, key);
      this.capacity = capacity;
      this.work = new byte[capacity + 2 * BLOCK];
      this.keystream = new byte[capacity + 2 * BLOCK];
      System.arraycopy(iv, 0, work, 0, BLOCK);
    }

    /** Decrypts the whole blocks of what came before and {@code in}; returns how many bytes. */
    int update(byte[] in, int offset, int length, byte[] out, int outOffset)
        throws GeneralSecurityException {
      if (length > capacity) {
        throw new IllegalArgumentException("at most " + capacity + " bytes at a time");
      }
      System.arraycopy(in, offset, work, BLOCK + waiting, length);
      int total = waiting + length;
      int whole = total - total % BLOCK;
      if (whole == 0) {
        waiting = total;
        return 0;
      }
      // the keystream of block i is E(ciphertext block i - 1): work[0, whole) shifted by a block
      if (ecb.update(work, 0, whole, keystream, 0) != whole) {
        throw new GeneralSecurityException("AES-ECB gave fewer bytes than it was given");
      }
      for (int i = 0; i < whole; i++) {
        out[outOffset + i] = (byte) (work[BLOCK + i] ^ keystream[i]);
      }
      // the last whole ciphertext block comes before what is left; what is left waits after it
      System.arraycopy(work, whole, work, 0, BLOCK + total - whole);
      waiting = total - whole;
      return whole;
    }

    /** Decrypts the partial block held back, if any; returns how many bytes. */
    int doFinal(byte[] out, int outOffset) throws GeneralSecurityException {
      if (waiting == 0) {
        return 0;
      }
      if (ecb.update(work, 0, BLOCK, keystream, 0) != BLOCK) {
        throw new GeneralSecurityException("AES-ECB gave fewer bytes than it was given");
      }
      for (int i = 0; i < waiting; i++) {
        out[outOffset + i] = (byte) (work[BLOCK + i] ^ keystream[i]);
      }
      int n = waiting;
      waiting = 0;
      return n;
    }
  }

  /**
   * The data of the literal packet inside the plaintext, through any compressed packet; one-pass
   * signatures before it are skipped, and everything after it is read to the end so that the MDC is
   * checked before the last byte is handed out.
   */
  static final class LiteralData extends BulkInputStream {
    private final InputStream literal;
    private final InputStream plaintext;
    private boolean done;

    private LiteralData(InputStream literal, InputStream plaintext) {
      this.literal = literal;
      this.plaintext = plaintext;
    }

    static InputStream of(InputStream plaintext, DecoderThreads threads) throws IOException {
      try {
        InputStream packets = plaintext;
        for (int depth = 0; depth < 4; depth++) {
          BCPGInputStream bcpg = BCPGInputStream.wrap(packets);
          int tag = bcpg.nextPacketTag();
          while (tag == PacketTags.ONE_PASS_SIGNATURE || tag == PacketTags.MARKER) {
            bcpg.readPacket();
            tag = bcpg.nextPacketTag();
          }
          Packet packet = bcpg.readPacket();
          if (packet instanceof LiteralDataPacket literal) {
            LiteralData data = new LiteralData(literal.getInputStream(), plaintext);
            if (depth == 0) {
              return data;
            }
            // gpg compresses by default, and inflating is the slowest step here (zlib's 450 MB/s
            // on a compressed archive): it gets a core of its own, away from the layers inside
            return new FilterInputStream(new ReadAhead(data, 256 * 1024, threads)) {
              @Override
              public void close() throws IOException {
                try {
                  super.close();
                } finally {
                  data.close();
                }
              }
            };
          }
          if (!(packet instanceof CompressedDataPacket compressed)) {
            throw new IOException("the OpenPGP message holds no literal data");
          }
          packets = decompress(compressed);
        }
        throw new IOException("the OpenPGP message nests compressed packets too deep");
      } catch (IOException | RuntimeException e) {
        plaintext.close();
        throw e;
      }
    }

    private static InputStream decompress(CompressedDataPacket packet) throws IOException {
      InputStream body = packet.getInputStream();
      return switch (packet.getAlgorithm()) {
        case CompressionAlgorithmTags.UNCOMPRESSED -> body;
        case CompressionAlgorithmTags.ZIP -> new Inflating(body, new Inflater(true));
        case CompressionAlgorithmTags.ZLIB -> new Inflating(body, new Inflater(false));
        case CompressionAlgorithmTags.BZIP2 ->
            new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(body);
        default -> throw new IOException("unknown OpenPGP compression " + packet.getAlgorithm());
      };
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      int n = literal.read(b, off, len);
      if (n < 0) {
        done = true;
        // trailing packets (signatures) and the MDC: nothing is over until it is checked
        Drain.all(plaintext);
        return -1;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      plaintext.close();
    }
  }

  /** java.util.zip's inflater through 64 KiB buffers (InflaterInputStream's default is 512 B). */
  private static final class Inflating extends BulkInputStream {
    private final InputStream in;
    private final Inflater inflater;
    private final byte[] input = new byte[64 * 1024];
    private boolean ended;

    Inflating(InputStream in, Inflater inflater) {
      this.in = in;
      this.inflater = inflater;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (ended || len == 0) {
        return ended ? -1 : 0;
      }
      try {
        for (; ; ) {
          int n = inflater.inflate(b, off, len);
          if (n > 0) {
            return n;
          }
          if (inflater.finished()) {
            ended = true;
            inflater.end();
            return -1;
          }
          if (inflater.needsDictionary()) {
            throw new IOException("a deflate stream asks for a preset dictionary");
          }
          int read = in.read(input, 0, input.length);
          if (read < 0) {
            throw new EOFException("the compressed OpenPGP data ends too early");
          }
          inflater.setInput(input, 0, read);
        }
      } catch (DataFormatException e) {
        throw new IOException("damaged compressed OpenPGP data: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
