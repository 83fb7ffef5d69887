package social.fedimon.engine.dump;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One item of a pg_dump archive's table of contents (pg_backup_archiver.c, ReadToc).
 *
 * @param dumpId its id, referred to by dependencies and data blocks
 * @param hasData whether a data block belongs to it (TABLE DATA, BLOBS)
 * @param tag the object's name
 * @param desc its kind: {@code TABLE}, {@code TABLE DATA}, {@code INDEX}, {@code FK CONSTRAINT}...
 * @param section 1 none, 2 pre-data, 3 data, 4 post-data
 * @param definition the SQL that creates it
 * @param copyStatement for TABLE DATA, the {@code COPY ... FROM stdin;} its data goes with
 * @param namespace its schema
 * @param owner its owner in the source database
 * @param dependencies dump ids it depends on
 * @param dataState for custom archives: 1 offset unknown, 2 known, 3 no data
 * @param dataOffset where its data block starts, when known
 * @param fileName for directory and tar archives: the file holding its data
 */
public record TocEntry(
    int dumpId,
    boolean hasData,
    String tag,
    String desc,
    int section,
    String definition,
    @Nullable String copyStatement,
    @Nullable String namespace,
    @Nullable String owner,
    List<Integer> dependencies,
    int dataState,
    long dataOffset,
    @Nullable String fileName) {

  public static final int SECTION_NONE = 1;
  public static final int SECTION_PRE_DATA = 2;
  public static final int SECTION_DATA = 3;
  public static final int SECTION_POST_DATA = 4;

  /** {@code "public"."accounts"}-style qualified name for tables. */
  public String qualifiedName() {
    return namespace == null || namespace.isEmpty() ? tag : namespace + "." + tag;
  }

  public boolean isTableData() {
    return desc.equals("TABLE DATA");
  }
}
