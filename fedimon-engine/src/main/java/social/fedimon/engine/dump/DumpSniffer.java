package social.fedimon.engine.dump;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Tells from the first bytes of a file whether it is a database dump, and which kind: pg_dump's
 * archive header ({@code PGDMP}, whose format byte says custom, tar or directory), pg_dump's or
 * pg_dumpall's SQL text, or a dump from another database that needs converting.
 */
public final class DumpSniffer {

  /** Enough for pg_dump's header comments and its first SET lines. */
  public static final int HEAD_BYTES = 8192;

  /** What a file's head says it is. */
  public sealed interface Kind {}

  /**
   * A PostgreSQL dump.
   *
   * @param format the pg_dump format; {@link DumpFormat#DIRECTORY} stands for the toc.dat of either
   *     the directory or the tar format
   * @param archiveVersion {@code 1.14} for archives, null for plain SQL
   */
  public record PostgreSql(DumpFormat format, String archiveVersion) implements Kind {}

  /**
   * A dump from another database.
   *
   * @param engine {@code mysql} (also MariaDB) or {@code sqlite}
   */
  public record Other(String engine) implements Kind {}

  // pg_backup_archiver.h: archCustom = 1, archTar = 3, archNull = 4, archDirectory = 5; but the
  // toc.dat of both the tar and the directory format says 3 (checked with pg_dump 15): which of
  // the two a toc.dat belongs to is told by what surrounds it.
  private static final int ARCH_CUSTOM = 1;

  private DumpSniffer() {}

  public static Optional<Kind> sniff(byte[] head, int length) {
    if (length >= 5 && new String(head, 0, 5, StandardCharsets.US_ASCII).equals("PGDMP")) {
      return archive(head, length);
    }
    if (length >= 16
        && new String(head, 0, 16, StandardCharsets.US_ASCII).equals("SQLite format 3\0")) {
      return Optional.of(new Other("sqlite"));
    }
    String text = new String(head, 0, length, StandardCharsets.UTF_8);
    if (text.contains("-- PostgreSQL database dump")
        || text.contains("-- PostgreSQL database cluster dump")
        || text.contains("-- Dumped by pg_dump")
        || text.contains("-- Dumped from database version")
        || (text.contains("SET statement_timeout = 0;")
            && text.contains("SELECT pg_catalog.set_config('search_path'"))) {
      return Optional.of(new PostgreSql(DumpFormat.PLAIN, ""));
    }
    if (text.startsWith("-- MySQL dump")
        || text.startsWith("-- MariaDB dump")
        || text.contains("/*!40101 SET")
        || text.contains("/*M!999999")) {
      return Optional.of(new Other("mysql"));
    }
    return Optional.empty();
  }

  /**
   * The archive header (pg_backup_archiver.c, WriteHead): magic, major, minor, revision, int size,
   * offset size, format.
   */
  private static Optional<Kind> archive(byte[] head, int length) {
    if (length < 11) {
      return Optional.of(new PostgreSql(DumpFormat.CUSTOM, "?"));
    }
    int major = head[5] & 0xFF;
    int minor = head[6] & 0xFF;
    int revision = head[7] & 0xFF;
    int format = head[10] & 0xFF;
    String version = major + "." + minor + (revision == 0 ? "" : "." + revision);
    return Optional.of(
        new PostgreSql(format == ARCH_CUSTOM ? DumpFormat.CUSTOM : DumpFormat.DIRECTORY, version));
  }
}
