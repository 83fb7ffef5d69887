package social.fedimon.engine;

import java.util.Locale;

/**
 * Why a backup is rejected or needs attention. The names, as {@link #code()} spells them, are part
 * of the JSON report's contract.
 */
public enum ProblemCode {
  UNRECOGNIZED_FORMAT(Severity.ERROR),
  SECRET_REQUIRED(Severity.ERROR),
  WRONG_SECRET(Severity.ERROR),
  CORRUPT(Severity.ERROR),
  PATH_TRAVERSAL(Severity.ERROR),
  LINK_ENTRY(Severity.ERROR),
  SPECIAL_ENTRY(Severity.ERROR),
  SIZE_LIMIT(Severity.ERROR),
  NO_DATABASE(Severity.ERROR),
  MULTIPLE_DATABASES(Severity.ERROR),
  SHELL_ESCAPE(Severity.ERROR),
  PRIVILEGED_SQL(Severity.ERROR),
  NON_POSTGRESQL(Severity.WARNING),
  NO_ENV(Severity.WARNING),
  ENV_MISSING_SECRET(Severity.WARNING),
  DOMAIN_MISMATCH(Severity.ERROR),
  DOWNGRADE(Severity.ERROR),
  UNKNOWN_MIGRATIONS(Severity.WARNING),
  MISSING_MEDIA(Severity.WARNING),
  UNSUPPORTED_STATEMENT(Severity.WARNING),
  /**
   * An extension of the contract: a cluster dump (pg_dumpall) of which one database is restored;
   * its roles, settings and other databases are left out (the message lists them).
   */
  CLUSTER_DUMP(Severity.WARNING),
  /** An extension of the contract: restore stopped (the report says where and why). */
  RESTORE_FAILED(Severity.ERROR),
  /** An extension of the contract: the target database cannot be restored into as it is. */
  TARGET_REFUSED(Severity.ERROR);

  private final Severity severity;

  ProblemCode(Severity severity) {
    this.severity = severity;
  }

  /** The severity this code always has. */
  public Severity severity() {
    return severity;
  }

  /** The code as the report spells it: {@code path-traversal}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether a backup with this problem is turned down. */
  public boolean rejects() {
    return severity == Severity.ERROR;
  }

  /** How serious a problem is; spelled in lower case in the report. */
  public enum Severity {
    ERROR,
    WARNING;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
