package social.fedimon.engine.dump;

import java.util.Set;

/**
 * What a dump may contain and where it goes.
 *
 * @param allowedExtensions extensions a dump may create; Mastodon needs none but plpgsql
 * @param target the server restored into (for inspect, the oldest one FédiMon restores into)
 */
public record DumpPolicy(Set<String> allowedExtensions, TargetServer target) {

  public static final Set<String> DEFAULT_EXTENSIONS = Set.of("plpgsql");

  public static final DumpPolicy DEFAULTS =
      new DumpPolicy(DEFAULT_EXTENSIONS, TargetServer.assumed(TargetServer.ASSUMED_MAJOR));

  public DumpPolicy {
    allowedExtensions = Set.copyOf(allowedExtensions);
  }

  public SqlGuard newGuard() {
    return new SqlGuard(allowedExtensions, target);
  }

  public DumpPolicy withTarget(TargetServer server) {
    return new DumpPolicy(allowedExtensions, server);
  }
}
