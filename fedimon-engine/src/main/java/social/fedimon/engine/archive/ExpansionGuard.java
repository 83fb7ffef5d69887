package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.ProblemCode;

/**
 * Wraps what a layer or an entry produces and stops it, with {@code size-limit}, as soon as it
 * produces more than the total allowed, or (past a grace size) more than the allowed ratio to the
 * bytes it consumed. Counted on bytes actually produced, so headers cannot lie about sizes.
 */
public final class ExpansionGuard extends CountingInputStream {

  private final LongSupplier consumed;
  private final ArchiveLimits limits;
  private final String what;
  private final ExpansionBudget budget;

  /**
   * @param produced the decoded stream
   * @param consumed how many encoded bytes the decoder has read so far
   * @param what the layer and entry, for the message
   * @param budget a total shared by all entries, or {@link ExpansionBudget#NONE} for layers
   */
  ExpansionGuard(
      InputStream produced,
      LongSupplier consumed,
      ArchiveLimits limits,
      String what,
      ExpansionBudget budget) {
    super(produced);
    this.consumed = consumed;
    this.limits = limits;
    this.what = what;
    this.budget = budget;
  }

  /**
   * {@code produced}, stopped with {@code size-limit} past the limits' total or ratio: for
   * compression inside a file (a custom dump's data blocks) that no archive layer sees.
   */
  public static InputStream guard(
      InputStream produced, LongSupplier consumed, ArchiveLimits limits, String what) {
    return new ExpansionGuard(produced, consumed, limits, what, ExpansionBudget.NONE);
  }

  @Override
  protected void counted(long n) throws IOException {
    super.counted(n);
    long out = count();
    if (out > limits.maxExpandedBytes()) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          what
              + " expands past "
              + Sizes.human(limits.maxExpandedBytes())
              + ", the limit on expanded size; raise it only if this backup is really that big");
    }
    if (out > limits.ratioGraceBytes()) {
      long in = Math.max(1, consumed.getAsLong());
      if (out / in > limits.maxRatio()) {
        throw BackupRejected.of(
            ProblemCode.SIZE_LIMIT,
            what
                + " expands "
                + (out / in)
                + " times ("
                + Sizes.human(in)
                + " became "
                + Sizes.human(out)
                + " and counting), past the limit of "
                + limits.maxRatio()
                + ": this is what decompression bombs look like");
      }
    }
    budget.add(n, what);
  }
}
