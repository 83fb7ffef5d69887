package social.fedimon.engine.archive;

import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/** The expanded bytes of all entries of one archive together, held to the total limit. */
final class ExpansionBudget {

  /** For layer outputs, which are checked on their own. */
  static final ExpansionBudget NONE = new ExpansionBudget(Long.MAX_VALUE);

  private final long max;
  private long total;

  ExpansionBudget(long max) {
    this.max = max;
  }

  void add(long n, String what) {
    if (max == Long.MAX_VALUE) {
      return;
    }
    total += n;
    if (total > max) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          "the entries expand past "
              + Sizes.human(max)
              + " in total (reached while reading "
              + what
              + "), the limit on expanded size");
    }
  }

  long total() {
    return total;
  }
}
