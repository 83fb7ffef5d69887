package social.fedimon.engine.dump;

import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/**
 * A dump cannot be read further (damaged, too big a statement), as opposed to the archive around
 * it: the rest of the archive can still be inspected.
 */
public final class DumpRejected extends BackupRejected {

  public DumpRejected(Problem problem) {
    super(problem);
  }

  public static DumpRejected of(ProblemCode code, String message) {
    return new DumpRejected(Problem.of(code, message));
  }
}
