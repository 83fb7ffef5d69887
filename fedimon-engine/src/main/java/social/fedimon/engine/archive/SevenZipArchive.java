package social.fedimon.engine.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;
import org.jspecify.annotations.Nullable;
import org.tukaani.xz.ARM64Options;
import org.tukaani.xz.ARMOptions;
import org.tukaani.xz.ARMThumbOptions;
import org.tukaani.xz.DeltaOptions;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.IA64Options;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.PowerPCOptions;
import org.tukaani.xz.RISCVOptions;
import org.tukaani.xz.SPARCOptions;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.X86Options;

/**
 * A 7z archive read from a file, following 7-Zip's format description (7zFormat.txt): the signature
 * header, the (possibly compressed and encrypted) header it points to, and the folders of packed
 * streams, decoded in order with their CRCs checked.
 *
 * <p>Written here rather than taken from Commons Compress because its coder table is closed and has
 * no PPMd, which 7-Zip offers for text (a SQL dump is text). Coders: copy, LZMA, LZMA2, PPMd,
 * BZip2, Deflate, Deflate64, AES-256 with SHA-256 key derivation, delta and the branch filters;
 * folders are chains of one-input coders (BCJ2's four-stream graph is refused by name). Every
 * count, size and offset read from the file is checked against the file and the limits before it is
 * used to allocate or seek.
 */
final class SevenZipArchive implements AutoCloseable {

  /** The password is needed to read the headers or a folder, and none was given. */
  static final class PasswordRequired extends IOException {
    private static final long serialVersionUID = 1;

    PasswordRequired() {
      super("the 7z archive is encrypted");
    }
  }

  /** A coder FédiMon does not decode, named as 7-Zip names it. */
  static final class UnsupportedMethod extends IOException {
    private static final long serialVersionUID = 1;
    final String method;

    UnsupportedMethod(String method) {
      super("the 7z archive uses " + method + ", which FédiMon cannot decode");
      this.method = method;
    }
  }

  /**
   * A file or folder of the archive, in the archive's order. (A class, not a record: Jazzer's
   * instrumentation in fuzzing mode fails on this record's constructor with NoSuchFieldError.)
   */
  static final class Entry {
    private final String name;
    private final boolean directory;
    private final boolean hasStream;
    private final boolean anti;
    private final long size;
    private final @Nullable Integer attributes;

    Entry(
        String name,
        boolean directory,
        boolean hasStream,
        boolean anti,
        long size,
        @Nullable Integer attributes) {
      this.name = name;
      this.directory = directory;
      this.hasStream = hasStream;
      this.anti = anti;
      this.size = size;
      this.attributes = attributes;
    }

    String name() {
      return name;
    }

    boolean directory() {
      return directory;
    }

    boolean hasStream() {
      return hasStream;
    }

    boolean anti() {
      return anti;
    }

    long size() {
      return size;
    }

    @Nullable Integer attributes() {
      return attributes;
    }
  }

  /** Receives each entry with its bytes (empty for folders and empty files). */
  interface Visitor {
    void entry(Entry entry, InputStream content) throws IOException;
  }

  private static final byte[] SIGNATURE = {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C};
  private static final int SIGNATURE_HEADER_BYTES = 32;
  private static final int MAX_KEY_CYCLES_POWER = 24;
  private static final int MAX_HEADER_NESTING = 4;

  private static final int K_END = 0x00;
  private static final int K_HEADER = 0x01;
  private static final int K_ARCHIVE_PROPERTIES = 0x02;
  private static final int K_ADDITIONAL_STREAMS = 0x03;
  private static final int K_MAIN_STREAMS = 0x04;
  private static final int K_FILES_INFO = 0x05;
  private static final int K_PACK_INFO = 0x06;
  private static final int K_UNPACK_INFO = 0x07;
  private static final int K_SUBSTREAMS_INFO = 0x08;
  private static final int K_SIZE = 0x09;
  private static final int K_CRC = 0x0A;
  private static final int K_FOLDER = 0x0B;
  private static final int K_CODERS_UNPACK_SIZE = 0x0C;
  private static final int K_NUM_UNPACK_STREAM = 0x0D;
  private static final int K_EMPTY_STREAM = 0x0E;
  private static final int K_EMPTY_FILE = 0x0F;
  private static final int K_ANTI = 0x10;
  private static final int K_NAME = 0x11;
  private static final int K_WIN_ATTRIBUTES = 0x15;
  private static final int K_ENCODED_HEADER = 0x17;
  private static final int K_DUMMY = 0x19;

  private static final int WINDOWS_DIRECTORY = 0x10;

  private record Coder(byte[] method, byte[] properties) {}

