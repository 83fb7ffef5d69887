package social.fedimon.server.migration;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.api.ApiException;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;

/**
 * An archive streamed in (the API's PUT): straight into the object store in parts, its SHA-256
 * computed on the way; nothing touches the server's disk. A previous archive is deleted once the
 * new one is complete; a broken upload leaves the previous one in place.
 */
@Component
public class BackupUploads {

  /** Parts of 16 MiB, then of 128 MiB past 2,000 parts (S3 takes 10,000 at most): up to 1 TiB. */
  static final int PART = 16 << 20;

  static final int BIG_PART = 128 << 20;
  static final int PARTS_BEFORE_BIG = 2000;

  private final ObjectStore store;
  private final InstanceStore instances;
  private final long maxBytes;

  BackupUploads(
      ObjectStore store,
      InstanceStore instances,
      @Value("${fedimon.backup.max-bytes:1099511627776}") long maxBytes) {
    this.store = store;
    this.instances = instances;
    this.maxBytes = maxBytes;
  }

  public void receive(Instance instance, InputStream body, long declaredLength) throws IOException {
    if (declaredLength > maxBytes) {
      throw tooBig();
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String key = MigrateIn.backupKey(instance.id());
    InputStream in = new DigestInputStream(body, sha);
    ObjectStore.Upload upload =
        store.startUpload(
            key, "application/octet-stream", Map.of("instance", instance.id().toString()));
    long total = 0;
    int number = 0;
    try {
      while (true) {
        int size = number < PARTS_BEFORE_BIG ? PART : BIG_PART;
        byte[] part = in.readNBytes(size);
        if (part.length == 0 && number > 0) {
          break;
        }
        total += part.length;
        if (total > maxBytes) {
          throw tooBig();
        }
        upload.part(++number, part, part.length);
        if (part.length < size) {
          break;
        }
      }
      if (total == 0) {
        throw ApiException.invalid("the body is empty: send the archive as the request's body");
      }
      upload.complete();
    } catch (IOException | RuntimeException e) {
      upload.abort();
      throw e;
    }
    String previous =
        instances.backupReceived(instance.id(), key, total, HexFormat.of().formatHex(sha.digest()));
    instances.backupUrl(instance.id(), null);
    if (previous != null && !previous.equals(key)) {
      StoredArchive.delete(store, previous);
    }
  }

  /** Deletes the archive received and forgets it. */
  public void forget(Instance instance) {
    if (instance.backupKey() != null) {
      StoredArchive.delete(store, instance.backupKey());
    }
    instances.forgetBackup(instance.id());
  }

  private ApiException tooBig() {
    return new ApiException(
        HttpStatus.PAYLOAD_TOO_LARGE,
        "size-limit",
        "the archive is over the " + maxBytes + " bytes this platform takes");
  }
}
