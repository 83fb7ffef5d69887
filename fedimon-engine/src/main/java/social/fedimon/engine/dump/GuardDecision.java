package social.fedimon.engine.dump;

import social.fedimon.engine.Problem;

/** What the SQL guard decides for one statement or meta-command. */
public sealed interface GuardDecision {

  /** Run it as written. */
  record Run(String sql) implements GuardDecision {}

  /**
   * Leave it out, as pg_restore would with {@code --no-owner --no-privileges}, or because the
   * target server would not understand it.
   *
   * @param warning a problem to report ({@code unsupported-statement}), or null for silent drops
   */
  record Skip(@org.jspecify.annotations.Nullable Problem warning) implements GuardDecision {}

  /** Refuse the whole dump. */
  record Reject(Problem problem) implements GuardDecision {}

  GuardDecision SKIP = new Skip(null);
}