  /** A chain of coders over one packed stream, and how its output splits into files. */
  private static final class Folder {
    Coder[] coders; // coders[0] is the last one applied when decoding (the folder's output)
    long[] unpackSizes; // per coder, its output size
    int[] inputOf; // per coder, the coder whose output feeds it, -1 for the packed stream
    long crc = -1;
    int packStream;
    int substreams = 1;
    long[] substreamSizes;
    long[] substreamCrcs;

    boolean encrypted() {
      for (Coder coder : coders) {
        if (Arrays.equals(coder.method, AES)) {
          return true;
        }
      }
      return false;
    }

    long unpackSize() {
      return unpackSizes[outputCoder];
    }

    int outputCoder;
  }

  private static final class StreamsInfo {
    long packPos;
    long[] packSizes = new long[0];
    long[] packOffsets = new long[0];
    Folder[] folders = new Folder[0];
  }

  private static final byte[] COPY = {0x00};
  private static final byte[] DELTA = {0x03};
  private static final byte[] LZMA2 = {0x21};
  private static final byte[] LZMA = {0x03, 0x01, 0x01};
  private static final byte[] PPMD = {0x03, 0x04, 0x01};
  private static final byte[] BZIP2 = {0x04, 0x02, 0x02};
  private static final byte[] DEFLATE = {0x04, 0x01, 0x08};
  private static final byte[] DEFLATE64 = {0x04, 0x01, 0x09};
  private static final byte[] AES = {0x06, (byte) 0xF1, 0x07, 0x01};
  private static final byte[] BCJ2 = {0x03, 0x03, 0x01, 0x1B};

  private final FileChannel channel;
  private final ArchiveLimits limits;
  private final DecoderThreads threads;
  private final byte @Nullable [] password; // UTF-16LE, as 7-Zip hashes it
  private final StreamsInfo streams;
  private final List<Entry> entries;

  private SevenZipArchive(
      FileChannel channel,
      ArchiveLimits limits,
      DecoderThreads threads,
      byte @Nullable [] password,
      StreamsInfo streams,
      List<Entry> entries) {
    this.channel = channel;
    this.limits = limits;
    this.threads = threads;
    this.password = password;
    this.streams = streams;
    this.entries = entries;
  }

  /**
   * Opens {@code file} and reads its headers.
   *
   * @throws PasswordRequired when the headers are encrypted and {@code password} is null
   * @throws IOException when the file is not a readable 7z (damaged, or a wrong password for
   *     encrypted headers: their CRC then fails)
   */
  static SevenZipArchive open(Path file, @Nullable String password, ArchiveLimits limits)
      throws IOException {
    return open(file, password, limits, DecoderThreads.perCore());
  }

