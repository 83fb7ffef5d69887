package social.fedimon.engine.dump;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Checks the target before a restore: the role must be the tenant's own (not a superuser, no
 * CREATEROLE or CREATEDB, no pg_* predefined roles, owner of the database), and the database must
 * be empty unless {@code --clean} wipes what the role owns in it.
 */
public final class TargetDatabase {

  private TargetDatabase() {}

  /** Refuses with {@link RestoreFailed} when the role has powers a tenant must not have. */
  public static void checkRole(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb,"
                    + " (SELECT string_agg(p.rolname, ', ' ORDER BY p.rolname) FROM pg_roles p"
                    + "   WHERE p.rolname LIKE 'pg\\_%' AND p.rolname <> 'pg_database_owner'"
                    + "   AND pg_has_role(r.oid, p.oid, 'MEMBER')) AS predefined,"
                    + " (SELECT d.datdba = r.oid FROM pg_database d WHERE d.datname = current_database()) AS owner"
                    + " FROM pg_roles r WHERE r.rolname = current_user")) {
      rs.next();
      String role = rs.getString(1);
      StringBuilder powers = new StringBuilder();
      if (rs.getBoolean(2)) {
        powers.append(" SUPERUSER");
      }
      if (rs.getBoolean(3)) {
        powers.append(" CREATEROLE");
      }
      if (rs.getBoolean(4)) {
        powers.append(" CREATEDB");
      }
      if (rs.getString(5) != null) {
        powers.append(" member of ").append(rs.getString(5));
      }
      if (powers.length() > 0) {
        throw new RestoreFailed(
            "the role "
                + role
                + " has powers a tenant must not have ("
                + powers.toString().strip()
                + "): restores run as the tenant's own role, so that what a dump does stays inside"
                + " its database (see docs/operations.md to create one)");
      }
      if (!rs.getBoolean(6)) {
        throw new RestoreFailed(
            "the role "
                + role
                + " does not own the database "
                + "it restores into: create the"
                + " database with OWNER "
                + role
                + " (see docs/operations.md)");
      }
    }
  }

  /** Whether anything but the system schemas' content is in the database. */
  public static long userObjects(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + "   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + "   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%')"
                    + " + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + "   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema'))"
                    + " + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + "   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + "   AND n.nspname NOT LIKE 'pg\\_toast%' AND t.typtype IN ('e', 'd', 'c', 'r', 'm')"
                    + "   AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid))"
                    + " + (SELECT count(*) FROM pg_namespace n WHERE n.nspname NOT IN"
                    + "   ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\\_%')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Makes the database empty again: drops everything the role owns in it, as {@code restore
   * --clean} promises, then checks nothing is left.
   */
  public static void clean(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP OWNED BY CURRENT_USER CASCADE");
      statement.execute("CREATE SCHEMA IF NOT EXISTS public");
    }
    long left = userObjects(connection);
    if (left > 0) {
      throw new RestoreFailed(
          "--clean dropped what the role owns, but "
              + left
              + " objects owned by other roles remain in the database: drop them as their owner");
    }
  }
}
