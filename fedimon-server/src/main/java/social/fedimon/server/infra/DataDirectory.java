package social.fedimon.server.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The folder the embedded defaults keep their data in ({@code var/} unless configured), held under
 * an exclusive lock for as long as the server runs, so that a second server on the same folder
 * stops before it touches anything.
 */
public final class DataDirectory implements AutoCloseable {

  private static final String LOCK_FILE = "fedimon.lock";

  private final Path root;
  private final @Nullable FileChannel lockChannel;
  private final @Nullable FileLock lock;

  private DataDirectory(Path root, @Nullable FileChannel lockChannel, @Nullable FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the folder if needed and locks it.
   *
   * @throws DataDirectoryInUse when another live process holds the lock
   */
  public static DataDirectory lock(Path configured) {
    Path root = configured.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      FileChannel channel =
          FileChannel.open(
              root.resolve(LOCK_FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = readHolder(channel);
        channel.close();
        throw new DataDirectoryInUse(root, holder);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
          0);
      channel.force(false);
      return new DataDirectory(root, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare the data folder " + root, e);
    }
  }

  /** A data folder that nothing embedded uses: no lock is taken. */
  public static DataDirectory unlocked(Path configured) {
    return new DataDirectory(configured.toAbsolutePath().normalize(), null, null);
  }

  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
  }

  /** The folder itself, absolute. */
  public Path root() {
    return root;
  }

  /** A sub-folder, created when missing. */
  public Path folder(String name) {
    Path folder = root.resolve(name);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + folder, e);
    }
    return folder;
  }

  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
