package social.fedimon.engine.dump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import social.fedimon.engine.ProblemCode;

/**
 * The header of a pg_dump archive (custom format, and the toc.dat of the directory and tar
 * formats), as pg_backup_archiver.c's WriteHead writes it.
 *
 * @param major archive version, major (1)
 * @param minor archive version, minor (12 for pg_dump 9.x up to 16 for pg_dump 17 and 18)
 * @param revision archive version, revision
 * @param intSize bytes per integer
 * @param offSize bytes per file offset
 * @param format 1 custom, 3 tar and directory (see {@link DumpSniffer})
 * @param compression how data is compressed
 * @param database the dumped database's name
 * @param serverVersion the source server's version, e.g. {@code 15.4}
 * @param dumpVersion pg_dump's version, e.g. {@code 17.6}
 */
public record ArchiveHeader(
    int major,
    int minor,
    int revision,
    int intSize,
    int offSize,
    int format,
    Compression compression,
    String database,
    String serverVersion,
    String dumpVersion) {

  /** How data blocks are compressed. */
  public enum Compression {
    NONE,
    GZIP,
    LZ4,
    ZSTD;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The oldest and newest archive versions read: pg_dump 9.2's 1.12 to pg_dump 18's 1.16. */
  static final int MIN_MINOR = 12;

  static final int MAX_MINOR = 16;

  /** {@code 1.14}, as pg_restore prints it. */
  public String version() {
    return major + "." + minor + (revision == 0 ? "" : "." + revision);
  }

  boolean atLeast(int minorVersion) {
    return minor >= minorVersion;
  }

  static ArchiveHeader read(ArchiveInput in) throws IOException {
    byte[] magic = new byte[5];
    in.readFully(magic, 5);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("PGDMP")) {
      throw in.corrupt("it does not start with PGDMP");
    }
    int major = in.readByte();
    int minor = in.readByte();
    int revision = in.readByte();
    if (major != 1 || minor < MIN_MINOR || minor > MAX_MINOR) {
      throw DumpRejected.of(
          ProblemCode.UNRECOGNIZED_FORMAT,
          "the dump is archive version "
              + major
              + "."
              + minor
              + "; FédiMon reads 1."
              + MIN_MINOR
              + " (pg_dump 9.2) to 1."
              + MAX_MINOR
              + " (pg_dump 18)");
    }
    int intSize = in.readByte();
    int offSize = in.readByte();
    in.sizes(intSize, offSize);
    int format = in.readByte();
    Compression compression;
    if (minor >= 15) {
      int algorithm = in.readByte();
      compression =
          switch (algorithm) {
            case 0 -> Compression.NONE;
            case 1 -> Compression.GZIP;
            case 2 -> Compression.LZ4;
            case 3 -> Compression.ZSTD;
            default -> throw in.corrupt("compression algorithm " + algorithm + " is unknown");
          };
    } else {
      long level = in.readInt();
      compression = level == 0 ? Compression.NONE : Compression.GZIP;
    }
    for (int i = 0; i < 7; i++) {
      in.readInt(); // creation date: sec, min, hour, mday, mon, year, isdst
    }
    String database = nonNull(in.readString());
    String serverVersion = nonNull(in.readString());
    String dumpVersion = nonNull(in.readString());
    return new ArchiveHeader(
        major,
        minor,
        revision,
        intSize,
        offSize,
        format,
        compression,
        database,
        serverVersion,
        dumpVersion);
  }

  private static String nonNull(String text) {
    return text == null ? "" : text;
  }
}
