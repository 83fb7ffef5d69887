package social.fedimon.engine.dump;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The header and table of contents of a pg_dump archive: all of a custom-format file before its
 * data blocks, or the whole toc.dat of the directory and tar formats.
 *
 * @param header the archive header
 * @param entries the table of contents, in archive order
 */
public record ArchiveToc(ArchiveHeader header, List<TocEntry> entries) {

  /** More entries than this is not a Mastodon database (it has a few thousand). */
  static final int MAX_ENTRIES = 1_000_000;

  /** Dependencies of one entry. */
  static final int MAX_DEPENDENCIES = 100_000;

  /**
   * Reads the header and TOC.
   *
   * @param extraFileName whether each entry carries a data file name (directory and tar formats)
   *     instead of a data offset (custom format)
   */
  static ArchiveToc read(ArchiveInput in, boolean extraFileName) throws IOException {
    ArchiveHeader header = ArchiveHeader.read(in);
    int count = in.readInt("the number of TOC entries", 0, MAX_ENTRIES);
    List<TocEntry> entries = new ArrayList<>(Math.min(count, 10_000));
    for (int i = 0; i < count; i++) {
      entries.add(entry(in, header, extraFileName));
    }
    return new ArchiveToc(header, List.copyOf(entries));
  }

  private static TocEntry entry(ArchiveInput in, ArchiveHeader header, boolean extraFileName)
      throws IOException {
    int dumpId = in.readInt("a TOC entry id", 1, Integer.MAX_VALUE);
    boolean hasData = in.readInt() != 0;
    in.readString(); // table oid
    in.readString(); // oid
    String tag = orEmpty(in.readString());
    String desc = orEmpty(in.readString());
    int section = in.readInt("a TOC section", 1, 4);
    String definition = orEmpty(in.readString());
    in.readString(); // drop statement
    String copyStatement = in.readString();
    String namespace = in.readString();
    in.readString(); // tablespace
    if (header.atLeast(14)) {
      in.readString(); // table access method
    }
    if (header.atLeast(16)) {
      in.readInt(); // relkind
    }
    String owner = in.readString();
    in.readString(); // "with oids", always false since PostgreSQL 12
    List<Integer> dependencies = new ArrayList<>();
    for (String dependency = in.readString(); dependency != null; dependency = in.readString()) {
      if (dependencies.size() >= MAX_DEPENDENCIES) {
        throw in.corrupt("a TOC entry has more than " + MAX_DEPENDENCIES + " dependencies");
      }
      try {
        dependencies.add(Integer.parseInt(dependency.strip()));
      } catch (NumberFormatException e) {
        throw in.corrupt("a dependency is not a number");
      }
    }
    int dataState = 3;
    long dataOffset = 0;
    String fileName = null;
    if (extraFileName) {
      fileName = in.readString();
    } else {
      long[] offset = in.readOffset();
      dataState = (int) offset[0];
      dataOffset = offset[1];
    }
    return new TocEntry(
        dumpId,
        hasData,
        tag,
        desc,
        section,
        definition,
        copyStatement,
        namespace,
        owner,
        List.copyOf(dependencies),
        dataState,
        dataOffset,
        fileName);
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
