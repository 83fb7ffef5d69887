package social.fedimon.server.migration;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.media.ObjectStore;

/**
 * An archive in the platform's object store, read as a stream as often as the engine needs (each
 * read a GET of its own); zip and 7z are spooled by the engine as for standard input.
 */
final class StoredArchive implements Source {

  private final ObjectStore store;
  private final String key;
  private final long size;

  StoredArchive(ObjectStore store, String key, long size) {
    this.store = store;
    this.key = key;
    this.size = size;
  }

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public InputStream open() {
    return store.open(key);
  }

  @Override
  public Optional<Path> file() {
    return Optional.empty();
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(size);
  }
}
