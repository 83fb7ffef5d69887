package social.fedimon.engine.intake;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import social.fedimon.engine.BackupRejected;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.ArchiveReader;
import social.fedimon.engine.archive.EntryVisitor;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.dump.RestoreFailed;
import social.fedimon.engine.mastodon.MediaLayout;
import social.fedimon.engine.media.MediaUploader;
import social.fedimon.engine.media.ObjectStore;

/**
 * The media of a backup going up to an object store from their own reader of the archive, in a
 * thread of their own, while the database is restored: their keys exactly as Mastodon expects them
 * (the path under the media root), incremental as {@link MediaUploader} is.
 */
final class MediaPass implements AutoCloseable {

  private final MediaUploader uploader;
  private final CompletableFuture<Void> reading;

  private MediaPass(MediaUploader uploader, CompletableFuture<Void> reading) {
    this.uploader = uploader;
    this.reading = reading;
  }

  static MediaPass start(ArchiveLimits limits, Secrets secrets, Source source, ObjectStore store) {
    MediaUploader uploader = new MediaUploader(store, "", MediaUploader.DEFAULT_CONCURRENCY);
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(
            () ->
                new ArchiveReader(limits, secrets)
                    .read(
                        source,
                        new EntryVisitor() {
                          @Override
                          public void file(ArchiveEntry entry, InputStream content)
                              throws IOException {
                            Optional<MediaLayout.MediaPath> path = MediaLayout.locate(entry.name());
                            if (path.isEmpty()) {
                              return;
                            }
                            if (entry.declaredSize() < 0) {
                              throw new IOException(entry.name() + " has no declared size");
                            }
                            uploader.upload(path.get().key(), content, entry.declaredSize());
                          }

                          @Override
                          public void problem(Problem problem) {}
                        },
                        n -> {}));
    return new MediaPass(uploader, reading);
  }

  /** Waits for the media; returns what was sent. */
  Report.Counts finish() {
    try {
      reading.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreFailed("interrupted while uploading media");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BackupRejected rejected) {
        throw new RestoreFailed("media upload stopped: " + rejected.getMessage());
      }
      throw new RestoreFailed("media", null, String.valueOf(cause.getMessage()), cause);
    }
    try {
      uploader.finish();
    } catch (RuntimeException e) {
      throw new RestoreFailed("media", null, String.valueOf(e.getMessage()), e);
    }
    return new Report.Counts(uploader.files() + uploader.skipped(), uploader.bytes());
  }

  @Override
  public void close() {
    reading.cancel(true);
    uploader.close();
  }
}
