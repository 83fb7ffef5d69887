package social.fedimon.server.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Where the master key comes from: configuration, or a file the embedded default generates. */
public final class MasterKey {

  private MasterKey() {}

  /** Decodes a configured key: base64 of {@value SecretBox#KEY_BYTES} bytes. */
  public static byte[] decode(String configured) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(configured.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("FEDIMON_MASTER_KEY is not valid base64");
    }
    if (key.length != SecretBox.KEY_BYTES) {
      throw new IllegalArgumentException(
          "FEDIMON_MASTER_KEY must be base64 of "
              + SecretBox.KEY_BYTES
              + " bytes (openssl rand -base64 32), not "
              + key.length);
    }
    return key;
  }

  /** Reads the key file, generating it (readable by its owner only) on first use. */
  public static byte[] fromFile(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[SecretBox.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
        } catch (FileAlreadyExistsException raced) {
          // another start created it first: read theirs
        }
      }
      return decode(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or create the master key " + file, e);
    }
  }

  /** The configured key, else the file's when the database is ours too, else an error. */
  public static byte[] resolve(@Nullable String configured, boolean embeddedDatabase, Path file) {
    if (configured != null && !configured.isBlank()) {
      return decode(configured);
    }
    if (!embeddedDatabase) {
      throw new IllegalStateException(
          "FEDIMON_MASTER_KEY is required with an external database: every server node must seal"
              + " and open secrets with the same key (generate one with: openssl rand -base64 32)");
    }
    return fromFile(file);
  }
}
