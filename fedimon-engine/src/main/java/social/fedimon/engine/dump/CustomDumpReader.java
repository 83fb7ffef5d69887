package social.fedimon.engine.dump;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/**
 * Reads a custom-format archive ({@code pg_dump -Fc}) as a stream: header, TOC, then the data
 * blocks in file order. Definitions go through the guard like plain SQL, split into statements by
 * the same lexer, so that a meta-command hidden in a definition is caught as well.
 */
public final class CustomDumpReader {

  // pg_backup_archiver.h
  private static final int BLK_DATA = 1;
  private static final int BLK_BLOBS = 3;

  private final SqlGuard guard;

  public CustomDumpReader(SqlGuard guard) {
    this.guard = guard;
  }

  public void read(InputStream raw, DumpHandler handler) throws IOException {
    ArchiveInput in =
        new ArchiveInput(new BufferedInputStream(raw, 256 * 1024), "table of contents");
    ArchiveToc toc = ArchiveToc.read(in, false);
    describe(toc.header(), handler);
    toc.entries().forEach(entry -> guard.noteOwner(entry.owner()));
    TocStatements statements = new TocStatements(guard, handler);
    statements.checkEncoding(toc.entries());
    statements.run(toc.entries(), TocEntry.SECTION_PRE_DATA);
    readDataBlocks(in, toc, handler);
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
      TocEntry entry = byId.get(id);
      if (type == BLK_DATA) {
        ChunkedInputStream chunks = new ChunkedInputStream(in);
        InputStream data = new CopyTerminated(decompress(chunks, toc.header().compression()));
        if (entry != null && entry.isTableData() && entry.copyStatement() != null) {
          String copy = entry.copyStatement().strip();
          GuardDecision decision = guard.statement(copy, 0);
          String table = PlainDumpReader.tableOf(copy);
          if (decision instanceof GuardDecision.Run && !handler.wantsData(table)) {
            // skipped without decompressing: what the block holds can only ever be COPY data
            chunks.transferTo(java.io.OutputStream.nullOutputStream());
            handler.tableData(table, SqlGuard.normalize(copy), InputStream.nullInputStream());
            continue;
          }
          if (decision instanceof GuardDecision.Run) {
            handler.tableData(table, SqlGuard.normalize(copy), data);
          } else if (decision instanceof GuardDecision.Reject reject) {
            handler.problem(reject.problem());
          }
        }
        data.transferTo(java.io.OutputStream.nullOutputStream());
        // a decoder stops at the end of its stream, before the chunk list's terminating zero
        chunks.transferTo(java.io.OutputStream.nullOutputStream());
      } else if (type == BLK_BLOBS) {
        while (true) {
          long oid = in.readInt();
          if (oid == 0) {
            break;
          }
          ChunkedInputStream chunks = new ChunkedInputStream(in);
          InputStream data = decompress(chunks, toc.header().compression());
          handler.largeObject(oid, data);
          data.transferTo(java.io.OutputStream.nullOutputStream());
          chunks.transferTo(java.io.OutputStream.nullOutputStream());
        }
      } else {
        throw in.corrupt("data block type " + type + " is unknown");
      }
    }
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
