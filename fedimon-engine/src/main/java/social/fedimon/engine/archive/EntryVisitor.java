package social.fedimon.engine.archive;

import java.io.IOException;
import java.io.InputStream;
import social.fedimon.engine.Problem;

/**
 * Receives what an {@link ArchiveReader} finds, in archive order, in one pass. Whatever part of a
 * file's content the visitor does not read is skipped (still decoded, so checksums are verified).
 */
public interface EntryVisitor {

  /** A layer of the archive itself was peeled (reported outermost first). */
  default void layer(Layer layer) {}

  /**
   * A regular file. {@code content} is its decoded bytes under the expansion limits; do not close
   * it. Throwing {@link social.fedimon.engine.BackupRejected} stops the walk.
   */
  void file(ArchiveEntry entry, InputStream content) throws IOException;

  /**
   * Whether the entry {@code name} is data to hand over as it is, never a layer to open, whatever
   * its first bytes look like (an instance's media: a user's archive takeout is a zip, and random
   * bytes may look like any signature). The archive layer knows no such names; its caller does.
   */
  default boolean opaque(String name) {
    return false;
  }

  /** A directory entry. */
  default void directory(String name) {}

  /**
   * An entry that was refused and skipped (traversal, link, special file, unreadable method): the
   * walk goes on so that every problem is listed.
   */
  void problem(Problem problem);
}
