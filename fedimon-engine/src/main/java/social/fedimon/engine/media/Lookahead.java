package social.fedimon.engine.media;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * An iterator that learns whether there is a next item by fetching it: the shape of the listings a
 * sync walks (a folder, a sync record, a listing read ahead on a thread).
 */
abstract class Lookahead<T> implements Iterator<T> {

  private @Nullable T next;
  private boolean fetched;

  /** The next item, or null at the end. */
  protected abstract @Nullable T fetch();

  @Override
  public final boolean hasNext() {
    if (!fetched) {
      next = fetch();
      fetched = true;
    }
    return next != null;
  }

  @Override
  public final T next() {
    T current = hasNext() ? next : null;
    if (current == null) {
      throw new NoSuchElementException();
    }
    next = null;
    fetched = false;
    return current;
  }
}
