package social.fedimon.engine.dump;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.jspecify.annotations.Nullable;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.CountingInputStream;
import social.fedimon.engine.archive.Drain;
import social.fedimon.engine.archive.ExpansionGuard;

/**
 * Reads a custom-format archive ({@code pg_dump -Fc}) as a stream: header, TOC, then the data
 * blocks in file order. Definitions go through the guard like plain SQL, split into statements by
 * the same lexer, so that a meta-command hidden in a definition is caught as well.
 */
public final class CustomDumpReader {

  // pg_backup_archiver.h
  private static final int BLK_DATA = 1;
  private static final int BLK_BLOBS = 3;
  private static final int OFFSET_SET = 2;
  private static final int OFFSET_NO_DATA = 3;

  private final SqlGuard guard;
  private final ArchiveLimits limits;

  public CustomDumpReader(SqlGuard guard) {
    this(guard, ArchiveLimits.DEFAULTS);
  }

  /**
   * @param limits the expansion limits each data block's decompression is held to (the archive's
   *     layers never see this compression)
   */
  public CustomDumpReader(SqlGuard guard, ArchiveLimits limits) {
    this.guard = guard;
    this.limits = limits;
  }

  public void read(InputStream raw, DumpHandler handler) throws IOException {
    ArchiveInput in =
        new ArchiveInput(new BufferedInputStream(raw, 256 * 1024), "table of contents");
    ArchiveToc toc = ArchiveToc.read(in, false);
    read(toc, handler, () -> readDataBlocks(in, toc, handler));
  }

  /** Reads the data blocks, in whichever order the input allows. */
  @FunctionalInterface
  private interface DataBlocks {
    void read() throws IOException;
  }

  /** What follows the TOC, in pg_restore's order: pre-data, the data, then the rest. */
  private void read(ArchiveToc toc, DumpHandler handler, DataBlocks data) throws IOException {
    describe(toc.header(), handler);
    toc.entries().forEach(entry -> guard.noteOwner(entry.owner()));
    TocStatements statements = new TocStatements(guard, handler);
    statements.checkEncoding(toc.entries());
    statements.run(toc.entries(), TocEntry.SECTION_PRE_DATA);
    data.read();
    statements.run(toc.entries(), TocEntry.SECTION_DATA);
    statements.run(toc.entries(), TocEntry.SECTION_POST_DATA);
  }

  /** Tells {@code handler} what an archive header says. */
  public static void describe(ArchiveHeader header, DumpHandler handler) {
    handler.describe(
        new DumpDescription(
            header.format() == 1 ? DumpFormat.CUSTOM : DumpFormat.DIRECTORY,
            header.dumpVersion(),
            header.serverVersion(),
            header.version(),
            header.compression().label()));
  }

  private void readDataBlocks(ArchiveInput in, ArchiveToc toc, DumpHandler handler)
      throws IOException {
    Map<Integer, TocEntry> byId = new HashMap<>();
    for (TocEntry entry : toc.entries()) {
      byId.put(entry.dumpId(), entry);
    }
    while (true) {
      int type = in.readByteOrEnd();
      if (type < 0) {
        return;
      }
      int id = in.readInt("a data block id", 1, Integer.MAX_VALUE);
      readBlock(in, type, byId.get(id), toc.header(), null, handler);
    }
  }