  /** As {@link #open(Path, String, ArchiveLimits)}, LZMA2 decoded on {@code threads}. */
  static SevenZipArchive open(
      Path file, @Nullable String password, ArchiveLimits limits, DecoderThreads threads)
      throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      byte[] key = password == null ? null : password.getBytes(StandardCharsets.UTF_16LE);
      return read(channel, key, limits, threads);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static SevenZipArchive read(
      FileChannel channel, byte @Nullable [] password, ArchiveLimits limits, DecoderThreads threads)
      throws IOException {
    long size = channel.size();
    ByteBuffer start = readFully(channel, 0, SIGNATURE_HEADER_BYTES, size);
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (start.get(i) != SIGNATURE[i]) {
        throw new IOException("not a 7z archive");
      }
    }
    if (start.get(6) != 0) {
      throw new IOException("a 7z format version FédiMon does not know (" + start.get(6) + ")");
    }
    CRC32 crc = new CRC32();
    crc.update(start.array(), 12, 20);
    if ((int) crc.getValue() != start.getInt(8)) {
      throw new IOException("the 7z start header's CRC does not match");
    }
    long nextOffset = start.getLong(12);
    long nextSize = start.getLong(20);
    int nextCrc = start.getInt(28);
    if (nextOffset < 0
        || nextSize <= 0
        || nextOffset > size - SIGNATURE_HEADER_BYTES
        || nextSize > size - SIGNATURE_HEADER_BYTES - nextOffset) {
      throw new EOFException("the 7z header lies past the end of the file");
    }
    checkHeaderSize(nextSize, limits);
    ByteBuffer header =
        readFully(channel, SIGNATURE_HEADER_BYTES + nextOffset, (int) nextSize, size);
    crc.reset();
    crc.update(header.array(), 0, (int) nextSize);
    if ((int) crc.getValue() != nextCrc) {
      throw new IOException("the 7z header's CRC does not match");
    }
    for (int nesting = 0; ; nesting++) {
      int type = u8(header);
      if (type == K_HEADER) {
        break;
      }
      if (type != K_ENCODED_HEADER || nesting == MAX_HEADER_NESTING) {
        throw new IOException("the 7z header starts with an unknown property (" + type + ")");
      }
      StreamsInfo packed = readStreamsInfo(header, size, limits);
      if (packed.folders.length == 0) {
        throw new IOException("the 7z encoded header has no folder");
      }
      Folder folder = packed.folders[0];
      checkHeaderSize(folder.unpackSize(), limits);
      SevenZipArchive reader =
          new SevenZipArchive(channel, limits, threads, password, packed, List.of());
      byte[] decoded = new byte[(int) folder.unpackSize()];
      int read;
      try (InputStream in = reader.folderStream(0)) {
        read = in.readNBytes(decoded, 0, decoded.length);
      } catch (PasswordRequired | UnsupportedMethod e) {
        throw e;
      } catch (IOException e) {
        if (folder.encrypted()) {
          // a wrong key turns the compressed header into noise its decoder refuses
          throw new IOException("the 7z header does not decrypt with this password", e);
        }
        throw e;
      }
      if (read != decoded.length) {
        throw new EOFException("the 7z encoded header is cut short");
      }
      if (folder.crc >= 0) {
        crc.reset();
        crc.update(decoded);
        if (crc.getValue() != folder.crc) {
          throw new IOException(
              folder.encrypted()
                  ? "the 7z header does not decrypt with this password"
                  : "the 7z encoded header's CRC does not match");
        }
      }
      header = ByteBuffer.wrap(decoded).order(ByteOrder.LITTLE_ENDIAN);
    }
    StreamsInfo streams = new StreamsInfo();
    int type = u8(header);
    if (type == K_ARCHIVE_PROPERTIES) {
      skipProperties(header);
      type = u8(header);
    }
    if (type == K_ADDITIONAL_STREAMS) {
      throw new UnsupportedMethod("additional header streams");
    }
    if (type == K_MAIN_STREAMS) {
      streams = readStreamsInfo(header, size, limits);
      type = u8(header);
    }
    List<Entry> entries = List.of();
    if (type == K_FILES_INFO) {
      entries = readFiles(header, streams, limits);
      type = u8(header);
    }
    if (type != K_END) {
      throw new IOException("the 7z header ends with an unknown property (" + type + ")");
    }
    return new SevenZipArchive(channel, limits, threads, password, streams, entries);
  }

  private static void checkHeaderSize(long size, ArchiveLimits limits) throws IOException {
    long max = Math.min((long) limits.xzMemoryKib() * 1024, Integer.MAX_VALUE - 64);
    if (size < 0 || size > max) {
      throw new IOException(
          "the 7z header is " + size + " bytes, more than the " + max + " bytes allowed");
    }
  }

  List<Entry> entries() {
    return entries;
  }

  /** Whether any folder is AES-encrypted. */
  boolean encrypted() {
    for (Folder folder : streams.folders) {
      if (folder.encrypted()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the smallest encrypted folder decodes with this archive's password and its CRCs match:
   * how the right one of several passwords is told from the wrong ones.
   */
  boolean decryptsSmallestFolder() {
    int smallest = -1;
    for (int i = 0; i < streams.folders.length; i++) {
      Folder folder = streams.folders[i];
      if (folder.encrypted()
          && (smallest < 0 || folder.unpackSize() < streams.folders[smallest].unpackSize())) {
        smallest = i;
      }
    }
    if (smallest < 0) {
      return true;
    }
    Folder folder = streams.folders[smallest];
    try (InputStream in = folderStream(smallest)) {
      for (int s = 0; s < folder.substreams; s++) {
        Exactly.entry(in, folder.substreamSizes[s], folder.substreamCrcs[s], "probe").drain();
      }
      return true;
    } catch (IOException | RuntimeException wrong) {
      return false;
    }
  }

  /** Hands every entry to {@code visitor} in order; each file's CRC is checked at its end. */
  void read(Visitor visitor) throws IOException {
    int folderIndex = -1;
    int substream = 0;
    InputStream folderIn = null;
    try {
      for (Entry entry : entries) {
        if (!entry.hasStream()) {
          visitor.entry(entry, InputStream.nullInputStream());
          continue;
        }
        while (folderIn == null || substream == streams.folders[folderIndex].substreams) {
          if (folderIn != null) {
            folderIn.close();
          }
          folderIndex++;
          substream = 0;
          if (folderIndex >= streams.folders.length) {
            throw new IOException("the 7z archive lists more files than its folders hold");
          }
          folderIn = folderStream(folderIndex);
        }
        Folder folder = streams.folders[folderIndex];
        Exactly content =
            Exactly.entry(
                folderIn,
                folder.substreamSizes[substream],
                folder.substreamCrcs[substream],
                entry.name());
        substream++;
        visitor.entry(entry, content);
        content.drain();
      }
    } finally {
      if (folderIn != null) {
        folderIn.close();
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  // ---- decoding ------------------------------------------------------------------------------

  private InputStream folderStream(int index) throws IOException {
    Folder folder = streams.folders[index];
    return coderStream(folder, folder.outputCoder, 0);
  }

  private InputStream coderStream(Folder folder, int coderIndex, int depth) throws IOException {
    if (depth > folder.coders.length) {
      throw new IOException("the 7z folder's coders form a loop");
    }
    int source = folder.inputOf[coderIndex];
    InputStream input =
        source < 0
            ? new BufferedInputStream(
                new ChannelStream(
                    channel,
                    streams.packOffsets[folder.packStream],
                    streams.packSizes[folder.packStream]),
                ArchiveReader.BUFFER_BYTES)
            : coderStream(folder, source, depth + 1);
    Coder coder = folder.coders[coderIndex];
    long outSize = folder.unpackSizes[coderIndex];
    return new Exactly(decoder(coder, input, outSize), outSize);
  }

  private InputStream decoder(Coder coder, InputStream in, long outSize) throws IOException {
    byte[] m = coder.method;
    byte[] p = coder.properties;
    if (Arrays.equals(m, COPY)) {
      return in;
    }
    if (Arrays.equals(m, LZMA2)) {
      if (p.length < 1 || (p[0] & 0xFF) > 40) {
        throw new IOException("bad LZMA2 properties");
      }
      int bits = p[0] & 0xFF;
      int dictSize = bits == 40 ? 0xFFFF_FFFF : (2 | (bits & 1)) << (bits / 2 + 11);
      if (bits == 40 || LZMA2InputStream.getMemoryUsage(dictSize) > limits.xzMemoryKib()) {
        throw memoryLimit("LZMA2");
      }
      // 7-Zip's multi-threaded encoder resets the dictionary every block: decoded on every core
      return new ParallelLzma2InputStream(in, dictSize, threads);
    }
    if (Arrays.equals(m, LZMA)) {
      if (p.length < 5) {
        throw new IOException("bad LZMA properties");
      }
      int dictSize = ByteBuffer.wrap(p, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      int props = p[0] & 0xFF;
      if (props >= 9 * 5 * 5 || dictSize < 0) {
        throw new IOException("bad LZMA properties");
      }
      int lc = props % 9;
      int lp = props / 9 % 5;
      if (LZMAInputStream.getMemoryUsage(dictSize, lc, lp) > limits.xzMemoryKib()) {
        throw memoryLimit("LZMA");
      }
      return new LZMAInputStream(in, outSize, p[0], dictSize);
    }
    if (Arrays.equals(m, PPMD)) {
      if (p.length < 5) {
        throw new IOException("bad PPMd properties");
      }
      int memory = ByteBuffer.wrap(p, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (memory < 0 || memory / 1024 > limits.xzMemoryKib()) {
        throw memoryLimit("PPMd");
      }
      return new PpmdInputStream(in, p[0] & 0xFF, memory, outSize);
    }
    if (Arrays.equals(m, BZIP2)) {
      return new BZip2CompressorInputStream(in, false);
    }
    if (Arrays.equals(m, DEFLATE)) {
      return new InflaterInputStream(in, new Inflater(true), 64 * 1024);
    }
    if (Arrays.equals(m, DEFLATE64)) {
      return new Deflate64CompressorInputStream(in);
    }
    if (Arrays.equals(m, AES)) {
      return decrypt(p, in);
    }
    if (Arrays.equals(m, DELTA)) {
      try {
        return new DeltaOptions(p.length < 1 ? 1 : (p[0] & 0xFF) + 1).getInputStream(in);
      } catch (UnsupportedOptionsException e) {
        throw new IOException("bad delta properties");
      }
    }
    FilterOptions filter = branchFilter(m);
    if (filter != null) {
      return filter.getInputStream(in);
    }
    throw new UnsupportedMethod(methodName(m));
  }

  private static @Nullable FilterOptions branchFilter(byte[] m) {
    if (m.length == 4 && m[0] == 0x03 && m[1] == 0x03) {
      int id = (m[2] & 0xFF) << 8 | (m[3] & 0xFF);
      return switch (id) {
        case 0x0103 -> new X86Options();
        case 0x0205 -> new PowerPCOptions();
        case 0x0401 -> new IA64Options();
        case 0x0501 -> new ARMOptions();
        case 0x0701 -> new ARMThumbOptions();
        case 0x0805 -> new SPARCOptions();
        default -> null;
      };
    }
    if (m.length == 1) {
      return switch (m[0]) {
        case 0x04 -> new X86Options();
        case 0x05 -> new PowerPCOptions();
        case 0x06 -> new IA64Options();
        case 0x07 -> new ARMOptions();
        case 0x08 -> new ARMThumbOptions();
        case 0x09 -> new SPARCOptions();
        case 0x0A -> new ARM64Options();
        case 0x0B -> new RISCVOptions();
        default -> null;
      };
    }
    return null;
  }

  static String methodName(byte[] method) {
    if (Arrays.equals(method, BCJ2)) {
      return "BCJ2";
    }
    return "the coder " + HexFormat.of().formatHex(method);
  }

  private IOException memoryLimit(String coder) {
    return new IOException(
        "the 7z "
            + coder
            + " coder needs more memory than the "
            + limits.xzMemoryKib() / 1024
            + " MiB allowed");
  }

  private InputStream decrypt(byte[] p, InputStream in) throws IOException {
    if (password == null) {
      throw new PasswordRequired();
    }
    if (p.length < 1) {
      throw new IOException("bad AES properties");
    }
    int first = p[0] & 0xFF;
    int power = first & 0x3F;
    byte[] salt = new byte[0];
    byte[] iv = new byte[16];
    if ((first & 0xC0) != 0) {
      if (p.length < 2) {
        throw new IOException("bad AES properties");
      }
      int second = p[1] & 0xFF;
      int saltSize = ((first >> 7) & 1) + (second >> 4);
      int ivSize = ((first >> 6) & 1) + (second & 0x0F);
      if (p.length < 2 + saltSize + ivSize) {
        throw new IOException("bad AES properties");
      }
      salt = Arrays.copyOfRange(p, 2, 2 + saltSize);
      System.arraycopy(p, 2 + saltSize, iv, 0, ivSize);
    }
    byte[] key = new byte[32];
    if (power == 0x3F) {
      byte[] raw = new byte[salt.length + password.length];
      System.arraycopy(salt, 0, raw, 0, salt.length);
      System.arraycopy(password, 0, raw, salt.length, password.length);
      System.arraycopy(raw, 0, key, 0, Math.min(32, raw.length));
    } else if (power > MAX_KEY_CYCLES_POWER) {
      throw new IOException(
          "the 7z key derivation asks for 2^" + power + " rounds, more than FédiMon runs");
    } else {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] counter = new byte[8];
        for (long round = 0; round < (1L << power); round++) {
          sha.update(salt);
          sha.update(password);
          for (int i = 0; i < 8; i++) {
            counter[i] = (byte) (round >>> (8 * i));
          }
          sha.update(counter);
        }
        key = sha.digest();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return new CipherInputStream(in, cipher);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no AES/CBC", e);
    }
  }

  // ---- header parsing ------------------------------------------------------------------------

  private static StreamsInfo readStreamsInfo(ByteBuffer h, long fileSize, ArchiveLimits limits)
      throws IOException {
    StreamsInfo info = new StreamsInfo();
    int type = u8(h);
    if (type == K_PACK_INFO) {
      info.packPos = number(h);
      int count = count(h, 8);
      info.packSizes = new long[count];
      type = u8(h);
      if (type == K_SIZE) {
        for (int i = 0; i < count; i++) {
          info.packSizes[i] = number(h);
        }
        type = u8(h);
      }
      if (type == K_CRC) {
        digests(h, count);
        type = u8(h);
      }
      while (type != K_END) {
        skipData(h);
        type = u8(h);
      }
      info.packOffsets = new long[count];
      long offset = SIGNATURE_HEADER_BYTES + info.packPos;
      for (int i = 0; i < count; i++) {
        info.packOffsets[i] = offset;
        offset += info.packSizes[i];
        if (offset < 0 || offset > fileSize) {
          throw new EOFException("the 7z packed streams lie past the end of the file");
        }
      }
      type = u8(h);
    }
    if (type == K_UNPACK_INFO) {
      expect(h, K_FOLDER);
      int count = count(h, 24);
      if (u8(h) != 0) {
        throw new UnsupportedMethod("folders stored outside the header");
      }
      info.folders = new Folder[count];
      int packStream = 0;
      for (int i = 0; i < count; i++) {
        Folder folder = readFolder(h);
        folder.packStream = packStream++;
        if (folder.packStream >= info.packSizes.length) {
          throw new IOException("a 7z folder has no packed stream");
        }
        info.folders[i] = folder;
      }
      expect(h, K_CODERS_UNPACK_SIZE);
      for (Folder folder : info.folders) {
        folder.unpackSizes = new long[folder.coders.length];
        for (int c = 0; c < folder.coders.length; c++) {
          folder.unpackSizes[c] = number(h);
        }
      }
      type = u8(h);
      if (type == K_CRC) {
        long[] crcs = digests(h, count);
        for (int i = 0; i < count; i++) {
          info.folders[i].crc = crcs[i];
        }
        type = u8(h);
      }
      while (type != K_END) {
        skipData(h);
        type = u8(h);
      }
      type = u8(h);
    }
    for (Folder folder : info.folders) {
      folder.substreamSizes = new long[] {folder.unpackSize()};
      folder.substreamCrcs = new long[] {folder.crc};
    }
    if (type == K_SUBSTREAMS_INFO) {
      readSubstreams(h, info.folders, limits);
      type = u8(h);
    }
    if (type != K_END) {
      throw new IOException("unexpected property " + type + " in the 7z streams");
    }
    return info;
  }

  private static Folder readFolder(ByteBuffer h) throws IOException {
    int coderCount = count(h, 8);
    if (coderCount == 0 || coderCount > 32) {
      throw new IOException("a 7z folder with " + coderCount + " coders");
    }
    Folder folder = new Folder();
    folder.coders = new Coder[coderCount];
    for (int c = 0; c < coderCount; c++) {
      int flags = u8(h);
      int idSize = flags & 0x0F;
      if ((flags & 0x80) != 0) {
        throw new UnsupportedMethod("alternative coder methods");
      }
      byte[] id = bytes(h, idSize);
      if ((flags & 0x10) != 0) {
        long in = number(h);
        long out = number(h);
        if (in != 1 || out != 1) {
          throw new UnsupportedMethod(methodName(id));
        }
      }
      byte[] properties = (flags & 0x20) != 0 ? bytes(h, count(h, 8)) : new byte[0];
      folder.coders[c] = new Coder(id, properties);
    }
    folder.inputOf = new int[coderCount];
    Arrays.fill(folder.inputOf, -1);
    boolean[] bound = new boolean[coderCount];
    for (int b = 0; b < coderCount - 1; b++) {
      long in = number(h);
      long out = number(h);
      if (in < 0
          || in >= coderCount
          || out < 0
          || out >= coderCount
          || folder.inputOf[(int) in] >= 0
          || bound[(int) out]) {
        throw new IOException("a 7z folder binds its coders wrongly");
      }
      folder.inputOf[(int) in] = (int) out;
      bound[(int) out] = true;
    }
    int unbound = -1;
    for (int c = 0; c < coderCount; c++) {
      if (!bound[c]) {
        unbound = c;
      }
    }
    folder.outputCoder = unbound;
    if (coderCount > 1) {
      // with one packed stream its index is implied: the one input no coder feeds
      int inputs = 0;
      for (int c = 0; c < coderCount; c++) {
        inputs += folder.inputOf[c] < 0 ? 1 : 0;
      }
      if (inputs != 1) {
        throw new IOException("a 7z folder has several packed streams");
      }
    }
    return folder;
  }

  private static void readSubstreams(ByteBuffer h, Folder[] folders, ArchiveLimits limits)
      throws IOException {
    int type = u8(h);
    long total = 0;
    if (type == K_NUM_UNPACK_STREAM) {
      for (Folder folder : folders) {
        long n = number(h);
        total += n;
        if (n < 0 || n > h.remaining() * 8L + 1 || total > limits.maxEntries()) {
          throw new IOException("a 7z folder claims " + n + " files");
        }
        folder.substreams = (int) n;
      }
      type = u8(h);
    } else {
      total = folders.length;
    }
    for (Folder folder : folders) {
      folder.substreamSizes = new long[folder.substreams];
      folder.substreamCrcs = new long[folder.substreams];
      Arrays.fill(folder.substreamCrcs, -1);
    }
    for (Folder folder : folders) {
      if (folder.substreams == 0) {
        continue;
      }
      long sum = 0;
      if (type == K_SIZE) {
        for (int s = 0; s < folder.substreams - 1; s++) {
          long size = number(h);
          sum += size;
          if (size < 0 || sum < 0 || sum > folder.unpackSize()) {
            throw new IOException("the 7z files of a folder are larger than the folder");
          }
          folder.substreamSizes[s] = size;
        }
      }
      folder.substreamSizes[folder.substreams - 1] = folder.unpackSize() - sum;
      if (folder.substreams == 1 && folder.crc >= 0) {
        folder.substreamCrcs[0] = folder.crc;
      }
    }
    if (type == K_SIZE) {
      type = u8(h);
    }
    while (type != K_END) {
      if (type == K_CRC) {
        int unknown = 0;
        for (Folder folder : folders) {
          if (!(folder.substreams == 1 && folder.crc >= 0)) {
            unknown += folder.substreams;
          }
        }
        long[] crcs = digests(h, unknown);
        int next = 0;
        for (Folder folder : folders) {
          if (!(folder.substreams == 1 && folder.crc >= 0)) {
            for (int s = 0; s < folder.substreams; s++) {
              folder.substreamCrcs[s] = crcs[next++];
            }
          }
        }
      } else {
        skipData(h);
      }
      type = u8(h);
    }
  }

  private static List<Entry> readFiles(ByteBuffer h, StreamsInfo streams, ArchiveLimits limits)
      throws IOException {
    long files = number(h);
    if (files < 0 || files > limits.maxEntries() || files > h.remaining() * 8L + 8) {
      throw new IOException("the 7z header claims " + files + " files");
    }
    int count = (int) files;
    BitSet emptyStream = new BitSet();
    BitSet emptyFile = new BitSet();
    BitSet anti = new BitSet();
    String[] names = new String[count];
    Integer[] attributes = new Integer[count];
    int emptyStreams = 0;
    for (int type = u8(h); type != K_END; type = u8(h)) {
      long size = number(h);
      if (size < 0 || size > h.remaining()) {
        throw new EOFException("a 7z file property runs past the header");
      }
      ByteBuffer property = h.slice(h.position(), (int) size).order(ByteOrder.LITTLE_ENDIAN);
      h.position(h.position() + (int) size);
      switch (type) {
        case K_EMPTY_STREAM -> {
          emptyStream = bits(property, count);
          emptyStreams = emptyStream.cardinality();
        }
        case K_EMPTY_FILE -> emptyFile = bits(property, emptyStreams);
        case K_ANTI -> anti = bits(property, emptyStreams);
        case K_NAME -> readNames(property, names);
        case K_WIN_ATTRIBUTES -> {
          BitSet defined = definedBits(property, count);
          if (u8(property) != 0) {
            throw new UnsupportedMethod("attributes stored outside the header");
          }
          for (int i = 0; i < count; i++) {
            if (defined.get(i)) {
              attributes[i] = property.getInt();
            }
          }
        }
        default -> {
          // times, comments, start positions, padding: not needed to read a backup
        }
      }
    }
    List<Entry> entries = new ArrayList<>(count);
    int emptyIndex = 0;
    int withStream = 0;
    for (int i = 0; i < count; i++) {
      String name = names[i] == null ? "" : names[i];
      if (emptyStream.get(i)) {
        boolean isFile = emptyFile.get(emptyIndex);
        boolean isAnti = anti.get(emptyIndex);
        emptyIndex++;
        boolean directory =
            !isFile || (attributes[i] != null && (attributes[i] & WINDOWS_DIRECTORY) != 0);
        entries.add(new Entry(name, directory, false, isAnti, 0, attributes[i]));
      } else {
        withStream++;
        entries.add(new Entry(name, false, true, false, -1, attributes[i]));
      }
    }
    long substreams = 0;
    for (Folder folder : streams.folders) {
      substreams += folder.substreams;
    }
    if (withStream != substreams) {
      throw new IOException(
          "the 7z header lists " + withStream + " files with data for " + substreams + " streams");
    }
    // sizes, now that files and streams are known to pair up
    List<Entry> sized = new ArrayList<>(count);
    int folder = 0;
    int substream = 0;
    for (Entry entry : entries) {
      if (!entry.hasStream()) {
        sized.add(entry);
        continue;
      }
      while (substream == streams.folders[folder].substreams) {
        folder++;
        substream = 0;
      }
      long size = streams.folders[folder].substreamSizes[substream++];
      sized.add(new Entry(entry.name(), false, true, false, size, entry.attributes()));
    }
    return sized;
  }

  private static void readNames(ByteBuffer property, String[] names) throws IOException {
    if (u8(property) != 0) {
      throw new UnsupportedMethod("names stored outside the header");
    }
    StringBuilder name = new StringBuilder();
    int index = 0;
    while (property.remaining() >= 2) {
      char c = property.getChar();
      if (c == 0) {
        if (index >= names.length) {
          throw new IOException("the 7z header has more names than files");
        }
        names[index++] = name.toString();
        name.setLength(0);
      } else {
        name.append(c);
      }
    }
    if (index != names.length || name.length() != 0) {
      throw new IOException("the 7z header's names do not match its files");
    }
  }

  private static void skipProperties(ByteBuffer h) throws IOException {
    for (int type = u8(h); type != K_END; type = u8(h)) {
      skipData(h);
    }
  }

  private static void skipData(ByteBuffer h) throws IOException {
    long size = number(h);
    if (size < 0 || size > h.remaining()) {
      throw new EOFException("a 7z property runs past the header");
    }
    h.position(h.position() + (int) size);
  }

  private static void expect(ByteBuffer h, int type) throws IOException {
    int found = u8(h);
    if (found != type) {
      throw new IOException("the 7z header has property " + found + " where " + type + " belongs");
    }
  }

  private static long[] digests(ByteBuffer h, int count) throws IOException {
    BitSet defined = definedBits(h, count);
    long[] crcs = new long[count];
    for (int i = 0; i < count; i++) {
      if (defined.get(i)) {
        need(h, 4);
        crcs[i] = h.getInt() & 0xFFFF_FFFFL;
      } else {
        crcs[i] = -1;
      }
    }
    return crcs;
  }

  private static BitSet definedBits(ByteBuffer h, int count) throws IOException {
    if (u8(h) != 0) {
      BitSet all = new BitSet(count);
      all.set(0, count);
      return all;
    }
    return bits(h, count);
  }

  private static BitSet bits(ByteBuffer h, int count) throws IOException {
    BitSet set = new BitSet(count);
    int value = 0;
    for (int i = 0; i < count; i++) {
      if (i % 8 == 0) {
        value = u8(h);
      }
      if ((value & (0x80 >>> (i % 8))) != 0) {
        set.set(i);
      }
    }
    return set;
  }

  /** A count of things that each take at least {@code minBits} bits of the header. */
  private static int count(ByteBuffer h, int minBits) throws IOException {
    long n = number(h);
    if (n < 0 || n > Integer.MAX_VALUE / minBits || n * minBits > h.remaining() * 8L) {
      throw new IOException("the 7z header claims " + n + " items it has no room for");
    }
    return (int) n;
  }

  private static long number(ByteBuffer h) throws IOException {
    int first = u8(h);
    long value = 0;
    int mask = 0x80;
    for (int i = 0; i < 8; i++) {
      if ((first & mask) == 0) {
        long high = first & (mask - 1);
        return value | (high << (8 * i));
      }
      value |= (long) u8(h) << (8 * i);
      mask >>>= 1;
    }
    return value;
  }

  private static int u8(ByteBuffer h) throws IOException {
    need(h, 1);
    return h.get() & 0xFF;
  }

  private static byte[] bytes(ByteBuffer h, int n) throws IOException {
    need(h, n);
    byte[] b = new byte[n];
    h.get(b);
    return b;
  }

  private static void need(ByteBuffer h, int n) throws IOException {
    if (h.remaining() < n) {
      throw new EOFException("the 7z header ends too early");
    }
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int size, long fileSize)
      throws IOException {
    if (position + size > fileSize) {
      throw new EOFException("the 7z archive is cut short");
    }
    ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("the 7z archive is cut short");
      }
    }
    return buffer.flip();
  }

  // ---- streams -------------------------------------------------------------------------------

  /** A packed stream: a range of the file, read at positions (the channel is shared). */
  private static final class ChannelStream extends BulkInputStream {
    private final FileChannel channel;
    private long position;
    private long left;

    ChannelStream(FileChannel channel, long position, long length) {
      this.channel = channel;
      this.position = position;
      this.left = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
      if (n < 0) {
        throw new EOFException("the 7z archive is cut short");
      }
      position += n;
      left -= n;
      return n;
    }
  }

  /**
   * Exactly {@code size} bytes of the stream below, no more: a coder's output, or one file out of
   * its folder. An early end is an error, and a known CRC must match when the last byte is read.
   */
  private static final class Exactly extends BulkInputStream {
    private final InputStream in;
    private final String what;
    private final long expectedCrc; // -1: none to check
    private final boolean closesBelow;
    private final CRC32 crc = new CRC32();
    private long left;

    /** A coder's output: closing it closes the coder. */
    Exactly(InputStream in, long size) {
      this(in, size, "a 7z coder's output", -1, true);
    }

    private Exactly(InputStream in, long size, String what, long expectedCrc, boolean closesBelow) {
      this.in = in;
      this.left = size;
      this.what = what;
      this.expectedCrc = expectedCrc;
      this.closesBelow = closesBelow;
    }

    /** One file of a folder: the folder stays open for the next file. */
    static Exactly entry(InputStream folder, long size, long expectedCrc, String name) {
      return new Exactly(folder, size, "the 7z entry " + name, expectedCrc, false);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException(what + " ends " + left + " bytes early");
      }
      left -= n;
      if (expectedCrc >= 0) {
        crc.update(b, off, n);
        if (left == 0 && crc.getValue() != expectedCrc) {
          throw new IOException("the CRC of " + what + " does not match");
        }
      }
      return n;
    }

    void drain() throws IOException {
      byte[] buffer = new byte[64 * 1024];
      while (read(buffer, 0, buffer.length) >= 0) {
        // the next file starts where this one ends
      }
    }

    @Override
    public void close() throws IOException {
      if (closesBelow) {
        in.close();
      }
    }
  }
}
