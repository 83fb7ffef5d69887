package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Copies one store into another (a customer's bucket into ours, or a folder into a bucket),
 * incrementally: both listings are walked side by side in key order, and an object whose size
 * matches and whose content is known to be the same (the same entity tag, or, from a folder, not
 * modified since it was stored, as {@code aws s3 sync} decides) is not sent again. Run it while the
 * old instance still serves, then once more at cut-over: the second run sends only what changed.
 * The source is only read.
 */
public final class MediaSync {

  /**
   * What a sync did.
   *
   * @param files objects sent
   * @param bytes their bytes
   * @param skipped objects already there
   */
  public record Result(long files, long bytes, long skipped) {}

  private MediaSync() {}

  public static Result sync(
      ObjectStore from, ObjectStore to, int concurrency, LongConsumer progress) {
    long skipped = 0;
    long seen = 0;
    try (MediaUploader uploader = new MediaUploader(to, "", concurrency, false)) {
      Iterator<StoredObject> target = to.list("").iterator();
      StoredObject existing = target.hasNext() ? target.next() : null;
      for (Iterator<StoredObject> source = from.list("").iterator(); source.hasNext(); ) {
        StoredObject object = source.next();
        while (existing != null && existing.key().compareTo(object.key()) < 0) {
          existing = target.hasNext() ? target.next() : null;
        }
        boolean same =
            existing != null
                && existing.key().equals(object.key())
                && sameContent(object, existing, to);
        if (same) {
          skipped++;
        } else {
          try (InputStream in = from.open(object.key())) {
            uploader.upload(
                object.key(),
                in,
                object.size(),
                object.etag() == null
                    ? java.util.Map.of()
                    : java.util.Map.of(StoredObject.SOURCE_ETAG, object.etag()));
          } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + object.key(), e);
          }
        }
        seen += object.size();
        progress.accept(seen);
      }
      uploader.finish();
      return new Result(uploader.files(), uploader.bytes(), skipped + uploader.skipped());
    }
  }

  static boolean sameContent(StoredObject source, StoredObject existing, ObjectStore to) {
    if (source.size() != existing.size()) {
      return false;
    }
    if (source.etag() != null) {
      if (Objects.equals(source.etag(), existing.etag())) {
        return true;
      }
      // copied in parts of another size: the copy remembers the source's tag in its metadata
      return to.head(existing.key())
          .map(o -> source.etag().equals(o.metadata().get(StoredObject.SOURCE_ETAG)))
          .orElse(false);
    }
    // a folder: no entity tag without reading the file; unchanged since the copy was made. Object
    // stores keep whole seconds (HTTP dates), files keep nanoseconds: a file written at 12:00:00.9
    // and stored at 12:00:00.95 is listed as stored at 12:00:00, so compare whole seconds, as
    // aws s3 sync does
    return source.lastModified() != null
        && existing.lastModified() != null
        && !source
            .lastModified()
            .truncatedTo(ChronoUnit.SECONDS)
            .isAfter(existing.lastModified().truncatedTo(ChronoUnit.SECONDS));
  }
}
