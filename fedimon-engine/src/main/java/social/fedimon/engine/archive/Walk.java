package social.fedimon.engine.archive;

import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.ProblemCode;

/** The state of one read: limits, secrets, the visitor, and the counters the limits apply to. */
final class Walk {

  final ArchiveLimits limits;
  final Secrets secrets;
  final EntryVisitor visitor;
  final ExpansionBudget budget;
  final TempFolder temp;
  final DecoderThreads threads;
  private long entries;

  /** Whether the layers of the bare chain were reported already (see ArchiveReader). */
  boolean outerLayersReported;

  Walk(
      ArchiveLimits limits,
      Secrets secrets,
      EntryVisitor visitor,
      TempFolder temp,
      DecoderThreads threads) {
    this.threads = threads;
    this.limits = limits;
    this.secrets = secrets;
    this.visitor = visitor;
    this.budget = new ExpansionBudget(limits.maxExpandedBytes());
    this.temp = temp;
  }

  /** Counts one more container entry, of any type. */
  void countEntry() {
    entries++;
    if (entries > limits.maxEntries()) {
      throw BackupRejected.of(
          ProblemCode.SIZE_LIMIT,
          "the archive holds more than " + limits.maxEntries() + " entries, the limit");
    }
  }

  /** Normalizes an entry name, reporting and returning null when it is refused. */
  @org.jspecify.annotations.Nullable
  String acceptName(String raw, Frame frame) {
    EntryNames.Result result = EntryNames.normalize(raw, limits.maxNameBytes());
    if (result.accepted()) {
      return frame.childName(result.name().orElseThrow());
    }
    EntryNames.Refusal refusal = result.refusal().orElseThrow();
    ProblemCode code =
        refusal == EntryNames.Refusal.TOO_LONG
            ? ProblemCode.SIZE_LIMIT
            : ProblemCode.PATH_TRAVERSAL;
    String message =
        refusal == EntryNames.Refusal.TOO_LONG
            ? "an entry name is longer than " + limits.maxNameBytes() + " bytes; it was skipped"
            : EntryNames.explain(refusal) + "; it was skipped and nothing was written";
    visitor.problem(Problem.of(code, message, frame.prefix() + raw));
    return null;
  }

  /** The file type bits of a Unix mode, as zip and 7z store it, and the types a backup may hold. */
  static final int UNIX_TYPE_MASK = 0170000;

  static final int UNIX_REGULAR = 0100000;
  static final int UNIX_DIRECTORY = 0040000;
  static final int UNIX_SYMLINK = 0120000;

  /**
   * The normalized name of an entry whose container stores a Unix file type ({@code unixType}, 0
   * when none is stored), or null when it is refused and reported: a link, a device, fifo or
   * socket, or a name {@link #acceptName} refuses.
   */
  @org.jspecify.annotations.Nullable
  String acceptTyped(String raw, int unixType, Frame frame) {
    if (unixType == UNIX_SYMLINK) {
      refuse(
          ProblemCode.LINK_ENTRY,
          "a symbolic link: links are never followed nor created; remove them from the backup",
          raw,
          frame);
      return null;
    }
    if (unixType != 0 && unixType != UNIX_REGULAR && unixType != UNIX_DIRECTORY) {
      refuse(
          ProblemCode.SPECIAL_ENTRY,
          "a device, fifo or socket entry: a backup holds only files and folders",
          raw,
          frame);
      return null;
    }
    return acceptName(raw, frame);
  }

  void refuse(ProblemCode code, String message, String rawName, Frame frame) {
    visitor.problem(Problem.of(code, message, frame.prefix() + rawName));
  }
}
