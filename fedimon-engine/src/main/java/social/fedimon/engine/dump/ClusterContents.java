package social.fedimon.engine.dump;

import java.util.List;

/**
 * What a cluster dump (pg_dumpall) holds besides one database's statements: these are never run
 * into a tenant's database, and are listed so that the admin knows what was left out.
 *
 * @param databases every database, in dump order
 * @param roles the roles it creates
 * @param settings role and database settings ({@code ALTER ROLE ... SET}, {@code ALTER DATABASE ...
 *     SET}), as written
 * @param tablespaces the tablespaces it creates
 */
public record ClusterContents(
    List<String> databases, List<String> roles, List<String> settings, List<String> tablespaces) {

  public ClusterContents {
    databases = List.copyOf(databases);
    roles = List.copyOf(roles);
    settings = List.copyOf(settings);
    tablespaces = List.copyOf(tablespaces);
  }
}