  /**
   * Reads a custom-format file with known data offsets (any file pg_dump wrote to a seekable
   * output) with its tables largest first, as {@code pg_restore -j} does: the biggest table's
   * indexes can then be built while the smaller tables load, instead of after everything. Falls
   * back to file order when offsets are missing (pg_dump wrote to a pipe).
   */
  public void read(Path file, DumpHandler handler, LongConsumer progress) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      Progress read = new Progress(progress);
      ArchiveInput in =
          new ArchiveInput(
              new BufferedInputStream(
                  read.of(Channels.newInputStream(channel), Long.MAX_VALUE), 256 * 1024),
              "table of contents");
      ArchiveToc toc = ArchiveToc.read(in, false);
      read.tocEnds(in.position()); // not what the buffer read ahead
      List<Block> blocks = dataBlocksLargestFirst(toc.entries(), channel.size());
      if (blocks == null) {
        // no offsets (pg_dump wrote to a pipe): on in file order, from where the TOC ended
        read(toc, handler, () -> readDataBlocks(in, toc, handler));
      } else {
        read(toc, handler, () -> readBlocks(file, channel, read, toc, blocks, handler));
      }
      progress.accept(channel.size());
    }
  }

  private void readBlocks(
      Path file,
      FileChannel channel,
      Progress read,
      ArchiveToc toc,
      List<Block> blocks,
      DumpHandler handler)
      throws IOException {
    int readers =
        Math.min(
            handler.tablesAtOnce(),
            (int) blocks.stream().filter(b -> b.entry().isTableData()).count());
    if (readers <= 1) {
      for (Block block : blocks) {
        readBlock(channel, read, toc, block, null, handler);
      }
      return;
    }
    // several tables at once, each read and decompressed on a thread of its own from a channel of
    // its own, as pg_restore -j's workers do. The guard's decisions are made first, here, in the
    // order a single reader would make them; large objects follow on this thread.
    List<Block> tables = new ArrayList<>();
    List<Block> rest = new ArrayList<>();
    Map<Block, GuardDecision> decisions = new HashMap<>();
    for (Block block : blocks) {
      if (block.entry().isTableData()) {
        tables.add(block);
        if (block.entry().copyStatement() != null) {
          decisions.put(block, guard.statement(block.entry().copyStatement().strip(), 0));
        }
      } else {
        rest.add(block);
      }
    }
    handler.tablesSideBySide(readers);
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < readers; i++) {
      Thread thread =
          new Thread(
              () -> {
                try (FileChannel own = FileChannel.open(file, StandardOpenOption.READ)) {
                  for (int b = next.getAndIncrement();
                      b < tables.size() && failure.get() == null;
                      b = next.getAndIncrement()) {
                    Block block = tables.get(b);
                    readBlock(own, read, toc, block, decisions.get(block), handler);
                  }
                } catch (Throwable e) {
                  if (failure.compareAndSet(null, e)) {
                    // the restore fails: the other readers stop now, not after their table
                    for (Thread other : threads) {
                      if (other != Thread.currentThread()) {
                        other.interrupt();
                      }
                    }
                  }
                }
              },
              "fedimon-dump-reader-" + i);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    try {
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading the dump's tables");
    }
    Throwable failed = failure.get();
    if (failed instanceof IOException e) {
      throw e;
    } else if (failed instanceof RuntimeException e) {
      throw e;
    } else if (failed instanceof Error e) {
      throw e;
    } else if (failed != null) {
      throw new IllegalStateException(failed);
    }
    for (Block block : rest) {
      readBlock(channel, read, toc, block, null, handler);
    }
  }

  /** One block, from its offset in {@code channel}. */
  private void readBlock(
      FileChannel channel,
      Progress read,
      ArchiveToc toc,
      Block block,
      @Nullable GuardDecision decision,
      DumpHandler handler)
      throws IOException {
    TocEntry entry = block.entry();
    channel.position(block.offset());
    ArchiveInput data =
        new ArchiveInput(
            new BufferedInputStream(
                read.of(Channels.newInputStream(channel), block.length()), 256 * 1024),
            "data of " + entry.qualifiedName());
    data.sizes(toc.header().intSize(), toc.header().offSize());
    int type = data.readByte();
    int id = data.readInt("a data block id", 1, Integer.MAX_VALUE);
    if (id != entry.dumpId()) {
      throw data.corrupt(
          "the data block at offset "
              + block.offset()
              + " belongs to entry "
              + id
              + ", not to "
              + entry.dumpId());
    }
    readBlock(data, type, entry, toc.header(), decision, handler);
  }

  /** Bytes read from the file so far, whatever the order, told every MiB. */
  private static final class Progress {
    private final LongConsumer listener;
    private long total;
    private long told;

    Progress(LongConsumer listener) {
      this.listener = listener;
    }

    /** {@code in}, counted, and ending after {@code limit} bytes. */
    InputStream of(InputStream in, long limit) {
      return new FilterInputStream(in) {
        private long left = limit;

        @Override
        public int read() throws IOException {
          if (left <= 0) {
            return -1;
          }
          int b = super.read();
          if (b >= 0) {
            left--;
            add(1);
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int n = super.read(b, off, (int) Math.min(len, left));
          if (n > 0) {
            left -= n;
            add(n);
          }
          return n;
        }

        @Override
        public long skip(long n) throws IOException {
          byte[] scratch = new byte[8192];
          long skipped = 0;
          while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
              break;
            }
            skipped += r;
          }
          return skipped;
        }

        @Override
        public void close() {
          // the channel is closed by its owner
        }
      };
    }

    synchronized void tocEnds(long position) {
      total = position;
      told = Math.max(told, position); // what was told stays told: progress never goes back
    }

    private synchronized void add(long n) {
      total += n;
      if (total - told >= 1 << 20) {
        told = total;
        listener.accept(total);
      }
    }
  }

  /** A data block: its TOC entry and its extent in the file (up to the next block). */
  record Block(TocEntry entry, long offset, long length) {}

  /**
   * The blocks, biggest first (tables, then large objects); null when an offset is unknown or
   * outside the file. A block is read within its extent, so a hostile TOC cannot make blocks
   * overlap and the file be read more than once.
   */
  static @Nullable List<Block> dataBlocksLargestFirst(List<TocEntry> entries, long fileSize) {
    List<TocEntry> byOffset = new ArrayList<>();
    for (TocEntry entry : entries) {
      if (entry.dataState() == OFFSET_NO_DATA) {
        continue;
      }
      if (entry.dataState() != OFFSET_SET
          || entry.dataOffset() <= 0
          || entry.dataOffset() >= fileSize) {
        return null;
      }
      byOffset.add(entry);
    }
    byOffset.sort(Comparator.comparingLong(TocEntry::dataOffset));
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < byOffset.size(); i++) {
      TocEntry entry = byOffset.get(i);
      long end = i + 1 < byOffset.size() ? byOffset.get(i + 1).dataOffset() : fileSize;
      if (end == entry.dataOffset()) {
        throw DumpRejected.of(
            ProblemCode.CORRUPT,
            "the dump's table of contents is damaged: two entries' data start at offset " + end);
      }
      blocks.add(new Block(entry, entry.dataOffset(), end - entry.dataOffset()));
    }
    blocks.sort(
        Comparator.comparing((Block b) -> !b.entry().isTableData())
            .thenComparing(Comparator.comparingLong(Block::length).reversed())
            .thenComparingLong(Block::offset));
    return blocks;
  }

  private void readBlock(
      ArchiveInput in,
      int type,
      @Nullable TocEntry entry,
      ArchiveHeader header,
      @Nullable GuardDecision decided,
      DumpHandler handler)
      throws IOException {
    if (type == BLK_DATA) {
      ChunkedInputStream chunks = new ChunkedInputStream(in);
      InputStream data =
          new CopyTerminated(
              guarded(
                  chunks,
                  header.compression(),
                  "the data of " + (entry == null ? "a table" : entry.qualifiedName())));
      if (entry != null && entry.isTableData() && entry.copyStatement() != null) {
        String copy = entry.copyStatement().strip();
        GuardDecision decision = decided != null ? decided : guard.statement(copy, 0);
        String table = PlainDumpReader.tableOf(copy);
        if (decision instanceof GuardDecision.Run && !handler.wantsData(table)) {
          // skipped without decompressing: what the block holds can only ever be COPY data
          Drain.all(chunks);
          handler.tableData(table, SqlGuard.normalize(copy), InputStream.nullInputStream());
          return;
        }
        if (decision instanceof GuardDecision.Run) {
          handler.tableData(table, SqlGuard.normalize(copy), data);
        } else if (decision instanceof GuardDecision.Reject reject) {
          handler.problem(reject.problem());
        }
      }
      Drain.all(data);
      // a decoder stops at the end of its stream, before the chunk list's terminating zero
      Drain.all(chunks);
    } else if (type == BLK_BLOBS) {
      while (true) {
        long oid = in.readInt();
        if (oid == 0) {
          break;
        }
        ChunkedInputStream chunks = new ChunkedInputStream(in);
        InputStream data = guarded(chunks, header.compression(), "large object " + oid);
        handler.largeObject(oid, data);
        Drain.all(data);
        Drain.all(chunks);
      }
    } else {
      throw in.corrupt("data block type " + type + " is unknown");
    }
  }

  /** A block's bytes decompressed, within the limits' total and ratio. */
  private InputStream guarded(
      InputStream chunks, ArchiveHeader.Compression compression, String what) throws IOException {
    CountingInputStream compressed = new CountingInputStream(chunks);
    return ExpansionGuard.guard(
        decompress(compressed, compression), compressed::count, limits, what);
  }

  /** Data blocks: zlib streams for gzip, LZ4 frames, zstd frames, or raw. */
  static InputStream decompress(InputStream chunks, ArchiveHeader.Compression compression)
      throws IOException {
    return switch (compression) {
      case NONE -> chunks;
      case GZIP -> new InflaterInputStream(chunks, new java.util.zip.Inflater(), 64 * 1024);
      case LZ4 -> new FramedLZ4CompressorInputStream(chunks, true);
      case ZSTD -> new ZstdInputStreamNoFinalizer(chunks);
    };
  }

  /** Runs the definitions of TOC entries through the guard to the handler, section by section. */
  static final class TocStatements {
    private final SqlGuard guard;
    private final DumpHandler handler;

    TocStatements(SqlGuard guard, DumpHandler handler) {
      this.guard = guard;
      this.handler = handler;
    }

    /** JDBC sends text as UTF-8: a dump in another encoding would need transcoding. */
    void checkEncoding(List<TocEntry> entries) {
      for (TocEntry entry : entries) {
        if (entry.desc().equals("ENCODING")
            && !entry.definition().toUpperCase().contains("'UTF8'")) {
          handler.problem(
              Problem.of(
                  ProblemCode.UNRECOGNIZED_FORMAT,
                  "the dump is not in UTF-8 ("
                      + entry.definition().strip()
                      + "): Mastodon databases are; dump again with --encoding=UTF8"));
        }
      }
    }

    void run(List<TocEntry> entries, int section) throws IOException {
      DumpHandler.Phase phase = Phases.ofSection(section, DumpHandler.Phase.PRE_DATA);
      int current = TocEntry.SECTION_PRE_DATA;
      for (TocEntry entry : entries) {
        int effective = entry.section() == TocEntry.SECTION_NONE ? current : entry.section();
        current = effective;
        if (effective != section || skipped(entry)) {
          continue;
        }
        SqlLexer lexer =
            new SqlLexer(
                new java.io.ByteArrayInputStream(
                    entry.definition().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (SqlLexer.Item item = lexer.next(); item != null; item = lexer.next()) {
          if (item instanceof SqlLexer.Statement statement) {
            PlainDumpReader.decide(guard.statement(statement.sql(), 0), handler, 0, phase);
          } else if (item instanceof SqlLexer.MetaCommand meta) {
            PlainDumpReader.decide(guard.metaCommand(meta.text(), 0), handler, 0, phase);
          }
        }
      }
    }

    /** Entries pg_restore handles itself, or leaves out with --no-owner --no-privileges. */
    private static boolean skipped(TocEntry entry) {
      return switch (entry.desc()) {
        case "ENCODING",
            "STDSTRINGS",
            "DATABASE",
            "DATABASE PROPERTIES",
            "ACL",
            "DEFAULT ACL",
            "TABLE DATA",
            "BLOBS",
            "BLOB DATA" ->
            true;
        default -> false;
      };
    }
  }
}
