package social.fedimon.engine.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.pgpainless.PGPainless;

/**
 * What the admin gave us to open encrypted layers: passwords (tried on every layer that takes one:
 * zip, 7z, OpenPGP symmetric, age scrypt, locked OpenPGP keys), age identities (X25519 and hybrid
 * post-quantum) and OpenPGP secret keys. Never printed.
 */
public final class Secrets {

  /** A password or identity file bigger than this is not one: refuse before reading it all. */
  public static final long MAX_SECRET_FILE_BYTES = 1 << 20;

  // X25519 identities are AGE-SECRET-KEY-1..., age 1.3's hybrid ones AGE-SECRET-KEY-PQ-1...
  private static final String AGE_IDENTITY_PREFIX = "AGE-SECRET-KEY-";

  private final List<String> passwords;
  private final List<String> ageIdentities;
  private final List<PGPSecretKeyRing> pgpKeys;

  public Secrets(
      List<String> passwords, List<String> ageIdentities, List<PGPSecretKeyRing> pgpKeys) {
    this.passwords = List.copyOf(passwords);
    this.ageIdentities = List.copyOf(ageIdentities);
    this.pgpKeys = List.copyOf(pgpKeys);
  }

  public static Secrets none() {
    return new Secrets(List.of(), List.of(), List.of());
  }

  /**
   * Reads the CLI's secrets: passwords as given, password files (their first line, UTF-8, without
   * its line ending), identity files (age identities or an OpenPGP secret key, armored or binary).
   *
   * @throws IllegalArgumentException naming the file when one cannot be used
   */
  public static Secrets load(
      List<String> passwords, List<Path> passwordFiles, List<Path> identityFiles) {
    List<String> allPasswords = new ArrayList<>(passwords);
    for (Path file : passwordFiles) {
      allPasswords.add(firstLine(file));
    }
    List<String> age = new ArrayList<>();
    List<PGPSecretKeyRing> pgp = new ArrayList<>();
    for (Path file : identityFiles) {
      identity(file.toString(), readSmall(file), age, pgp);
    }
    return new Secrets(allPasswords, age, pgp);
  }

  public List<String> passwords() {
    return passwords;
  }

  public List<String> ageIdentities() {
    return ageIdentities;
  }

  public List<PGPSecretKeyRing> pgpKeys() {
    return pgpKeys;
  }

  public boolean isEmpty() {
    return passwords.isEmpty() && ageIdentities.isEmpty() && pgpKeys.isEmpty();
  }

  @Override
  public String toString() {
    return "Secrets["
        + passwords.size()
        + " passwords, "
        + ageIdentities.size()
        + " age identities, "
        + pgpKeys.size()
        + " OpenPGP keys]";
  }

  /**
   * Secrets given as text (the server's API): passwords as they are, identities as the contents of
   * identity files (an age identity, or an OpenPGP secret key, armored).
   *
   * @throws IllegalArgumentException naming the identity (by its position) when one is unusable
   */
  public static Secrets of(List<String> passwords, List<String> identities) {
    List<String> age = new ArrayList<>();
    List<PGPSecretKeyRing> pgp = new ArrayList<>();
    for (int i = 0; i < identities.size(); i++) {
      byte[] bytes = identities.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (bytes.length > MAX_SECRET_FILE_BYTES) {
        throw new IllegalArgumentException("identity " + (i + 1) + " is over 1 MiB");
      }
      identity("identity " + (i + 1), bytes, age, pgp);
    }
    return new Secrets(passwords, age, pgp);
  }

  private static void identity(
      String label, byte[] bytes, List<String> age, List<PGPSecretKeyRing> pgp) {
    List<String> identities = ageIdentities(bytes);
    if (!identities.isEmpty()) {
      for (String identity : identities) {
        try {
          AgeIdentity.parse(identity);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(label + ": " + e.getMessage());
        }
      }
      age.addAll(identities);
      return;
    }
    List<PGPSecretKeyRing> keys = pgpSecretKeys(bytes);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          label
              + " holds neither an age identity (AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1...) nor an"
              + " OpenPGP secret key");
    }
    pgp.addAll(keys);
  }

  private static String firstLine(Path file) {
    byte[] bytes = readSmall(file);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("password file " + file + " is not UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static byte[] readSmall(Path file) {
    try {
      if (Files.size(file) > MAX_SECRET_FILE_BYTES) {
        throw new IllegalArgumentException(file + " is too big to be a password or key file");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  private static List<String> ageIdentities(byte[] bytes) {
    List<String> identities = new ArrayList<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.startsWith(AGE_IDENTITY_PREFIX)) {
        identities.add(trimmed);
      }
    }
    return identities;
  }

  private static List<PGPSecretKeyRing> pgpSecretKeys(byte[] bytes) {
    PgpProvider.install();
    try {
      PGPSecretKeyRingCollection collection =
          PGPainless.readKeyRing().secretKeyRingCollection(new ByteArrayInputStream(bytes));
      List<PGPSecretKeyRing> keys = new ArrayList<>();
      collection.forEach(keys::add);
      return keys;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
