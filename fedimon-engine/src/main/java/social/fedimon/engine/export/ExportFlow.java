package social.fedimon.engine.export;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.jspecify.annotations.Nullable;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.EncryptionPurpose;
import org.pgpainless.encryption_signing.EncryptionOptions;
import org.pgpainless.encryption_signing.EncryptionStream;
import org.pgpainless.encryption_signing.ProducerOptions;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.intake.Inspector;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.mastodon.EnvFile;
import social.fedimon.engine.mastodon.EnvKeys;

/**
 * {@code fedimon export}: {@code pg_dump} of a database (custom format) and the instance's env,
 * streamed into one {@code tar.zst} ({@code database.dump}, {@code .env.production}), encrypted to
 * an OpenPGP public key when one is given, then checked.
 *
 * <p>The dump is spooled to a temporary file first: a tar entry's size comes before its bytes.
 * Encryption sits in the stream before the destination, so with a key no byte in clear is ever
 * written there. The check: an archive in clear is read back from where it was stored, every layer,
 * and its dump's row counts must equal the database's exact counts; an encrypted one (its private
 * key is not ours) has its clear stream read as it is written, with the same check, and the stored
 * bytes read back must have the SHA-256 of what was written.
 */
public final class ExportFlow {

  /** Entry names in the archive. */
  public static final String DUMP_ENTRY = "database.dump";

  public static final String ENV_ENTRY = ".env.production";

  /** Where a full export puts the media: Mastodon's own layout, as restore reads it back. */
  public static final String MEDIA_ROOT = "public/system/";

  /**
   * What was written.
   *
   * @param bytes the archive's size as stored
   * @param sha256 of the stored bytes
   * @param layers outermost first, as the report names them
   * @param rowCounts the database's exact rows per table when it was dumped
   * @param mediaFiles media files in a full export (0 otherwise)
   * @param mediaBytes their bytes
   */
  public record Result(
      long bytes,
      String sha256,
      boolean encrypted,
      List<String> layers,
      Map<String, Long> rowCounts,
      String pgDumpVersion,
      String serverVersion,
      long mediaFiles,
      long mediaBytes) {}

  private final PgDump pgDump;
  private final Path temporary;

  /**
   * @param temporary a folder for the dump's spool file (as large as the uncompressed dump)
   */
  public ExportFlow(PgDump pgDump, Path temporary) {
    this.pgDump = pgDump;
    this.temporary = temporary;
  }

  /** Reads an OpenPGP public key (armored or binary); refuses what holds no key to encrypt to. */
  public static PGPPublicKeyRing readPublicKey(byte[] bytes) {
    try {
      PGPPublicKeyRing key = PGPainless.readKeyRing().publicKeyRing(bytes);
      if (key == null) {
        throw new IllegalArgumentException("no OpenPGP public key in it");
      }
      if (PGPainless.inspectKeyRing(key).getEncryptionSubkeys(EncryptionPurpose.ANY).isEmpty()) {
        throw new IllegalArgumentException(
            "the OpenPGP key has no usable encryption key (expired, revoked or sign-only)");
      }
      return key;
    } catch (IOException e) {
      throw new IllegalArgumentException("not an OpenPGP public key: " + e.getMessage());
    }
  }

  /**
   * Writes the export of {@code source} to {@code destination}, which it closes.
   *
   * @param envText the env file to include, its infrastructure values marked; null for none
   * @param recipient encrypt to this key; null to write in clear
   * @param progress bytes written to the destination so far
   */
  public Result write(
      ExportSource source,
      @Nullable String envText,
      @Nullable PGPPublicKeyRing recipient,
      OutputStream destination,
      LongConsumer progress)
      throws IOException, SQLException {
    return write(source, envText, null, recipient, destination, progress);
  }

