package social.fedimon.engine.media;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for work done on another thread of this package, with its own failure rethrown. */
final class Futures {

  private Futures() {}

  /**
   * The value of {@code future} once done; the exception it ended with is thrown as it was (not
   * wrapped in a {@link CompletionException}), so callers see the store's own errors.
   */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
