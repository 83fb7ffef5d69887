package social.fedimon.engine.dump;

import java.util.Locale;

/** pg_dump's output formats, named as the report names them. */
public enum DumpFormat {
  /** SQL text, as {@code pg_dump} writes by default ({@code -Fp}). */
  PLAIN,
  /** The custom archive ({@code -Fc}): one file starting with {@code PGDMP}. */
  CUSTOM,
  /** The directory format ({@code -Fd}): {@code toc.dat} and one file per table. */
  DIRECTORY,
  /** The tar format ({@code -Ft}): {@code toc.dat} and the table files in a tar. */
  TAR;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
