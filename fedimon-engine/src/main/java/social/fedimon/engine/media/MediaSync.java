package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Copies one store into another (a customer's bucket into ours, or a folder into a bucket),
 * incrementally: the source's listing is walked in key order beside the target's (or, after a
 * complete sync from the same source, beside the record it left in the target), and an object whose
 * size matches and whose content is known to be the same (the same entity tag, or, from a folder,
 * not modified since it was stored, as {@code aws s3 sync} decides) is not sent again. Run it while
 * the old instance still serves, then once more at cut-over: the second run sends only what
 * changed. The source is only read.
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

  /** Where a target keeps what each source's last complete sync copied; never synced itself. */
  static final String STATE_PREFIX = ".fedimon/";

  public static Result sync(
      ObjectStore from, ObjectStore to, int concurrency, LongConsumer progress) {
    return sync(from, to, concurrency, progress, false);
  }

  /**
   * Copies what {@code to} lacks or holds differently.
   *
   * <p>After a complete sync, the target keeps a record of what it copied from this source (keys,
   * sizes, entity tags, modification times, sorted, under {@value #STATE_PREFIX}). The next sync
   * from the same source compares the source with that record instead of listing the target, which
   * is the slow part of a sync where little changed (S3Proxy lists 3000 objects in seconds).
   * Objects removed from the target by something else are not noticed then: {@code full} compares
   * with a listing of the target, as the first sync does.
   */
  public static Result sync(
      ObjectStore from, ObjectStore to, int concurrency, LongConsumer progress, boolean full) {
    long skipped = 0;
    long seen = 0;
    String stateKey = STATE_PREFIX + "sync/" + sourceId(from) + ".tsv.gz";
    Path newRecord = SyncRecord.newFile();
    // the source is walked from now on, on a thread of its own, while the target's record is read:
    // without building the target's client where the store allows, as a sync that finds nothing
    // to send needs nothing else from the target
    try (Prefetched<StoredObject> source =
            new Prefetched<>(
                from.list("").filter(MediaSync::synced), 10_000, "fedimon-sync-listing");
        SyncRecord.Reader record = full ? null : SyncRecord.read(to, stateKey);
        MediaUploader uploader = new MediaUploader(to, "", concurrency, false);
        SyncRecord.Writer writer = new SyncRecord.Writer(newRecord);
        Stream<StoredObject> targetListing =
            record != null ? Stream.empty() : to.list("").filter(MediaSync::synced)) {
      Iterator<StoredObject> target = record != null ? record : targetListing.iterator();
      StoredObject existing = target.hasNext() ? target.next() : null;
      while (source.hasNext()) {
        StoredObject object = source.next();
        while (existing != null && existing.key().compareTo(object.key()) < 0) {
          existing = target.hasNext() ? target.next() : null;
        }
        boolean same =
            existing != null
                && existing.key().equals(object.key())
                && (record != null
                    ? SyncRecord.unchanged(object, existing)
                    : sameContent(object, existing, to));
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
        writer.add(object);
        seen += object.size();
        progress.accept(seen);
      }
      uploader.finish();
      writer.close();
      // only a complete sync is recorded: after a failure the old record (or none) stays; an
      // unchanged record is not sent again
      if (record == null || !SyncRecord.same(record.file, newRecord)) {
        to.put(stateKey, newRecord, "application/gzip");
      }
      return new Result(uploader.files(), uploader.bytes(), skipped + uploader.skipped());
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the sync record", e);
    } finally {
      try {
        Files.deleteIfExists(newRecord);
      } catch (IOException e) {
        // a temporary file
      }
    }
  }

  private static boolean synced(StoredObject object) {
    return !object.key().startsWith(STATE_PREFIX);
  }

  /** A short stable name for a source: its location's SHA-256, 16 hex digits. */
  static String sourceId(ObjectStore from) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(from.location().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
