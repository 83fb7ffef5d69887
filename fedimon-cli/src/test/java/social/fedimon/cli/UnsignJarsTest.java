package social.fedimon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnsignJarsTest {

  @Test
  void aSignedJarLosesItsSignatureAndDigestsAndKeepsEverythingElse(@TempDir Path dir)
      throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Multi-Release"), "true");
    Attributes digestOnly = new Attributes();
    digestOnly.putValue("SHA-256-Digest", "AAAA");
    manifest.getEntries().put("a/A.class", digestOnly);
    Attributes sealed = new Attributes();
    sealed.putValue("SHA-256-Digest", "BBBB");
    sealed.putValue("Sealed", "true");
    manifest.getEntries().put("b/", sealed);
    Path jar = dir.resolve("lib.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream out = new ZipOutputStream(file)) {
      out.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
      manifest.write(out);
      put(out, "META-INF/BC2048KE.SF", "signature file");
      put(out, "META-INF/BC2048KE.DSA", "signature block");
      put(out, "a/A.class", "the bytes of a class");
      put(out, "META-INF/versions/9/a/A.class", "a newer class");
    }
    assertThat(UnsignJars.signed(jar)).isTrue();

    UnsignJars.main(new String[] {dir.toString()});

    assertThat(UnsignJars.signed(jar)).isFalse();
    try (JarFile unsigned = new JarFile(jar.toFile())) {
      assertThat(unsigned.stream().map(ZipEntry::getName))
          .containsExactly(JarFile.MANIFEST_NAME, "a/A.class", "META-INF/versions/9/a/A.class");
      assertThat(
              new String(
                  unsigned.getInputStream(unsigned.getEntry("a/A.class")).readAllBytes(),
                  StandardCharsets.UTF_8))
          .isEqualTo("the bytes of a class");
      Manifest left = unsigned.getManifest();
      assertThat(left.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
      assertThat(left.getEntries()).containsOnlyKeys("b/");
      assertThat(left.getAttributes("b/").getValue("Sealed")).isEqualTo("true");
      assertThat(left.getAttributes("b/").getValue("SHA-256-Digest")).isNull();
    }
    assertThat(dir.toFile().list()).as("no temporary file left").containsExactly("lib.jar");
  }

  private static void put(ZipOutputStream out, String name, String content) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    out.write(content.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }
}
