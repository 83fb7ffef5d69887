package social.fedimon.server.migration;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;

/**
 * A backup sent from the browser in chunks (each a PUT of its own, retried or resumed freely): the
 * chunks are objects under the upload's prefix, and once all are in, that prefix is the instance's
 * archive ({@link StoredArchive} reads the chunks in a row). The store says which chunks arrived,
 * so an upload resumes after a reload, on any node.
 */
@Service
public class ChunkedUploads {

  private static final String PREFIX = "uploads/";

  /** An upload and the chunks received so far. */
  public record Status(
      UUID id, String name, long size, int chunkSize, int chunks, List<Integer> received) {}

  /** A request this upload cannot take: its words say why. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private final ObjectStore store;
  private final InstanceStore instances;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final int chunkSize;
  private final long maxBytes;

  ChunkedUploads(
      ObjectStore store,
      InstanceStore instances,
      JdbcClient jdbc,
      Clock clock,
      @Value("${fedimon.backup.upload-chunk-bytes:16777216}") int chunkSize,
      @Value("${fedimon.backup.max-bytes:1099511627776}") long maxBytes) {
    this.store = store;
    this.instances = instances;
    this.jdbc = jdbc;
    this.clock = clock;
    this.chunkSize = chunkSize;
    this.maxBytes = maxBytes;
  }

  static boolean isChunked(String key) {
    return key.startsWith(PREFIX) && key.endsWith("/");
  }

  /** The chunk size an upload's key says. */
  static int chunkSize(String key) {
    String last = key.substring(0, key.length() - 1);
    return Integer.parseInt(last.substring(last.lastIndexOf("/chunks-") + "/chunks-".length()));
  }

  static int chunkCount(long size, int chunkSize) {
    return (int) ((size + chunkSize - 1) / chunkSize);
  }

  static String chunkKey(String prefix, int n) {
    return prefix + String.format("%08d", n);
  }

  private static String prefix(UUID instance, UUID upload, int chunkSize) {
    return PREFIX + instance + "/" + upload + "/chunks-" + chunkSize + "/";
  }

  /**
   * Starts an upload of {@code name} ({@code size} bytes), or finds the unfinished one of the same
   * file, to resume it.
   */
  public Status start(Instance instance, String name, long size) {
    if (size <= 0) {
      throw new Refused("the file is empty");
    }
    if (size > maxBytes) {
      throw new Refused("the file is larger than the " + maxBytes + " bytes a backup may have");
    }
    String clean = name.strip().isEmpty() ? "backup" : name.strip();
    if (clean.length() > 255) {
      clean = clean.substring(0, 255);
    }
    Optional<UUID> unfinished =
        jdbc.sql(
                "SELECT id FROM upload WHERE instance_id = :i AND name = :n AND size = :s"
                    + " AND chunk_size = :c AND completed_at IS NULL ORDER BY created_at DESC LIMIT 1")
            .param("i", instance.id())
            .param("n", clean)
            .param("s", size)
            .param("c", chunkSize)
            .query(UUID.class)
            .optional();
    UUID id = unfinished.orElseGet(UUID::randomUUID);
    if (unfinished.isEmpty()) {
      jdbc.sql(
              "INSERT INTO upload (id, instance_id, name, size, chunk_size, created_at)"
                  + " VALUES (:id, :i, :n, :s, :c, :now)")
          .param("id", id)
          .param("i", instance.id())
          .param("n", clean)
          .param("s", size)
          .param("c", chunkSize)
          .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
          .update();
    }
    return status(instance, id);
  }

  /** The upload's state; refused if it is not this instance's. */
  public Status status(Instance instance, UUID upload) {
    var row =
        jdbc.sql("SELECT name, size, chunk_size FROM upload WHERE id = :id AND instance_id = :i")
            .param("id", upload)
            .param("i", instance.id())
            .query()
            .listOfRows();
    if (row.isEmpty()) {
      throw new java.util.NoSuchElementException("no such upload");
    }
    long size = ((Number) row.get(0).get("size")).longValue();
    int chunk = ((Number) row.get(0).get("chunk_size")).intValue();
    String prefix = prefix(instance.id(), upload, chunk);
    TreeSet<Integer> received = new TreeSet<>();
    try (var objects = store.list(prefix)) {
      objects.forEach(
          object -> {
            String n = object.key().substring(prefix.length());
            if (n.matches("\\d{8}")) {
              int index = Integer.parseInt(n);
              if (object.size() == expected(size, chunk, index)) {
                received.add(index);
              }
            }
          });
    }
    return new Status(
        upload,
        String.valueOf(row.get(0).get("name")),
        size,
        chunk,
        chunkCount(size, chunk),
        List.copyOf(received));
  }

  /** Stores chunk {@code n}, which must have exactly its expected length. */
  public void chunk(Instance instance, UUID upload, int n, InputStream body) throws IOException {
    Status status = status(instance, upload);
    if (n < 0 || n >= status.chunks()) {
      throw new Refused("this upload has chunks 0 to " + (status.chunks() - 1));
    }
    int length = (int) expected(status.size(), status.chunkSize(), n);
    byte[] bytes = body.readNBytes(length + 1);
    if (bytes.length != length) {
      throw new Refused("chunk " + n + " must have " + length + " bytes, not " + bytes.length);
    }
    store.put(
        chunkKey(prefix(instance.id(), upload, status.chunkSize()), n),
        bytes,
        "application/octet-stream");
  }

  /**
   * Once every chunk is in: the upload becomes the instance's archive (its SHA-256 computed from
   * the chunks), the previous archive goes.
   */
  public Status complete(Instance instance, UUID upload) {
    Status status = status(instance, upload);
    if (status.received().size() != status.chunks()) {
      throw new Refused(
          (status.chunks() - status.received().size())
              + " of "
              + status.chunks()
              + " chunks are missing: send them, then complete");
    }
    String key = prefix(instance.id(), upload, status.chunkSize());
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in =
        new DigestInputStream(new StoredArchive(store, key, status.size()).open(), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String previous =
        instances.backupReceived(
            instance.id(), key, status.size(), HexFormat.of().formatHex(sha.digest()));
    instances.backupUrl(instance.id(), null);
    if (previous != null && !previous.equals(key)) {
      StoredArchive.delete(store, previous);
    }
    jdbc.sql("UPDATE upload SET completed_at = :now WHERE id = :id")
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .param("id", upload)
        .update();
    return status;
  }

  /** The unfinished upload of the instance, if one waits to be resumed. */
  public Optional<Status> unfinished(Instance instance) {
    return jdbc.sql(
            "SELECT id FROM upload WHERE instance_id = :i AND completed_at IS NULL"
                + " ORDER BY created_at DESC LIMIT 1")
        .param("i", instance.id())
        .query(UUID.class)
        .optional()
        .map(id -> status(instance, id));
  }

  private static long expected(long size, int chunk, int n) {
    long start = (long) n * chunk;
    return Math.min(chunk, size - start);
  }
}
