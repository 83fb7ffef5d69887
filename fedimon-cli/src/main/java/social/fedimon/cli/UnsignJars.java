package social.fedimon.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Removes the signatures from the signed jars of an extracted launcher folder (Bouncy Castle's
 * three), once, when {@code bin/fedimon} extracts the jar. Uses nothing but the JDK.
 *
 * <p>Why: the JVM verifies every class it loads from a signed jar against the jar's digests (the
 * manifest of Bouncy Castle's provider alone is 700 KB to parse), and never puts such classes into
 * a class-data archive. An inspect of an OpenPGP archive loaded ~500 classes that way: 4.48-4.51 s
 * against 3.85-3.99 s unsigned. The signatures exist for Oracle's JDK, which accepts only signed
 * cryptographic providers; OpenJDK does not check them, and FédiMon's own provider ({@code
 * PgpProvider}, which hands Bouncy Castle's algorithms to the JCE) was never signed anyway. The
 * jars' contents are unchanged; only {@code META-INF/*.SF}, their signature blocks and the
 * manifest's digests go.
 */
public final class UnsignJars {

  private static final Pattern SIGNATURE =
      Pattern.compile("META-INF/[^/]+\\.(SF|DSA|RSA|EC)", Pattern.CASE_INSENSITIVE);

  private UnsignJars() {}

  /** {@code UnsignJars FOLDER}: every signed jar directly in FOLDER is rewritten unsigned. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: UnsignJars FOLDER");
      System.exit(2);
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
      for (Path jar : jars) {
        if (signed(jar)) {
          unsign(jar);
        }
      }
    }
  }

  static boolean signed(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().anyMatch(e -> SIGNATURE.matcher(e.getName()).matches());
    }
  }

  /** Rewrites {@code jar} without its signature files, through a temporary file beside it. */
  static void unsign(Path jar) throws IOException {
    Path temporary = jar.resolveSibling(jar.getFileName() + ".unsigned.tmp");
    try (ZipFile zip = new ZipFile(jar.toFile());
        OutputStream file = Files.newOutputStream(temporary);
        ZipOutputStream out = new ZipOutputStream(file)) {
      out.setLevel(Deflater.BEST_SPEED);
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (SIGNATURE.matcher(name).matches()) {
          continue;
        }
        ZipEntry copy = new ZipEntry(name);
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
          withoutDigests(zip, entry).write(out);
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            in.transferTo(out);
          }
        }
        out.closeEntry();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The manifest without the signature's digests: the main attributes, and the per-entry sections
   * that hold anything else (a sealed package, say).
   */
  private static Manifest withoutDigests(ZipFile zip, ZipEntry entry) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      Manifest manifest = new Manifest(in);
      manifest
          .getEntries()
          .values()
          .forEach(
              attributes ->
                  attributes
                      .keySet()
                      .removeIf(
                          name -> name.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST")));
      manifest.getEntries().values().removeIf(Attributes::isEmpty);
      if (manifest.getMainAttributes().getValue(Attributes.Name.MANIFEST_VERSION) == null) {
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      }
      return manifest;
    }
  }
}
