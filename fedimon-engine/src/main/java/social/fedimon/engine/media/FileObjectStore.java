package social.fedimon.engine.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * An {@link ObjectStore} in a local folder: the key {@code a/b/c.png} is the file {@code
 * root/a/b/c.png}. Writes go to a temporary file first and are moved into place, so a reader never
 * sees half an object.
 */
public final class FileObjectStore implements ObjectStore {

  private final Path root;

  public FileObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public void put(String key, byte[] bytes, String contentType) {
    write(key, temp -> Files.write(temp, bytes));
  }

  @Override
  public void put(String key, Path file, String contentType) {
    write(key, temp -> Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING));
  }

  @Override
  public void put(
      String key,
      InputStream content,
      long length,
      String contentType,
      java.util.Map<String, String> metadata) {
    write(
        key,
        temp -> {
          try (java.io.OutputStream out = Files.newOutputStream(temp)) {
            long copied = content.transferTo(out);
            if (copied != length) {
              throw new IOException("expected " + length + " bytes for " + key + ", got " + copied);
            }
          }
        });
  }

  /**
   * A multipart upload whose parts wait on disk, each a {@code .tmp} file beside the object (left
   * out of listings), until {@link Upload#complete()} joins them in order: an upload of hundreds of
   * gigabytes holds no part in memory.
   */
  @Override
  public Upload startUpload(
      String key, String contentType, java.util.Map<String, String> metadata) {
    Path folder = resolve(key).getParent();
    java.util.concurrent.ConcurrentSkipListMap<Integer, Path> parts =
        new java.util.concurrent.ConcurrentSkipListMap<>();
    return new Upload() {
      @Override
      public void part(int number, byte[] bytes, int length) {
        try {
          Files.createDirectories(folder);
          Path part = Files.createTempFile(folder, ".part-" + number + "-", ".tmp");
          try (java.io.OutputStream out = Files.newOutputStream(part)) {
            out.write(bytes, 0, length);
          }
          Path replaced = parts.put(number, part);
          if (replaced != null) {
            Files.deleteIfExists(replaced);
          }
        } catch (IOException e) {
          throw new ObjectStoreException(
              location(), "could not store part " + number + " of " + key, e);
        }
      }

      @Override
      public void complete() {
        try {
          write(
              key,
              temp -> {
                try (java.io.OutputStream out = Files.newOutputStream(temp)) {
                  for (Path part : parts.values()) {
                    Files.copy(part, out);
                  }
                }
              });
        } finally {
          abort();
        }
      }

      @Override
      public void abort() {
        for (Path part : parts.values()) {
          try {
            Files.deleteIfExists(part);
          } catch (IOException e) {
            throw new ObjectStoreException(location(), "could not remove a part of " + key, e);
          }
        }
        parts.clear();
      }
    };
  }

  @Override
  public java.util.stream.Stream<StoredObject> list(String prefix) {
    Path start = prefix.isEmpty() ? root : root.resolve(prefix);
    if (!Files.isDirectory(start)) {
      return java.util.stream.Stream.empty();
    }
    SortedWalk walk = new SortedWalk(start);
    return java.util.stream.StreamSupport.stream(
            java.util.Spliterators.spliteratorUnknownSize(
                walk, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL),
            false)
        .onClose(walk::close);
  }

  /**
   * The regular files under a folder, in the order of their keys, found one folder at a time: it
   * holds only the listings of the folders on the current path and of those listed ahead (a media
   * tree of ten million files is never in memory at once) and reads each file's attributes once. A
   * folder's entries are sorted as keys sort: a subfolder by its name and a slash, since every key
   * below it continues so. Links, devices and {@code .tmp} files (this store's writes in progress)
   * are left out.
   *
   * <p>Folders are listed ahead, in walk order, by a few threads: a walk is a system call per entry
   * and Mastodon gives every file folders of its own ({@code 000/000/001/original/}), so listing is
   * most of a sync where little changed (the cut-over's), and a single thread leaves the other
   * cores idle. A folder the walk reaches before any thread took it is listed by the walk itself.
   */
  private final class SortedWalk extends Lookahead<StoredObject> implements AutoCloseable {
    /** Entries listed ahead and not yet walked, at most (past it, folders are not listed ahead). */
    private static final int AHEAD = 50_000;

    private static final class Child {
      final Path path;
      final String sortKey;
      final BasicFileAttributes attributes;
      // a folder's listing ahead; set before the listing holding this child is handed out
      @org.jspecify.annotations.Nullable Ahead ahead;

      Child(Path path, String sortKey, BasicFileAttributes attributes) {
        this.path = path;
        this.sortKey = sortKey;
        this.attributes = attributes;
      }
    }

    /** A folder to list ahead: done by whoever claims it first, a thread or the walk itself. */
    private final class Ahead implements Runnable {
      final Path folder;
      final java.util.concurrent.atomic.AtomicBoolean claimed =
          new java.util.concurrent.atomic.AtomicBoolean();
      final java.util.concurrent.CompletableFuture<java.util.List<Child>> listing =
          new java.util.concurrent.CompletableFuture<>();

      Ahead(Path folder) {
        this.folder = folder;
      }

      @Override
      public void run() {
        if (!claimed.compareAndSet(false, true)) {
          return; // the walk got there first and listed it itself
        }
        try {
          java.util.List<Child> listed = list(folder);
          held.addAndGet(listed.size());
          lookAhead(listed);
          listing.complete(listed);
        } catch (RuntimeException | Error e) {
          listing.completeExceptionally(e);
        }
      }
    }

    /** A queue that hands out the newest task first: folders are pushed last first. */
    private static final class Newest extends java.util.concurrent.LinkedBlockingDeque<Runnable> {
      @Override
      public boolean offer(Runnable task) {
        return offerFirst(task);
      }
    }

    private final java.util.ArrayDeque<java.util.Iterator<Child>> folders =
        new java.util.ArrayDeque<>();
    private final java.util.concurrent.ThreadPoolExecutor ahead;
    private final java.util.concurrent.atomic.AtomicInteger held =
        new java.util.concurrent.atomic.AtomicInteger();

    SortedWalk(Path start) {
      int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
      this.ahead =
          new java.util.concurrent.ThreadPoolExecutor(
              threads,
              threads,
              0,
              java.util.concurrent.TimeUnit.MILLISECONDS,
              new Newest(),
              r -> {
                Thread thread = new Thread(r, "fedimon-walk");
                thread.setDaemon(true);
                return thread;
              });
      // started now, so that every task goes through the queue (a pool short of threads hands a
      // new task to a new thread directly, out of the queue's order)
      ahead.prestartAllCoreThreads();
      try {
        folders.push(listAndLookAhead(start).iterator());
      } catch (RuntimeException e) {
        ahead.shutdownNow();
        throw e;
      }
    }

    private java.util.List<Child> list(Path folder) {
      java.util.List<Child> children = new java.util.ArrayList<>();
      try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
        for (Path path : entries) {
          BasicFileAttributes attributes =
              Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          String name = path.getFileName().toString();
          if (attributes.isDirectory()) {
            children.add(new Child(path, name + "/", attributes));
          } else if (attributes.isRegularFile() && !name.endsWith(".tmp")) {
            children.add(new Child(path, name, attributes));
          }
        }
      } catch (IOException e) {
        throw new ObjectStoreException(location(), "could not list " + root.relativize(folder), e);
      }
      children.sort(java.util.Comparator.comparing(c -> c.sortKey));
      return children;
    }

    private java.util.List<Child> listAndLookAhead(Path folder) {
      java.util.List<Child> children = list(folder);
      lookAhead(children);
      return children;
    }

    /** Queues the listing of the subfolders of {@code children}, the first on top. */
    private void lookAhead(java.util.List<Child> children) {
      for (int i = children.size() - 1; i >= 0; i--) {
        Child child = children.get(i);
        if (!child.attributes.isDirectory() || held.get() >= AHEAD || ahead.isShutdown()) {
          continue;
        }
        Ahead task = new Ahead(child.path);
        child.ahead = task;
        try {
          ahead.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
          child.ahead = null; // the walk ended meanwhile
        }
      }
    }

    private java.util.List<Child> enter(Child folder) {
      Ahead task = folder.ahead;
      folder.ahead = null;
      // not taken by a thread yet: listed here rather than waited for
      if (task == null || task.claimed.compareAndSet(false, true)) {
        return listAndLookAhead(folder.path);
      }
      java.util.List<Child> children = Futures.join(task.listing);
      held.addAndGet(-children.size());
      return children;
    }

    @Override
    protected @org.jspecify.annotations.Nullable StoredObject fetch() {
      while (!folders.isEmpty()) {
        java.util.Iterator<Child> folder = folders.peek();
        if (!folder.hasNext()) {
          folders.pop();
          continue;
        }
        Child child = folder.next();
        if (child.attributes.isDirectory()) {
          folders.push(enter(child).iterator());
          continue;
        }
        return new StoredObject(
            root.relativize(child.path).toString().replace('\\', '/'),
            child.attributes.size(),
            null,
            java.util.Map.of(),
            child.attributes.lastModifiedTime().toInstant());
      }
      close();
      return null;
    }

    @Override
    public void close() {
      ahead.shutdownNow();
    }
  }

  @Override
  public Optional<StoredObject> head(String key) {
    Path path = resolve(key);
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(new StoredObject(key, attributes.size(), null));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ObjectStoreException(location(), "could not look up " + key, e);
    }
  }

  @Override
  public InputStream open(String key) {
    Path path = resolve(key);
    try {
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new ObjectStoreException.NotFound(location(), key);
      }
      return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ObjectStoreException.NotFound(location(), key);
    } catch (IOException e) {
      throw new ObjectStoreException(location(), "could not read " + key, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      Files.deleteIfExists(resolve(key));
    } catch (IOException e) {
      throw new ObjectStoreException(location(), "could not delete " + key, e);
    }
  }

  @Override
  public void checkReachable() {
    if (!Files.isDirectory(root)) {
      throw new ObjectStoreException(location(), "the folder does not exist");
    }
  }

  @Override
  public String location() {
    return root.toUri().toString();
  }

  @Override
  public void close() {}

  private Path resolve(String key) {
    Path path = root.resolve(ObjectKeys.check(key)).normalize();
    if (!path.startsWith(root)) {
      throw new IllegalArgumentException("object key escapes the store: " + key);
    }
    return path;
  }

  private interface Writer {
    void writeTo(Path temp) throws IOException;
  }

  private void write(String key, Writer writer) {
    Path target = resolve(key);
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      temp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
      writer.writeTo(temp);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ObjectStoreException(location(), "could not store " + key, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