  /**
   * The same, with the instance's media from {@code media} (a full export), as entries under
   * {@value #MEDIA_ROOT}, streamed from the store one after the other.
   */
  public Result write(
      ExportSource source,
      @Nullable String envText,
      social.fedimon.engine.media.@Nullable ObjectStore media,
      @Nullable PGPPublicKeyRing recipient,
      OutputStream destination,
      LongConsumer progress)
      throws IOException, SQLException {
    Map<String, Long> counts;
    String serverVersion;
    try (Connection connection = source.connect()) {
      int versionNum;
      try (Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "SELECT current_setting('server_version_num')::int,"
                      + " current_setting('server_version')")) {
        rs.next();
        versionNum = rs.getInt(1);
        serverVersion = rs.getString(2).split(" ")[0];
      }
      pgDump.checkCanDump(versionNum, serverVersion);
    }
    Path spool = Files.createTempFile(Files.createDirectories(temporary), "export-", ".dump.zst");
    try {
      // compressed while pg_dump writes it, as a zstd frame of its own: once its size is known,
      // the tar header goes out, then these bytes as they are (zstd frames concatenate)
      long dumpBytes;
      try (Connection snapshotHolder = source.connect();
          OutputStream file = Files.newOutputStream(spool);
          ZstdOutputStream frame = frame(file)) {
        // pg_dump and the exact counts see one snapshot, this session's, and run side by side:
        // the read-back check compares like with like even while the instance writes
        snapshotHolder.setAutoCommit(false);
        snapshotHolder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        String snapshot;
        try (Statement statement = snapshotHolder.createStatement();
            ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
          rs.next();
          snapshot = rs.getString(1);
        }
        CompletableFuture<Map<String, Long>> counting =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return exactCounts(snapshotHolder);
                  } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                  }
                });
        try {
          dumpBytes =
              pgDump.dumpInto(
                  source.host(),
                  source.port(),
                  source.database(),
                  source.user(),
                  source.password(),
                  snapshot,
                  frame);
        } catch (IOException | RuntimeException e) {
          counting.cancel(true);
          throw e;
        }
        try {
          counts = counting.join();
        } catch (java.util.concurrent.CompletionException e) {
          if (e.getCause() instanceof SQLException sql) {
            throw sql;
          }
          throw e;
        }
        snapshotHolder.rollback();
      }
      MessageDigest sha = sha256();
      long[] written = {0};
      OutputStream counted =
          new FilterOutputStream(destination) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
              sha.update(b, off, len);
              written[0] += len;
              progress.accept(written[0]);
            }

            @Override
            public void write(int b) throws IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }
          };
      CompletableFuture<Report> clearCheck = null;
      long[][] mediaCounts = {null};
      OutputStream sink = counted;
      EncryptionStream encryption = null;
      if (recipient != null) {
        try {
          encryption =
              PGPainless.encryptAndOrSign()
                  .onOutputStream(counted)
                  .withOptions(
                      ProducerOptions.encrypt(
                              new EncryptionOptions(EncryptionPurpose.ANY).addRecipient(recipient))
                          .setAsciiArmor(false));
        } catch (PGPException e) {
          throw new ExportFailed("could not encrypt to the OpenPGP key: " + e.getMessage(), e);
        }
        PipedInputStream pipe = new PipedInputStream(1 << 20);
        PipedOutputStream tee = new PipedOutputStream(pipe);
        clearCheck =
            CompletableFuture.supplyAsync(
                () -> {
                  try (InputStream in = pipe) {
                    Report report =
                        new Inspector(ArchiveLimits.DEFAULTS)
                            .inspect(
                                Source.of(
                                    "export",
                                    new java.io.FilterInputStream(in) {
                                      @Override
                                      public void close() {
                                        // drained below: the writer must never block
                                      }
                                    }),
                                Secrets.none(),
                                b -> {});
                    in.transferTo(OutputStream.nullOutputStream());
                    return report;
                  } catch (IOException e) {
                    throw new ExportFailed("reading the export back failed: " + e.getMessage(), e);
                  }
                });
        sink = new Tee(encryption, tee);
      }
      try (OutputStream destinationClosed = counted;
          OutputStream archive = sink) {
        // the encryption stream does not close what it writes to: the destination closes here
        mediaCounts[0] = writeArchive(archive, spool, dumpBytes, envText, media);
      }
      if (clearCheck != null) {
        long[] media0 = mediaCounts[0] == null ? new long[2] : mediaCounts[0];
        check(clearCheck.join(), counts, List.of("zstd", "tar"), media0[0], media0[1]);
      }
      List<String> layers = new ArrayList<>();
      if (recipient != null) {
        layers.add("pgp");
      }
      layers.add("zstd");
      layers.add("tar");
      return new Result(
          written[0],
          HexFormat.of().formatHex(sha.digest()),
          recipient != null,
          layers,
          counts,
          pgDump.version(),
          serverVersion,
          mediaCounts[0] == null ? 0 : mediaCounts[0][0],
          mediaCounts[0] == null ? 0 : mediaCounts[0][1]);
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /**
   * Reads a stored export back and checks it: the same bytes as written (SHA-256) and, when in
   * clear, every layer and the dump's row counts against {@code expected}.
   *
   * @throws ExportFailed saying what differs
   */
  public static void verify(Source stored, Result written) {
    MessageDigest sha = sha256();
    long[] bytes = {0};
    if (written.encrypted()) {
      try (InputStream in = stored.open()) {
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
          sha.update(buffer, 0, n);
          bytes[0] += n;
        }
      } catch (IOException e) {
        throw new ExportFailed("the stored export cannot be read back: " + e.getMessage(), e);
      }
    } else {
      Source hashed =
          new Source() {
            @Override
            public String name() {
              return stored.name();
            }

            @Override
            public InputStream open() throws IOException {
              return new java.security.DigestInputStream(stored.open(), sha) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                  int n = super.read(b, off, len);
                  if (n > 0) {
                    bytes[0] += n;
                  }
                  return n;
                }
              };
            }

            @Override
            public java.util.Optional<Path> file() {
              return java.util.Optional.empty();
            }

            @Override
            public java.util.OptionalLong size() {
              return stored.size();
            }
          };
      Report report =
          new Inspector(ArchiveLimits.DEFAULTS).inspect(hashed, Secrets.none(), b -> {});
      check(
          report,
          written.rowCounts(),
          written.layers(),
          written.mediaFiles(),
          written.mediaBytes());
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    if (bytes[0] != written.bytes() || !digest.equals(written.sha256())) {
      throw new ExportFailed(
          "the stored export is not what was written: "
              + bytes[0]
              + " bytes read back, "
              + written.bytes()
              + " written; SHA-256 "
              + (digest.equals(written.sha256()) ? "equal" : "differs"));
    }
  }

  private static void check(
      Report report,
      Map<String, Long> expected,
      List<String> layers,
      long mediaFiles,
      long mediaBytes) {
    if (!report.accepted()) {
      String problems =
          report.problems().stream()
              .filter(p -> "error".equals(p.severity()))
              .map(p -> p.code() + ": " + p.message())
              .reduce((a, b) -> a + "; " + b)
              .orElse("rejected");
      throw new ExportFailed("the export does not read back: " + problems);
    }
    if (!report.layers().equals(layers)) {
      throw new ExportFailed("the export's layers read back as " + report.layers());
    }
    if (report.database() == null || !"custom".equals(report.database().format())) {
      throw new ExportFailed("the export's dump does not read back as pg_dump's custom format");
    }
    Map<String, Long> found = new TreeMap<>(report.database().rowCounts());
    if (!found.equals(new TreeMap<>(expected))) {
      throw new ExportFailed(
          "the export's row counts differ from the database's: dump "
              + found
              + ", database "
              + expected);
    }
    if (mediaFiles > 0
        && (report.media().files() != mediaFiles || report.media().bytes() != mediaBytes)) {
      throw new ExportFailed(
          "the export's media read back as "
              + report.media().files()
              + " files of "
              + report.media().bytes()
              + " bytes; "
              + mediaFiles
              + " files of "
              + mediaBytes
              + " bytes were written");
    }
  }

  /** Exact rows of every table, keyed as the report keys them (schema-qualified outside public). */
  public static Map<String, Long> exactCounts(Connection connection) throws SQLException {
    List<String[]> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'")) {
      while (rs.next()) {
        tables.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    Map<String, Long> counts = new TreeMap<>();
    try (Statement statement = connection.createStatement()) {
      for (String[] table : tables) {
        String quoted = quote(table[0]) + "." + quote(table[1]);
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM ONLY " + quoted)) {
          rs.next();
          counts.put(
              "public".equals(table[0]) ? table[1] : table[0] + "." + table[1], rs.getLong(1));
        }
      }
    }
    return counts;
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * Writes the archive as concatenated zstd frames: the env and the dump's tar header; the dump,
   * compressed while it was made; the padding, the media, the end of the tar. Returns the media
   * files and bytes it holds, or null without media.
   */
  private static long @Nullable [] writeArchive(
      OutputStream out,
      Path compressedDump,
      long dumpBytes,
      @Nullable String envText,
      social.fedimon.engine.media.@Nullable ObjectStore media)
      throws IOException {
    OutputStream shared = new NonClosing(out);
    try (ZstdOutputStream head = frame(shared)) {
      if (envText != null) {
        byte[] env = markInfrastructure(envText).getBytes(StandardCharsets.UTF_8);
        header(head, ENV_ENTRY, env.length, 0600);
        head.write(env);
        pad(head, env.length);
      }
      header(head, DUMP_ENTRY, dumpBytes, 0600);
    }
    try (InputStream in = Files.newInputStream(compressedDump)) {
      in.transferTo(shared);
    }
    long[] mediaCounts = null;
    try (ZstdOutputStream tail = frame(shared)) {
      pad(tail, dumpBytes);
      if (media != null) {
        mediaCounts = new long[2];
        try (java.util.stream.Stream<social.fedimon.engine.media.StoredObject> objects =
            media.list("")) {
          for (var object :
              (Iterable<social.fedimon.engine.media.StoredObject>) objects::iterator) {
            if (object.key().startsWith(".fedimon/")) {
              continue; // sync records, not media
            }
            header(tail, MEDIA_ROOT + object.key(), object.size(), 0644);
            long copied;
            try (InputStream in = media.open(object.key())) {
              copied = in.transferTo(tail);
            }
            if (copied != object.size()) {
              throw new ExportFailed(
                  "the media file "
                      + object.key()
                      + " changed while it was exported ("
                      + copied
                      + " bytes read, "
                      + object.size()
                      + " listed)");
            }
            pad(tail, copied);
            mediaCounts[0]++;
            mediaCounts[1] += copied;
          }
        }
      }
      tail.write(new byte[2 * TAR_BLOCK]); // the end of the archive
    }
    return mediaCounts;
  }

  private static final int TAR_BLOCK = 512;

  private static ZstdOutputStream frame(OutputStream out) throws IOException {
    ZstdOutputStream zstd = new ZstdOutputStream(out, 3);
    zstd.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
    return zstd;
  }

  /** A tar entry's header: POSIX (PAX) records first when the name or size needs them. */
  private static void header(OutputStream out, String name, long size, int mode)
      throws IOException {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    boolean longName = utf8.length >= 100;
    boolean bigSize = size > 077777777777L;
    if (longName || bigSize) {
      StringBuilder pax = new StringBuilder();
      if (longName) {
        pax.append(paxRecord("path", name));
      }
      if (bigSize) {
        pax.append(paxRecord("size", Long.toString(size)));
      }
      byte[] records = pax.toString().getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry extended =
          new TarArchiveEntry("./PaxHeaders/" + Math.abs(name.hashCode()), (byte) 'x');
      extended.setSize(records.length);
      byte[] block = new byte[TAR_BLOCK];
      extended.writeEntryHeader(block);
      out.write(block);
      out.write(records);
      pad(out, records.length);
    }
    TarArchiveEntry entry = new TarArchiveEntry(longName ? shortName(name) : name, true);
    entry.setSize(bigSize ? 0 : size);
    entry.setMode(mode);
    entry.setModTime(System.currentTimeMillis());
    byte[] block = new byte[TAR_BLOCK];
    entry.writeEntryHeader(block);
    out.write(block);
  }

  /** A PAX record: its length counts its own digits. */
  private static String paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    int digits = Integer.toString(length).length();
    int total = length + digits;
    if (Integer.toString(total).length() > digits) {
      total++;
    }
    return total + body;
  }

  private static String shortName(String name) {
    String tail = name.substring(Math.max(0, name.length() - 90));
    return tail.startsWith("/") ? tail.substring(1) : tail;
  }

  /** Zeros up to the next 512-byte block after {@code written} bytes of an entry. */
  private static void pad(OutputStream out, long written) throws IOException {
    int rest = (int) (written % TAR_BLOCK);
    if (rest != 0) {
      out.write(new byte[TAR_BLOCK - rest]);
    }
  }

  /** The destination, which the frames must not close. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  /**
   * The admin's env with this platform's infrastructure values marked: a comment above each says it
   * was ours and must be replaced on the next host.
   */
  static String markInfrastructure(String envText) {
    StringBuilder out = new StringBuilder();
    out.append("# Exported from FédiMon. Lines marked \"infrastructure\" hold FédiMon's own\n")
        .append("# services (database, storage, mail...): replace them with your new host's.\n");
    EnvFile env = EnvFile.parse(envText);
    for (String line : envText.split("\n", -1)) {
      String key = keyOf(line);
      if (key != null && env.has(key) && EnvKeys.kindOf(key) == EnvKeys.Kind.INFRASTRUCTURE) {
        out.append("# infrastructure: FédiMon's value, replace it\n");
      }
      out.append(line).append('\n');
    }
    return out.toString().replaceAll("\n+$", "\n");
  }

  private static @Nullable String keyOf(String line) {
    String text = line.strip();
    if (text.startsWith("export ")) {
      text = text.substring(7).strip();
    }
    int eq = text.indexOf('=');
    if (text.startsWith("#") || eq <= 0) {
      return null;
    }
    return text.substring(0, eq).strip();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes to the encryption and to the clear-stream check at once. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }

    @Override
    public void close() throws IOException {
      try {
        first.close();
      } finally {
        second.close();
      }
    }
  }
}
