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
import social.fedimon.engine.archive.DecoderThreads;
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
  private final java.util.concurrent.atomic.AtomicBoolean aborted;

  private MediaPass(
      MediaUploader uploader,
      CompletableFuture<Void> reading,
      java.util.concurrent.atomic.AtomicBoolean aborted) {
    this.uploader = uploader;
    this.reading = reading;
    this.aborted = aborted;
  }

  static MediaPass start(
      ArchiveLimits limits,
      Secrets secrets,
      Source source,
      ObjectStore store,
      DecoderThreads threads) {
    MediaUploader uploader = new MediaUploader(store, "", MediaUploader.DEFAULT_CONCURRENCY);
    java.util.concurrent.atomic.AtomicBoolean aborted =
        new java.util.concurrent.atomic.AtomicBoolean();
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(
            () ->
                new ArchiveReader(limits, secrets, threads)
                    .read(
                        source,
                        new MediaAware() {
                          @Override
                          public void file(ArchiveEntry entry, InputStream content)
                              throws IOException {
                            if (aborted.get()) {
                              throw new IOException("the restore stopped");
                            }
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
                        n -> {}),
            // a thread of its own: the common pool is one thread on two cores, and a server's
            // other restores would wait for this one's media
            runnable -> {
              Thread thread = new Thread(runnable, "fedimon-media-pass");
              thread.setDaemon(true);
              thread.start();
            });
    return new MediaPass(uploader, reading, aborted);
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

  /**
   * Stops the pass and removes what it stored: the reading stops at its next file, the uploads
   * under way end, then every object this pass stored is deleted (those already in the store before
   * are left alone).
   *
   * @return how many objects were removed
   */
  long undo() {
    aborted.set(true);
    try {
      reading.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // stopped, by this undo or by what failed the restore
    }
    try {
      uploader.finish();
    } catch (RuntimeException e) {
      // a failed upload stored nothing to take back
    }
    return uploader.removeSent();
  }

  @Override
  public void close() {
    reading.cancel(true);
    uploader.close();
  }
}
