package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.ArchiveEntry;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.ArchiveReader;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.testing.Inspections;
import social.fedimon.engine.testing.TarBuilder;

/**
 * Files in the media tree are the instance's data as they are: a user's archive takeout (a zip), a
 * gzip attachment, or random bytes that look like an OpenPGP packet are never opened as layers.
 */
class MediaEntriesTest {

  private static final String SYSTEM = "live/public/system/";
  private static final String TAKEOUT =
      SYSTEM + "backups/dumps/000/000/001/original/archive-20260101.zip";
  private static final String GZIPPED =
      SYSTEM + "media_attachments/files/000/000/001/original/notes.gz";
  private static final String LOOKALIKE =
      SYSTEM + "media_attachments/files/000/000/764/original/764.jpg";

  @TempDir Path dir;

  @Test
  void mediaFilesAreDeliveredAsTheyAreAndCountedAsMedia() throws IOException {
    Map<String, byte[]> media = new LinkedHashMap<>();
    media.put(TAKEOUT, zip("outbox.json", "{\"orderedItems\": []}"));
    media.put(GZIPPED, gzip("hello"));
    // the first bytes of a random media file that the OpenPGP sniffing once took for a layer
    byte[] lookalike = new byte[4000];
    new java.util.Random(764).nextBytes(lookalike);
    System.arraycopy(
        new byte[] {(byte) 0x8c, (byte) 0xc0, 0x04, 0x76, (byte) 0xf1, 0x5d}, 0, lookalike, 0, 6);
    media.put(LOOKALIKE, lookalike);
    TarBuilder tar = new TarBuilder().file("live/.env.production", "LOCAL_DOMAIN=example.social\n");
    media.forEach(tar::file);
    Path archive = dir.resolve("backup.tar");
    Files.write(archive, tar.build());

    Map<String, byte[]> delivered = new LinkedHashMap<>();
    new ArchiveReader(ArchiveLimits.DEFAULTS, Secrets.none())
        .read(
            Source.of(archive),
            // what intake's visitors are: media files are theirs to take as they are
            new MediaAware() {
              @Override
              public void file(ArchiveEntry entry, InputStream content) throws IOException {
                delivered.put(entry.name(), content.readAllBytes());
              }

              @Override
              public void problem(Problem problem) {}
            },
            n -> {});
    Report report = Inspections.inspect(archive);

    assertThat(delivered.keySet()).containsAll(media.keySet());
    media.forEach((name, bytes) -> assertThat(delivered.get(name)).as(name).isEqualTo(bytes));
    assertThat(Inspections.codes(report)).doesNotContain("secret-required", "corrupt");
    assertThat(report.layers()).containsExactly("tar");
    assertThat(report.media().files()).isEqualTo(3);
    assertThat(report.media().byCategory()).containsKeys("backups", "media_attachments");
  }

  private static byte[] zip(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
