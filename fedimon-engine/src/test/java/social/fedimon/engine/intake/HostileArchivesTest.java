package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static social.fedimon.engine.testing.Inspections.codes;
import static social.fedimon.engine.testing.Inspections.inspect;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.TarBuilder;
import social.fedimon.engine.testing.Tools;
import social.fedimon.engine.testing.ZipBuilder;

/**
 * Archives written byte by byte to do what honest archivers never do. Each is refused with its
 * problem code, names the entry, and leaves nothing behind anywhere.
 */
class HostileArchivesTest {

  /** Small limits, so that bombs trip in milliseconds; the benchmark uses the defaults. */
  static final ArchiveLimits SMALL =
      ArchiveLimits.DEFAULTS.withMaxExpandedBytes(256L << 20).withRatio(100, 16L << 20);

  @TempDir Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../evil.txt",
        "/etc/cron.d/evil",
        "a/../../evil.txt",
        "C:\\Windows\\evil.txt",
        "C:evil.txt",
        "..\\..\\evil.txt",
        "media/.../evil.txt",
        "ok/.. /evil.txt"
      })
  void refusesEveryTraversalSpellingInATarAndReadsTheRest(String name) throws IOException {
    Path tar =
        write(
            "t.tar",
            new TarBuilder().file(name, "pwned").file(".env.production", InstanceTree.ENV).build());

    Report report = inspect(tar);

    assertThat(report.problems())
        .filteredOn(p -> p.code().equals("path-traversal"))
        .singleElement()
        .satisfies(p -> assertThat(p.entry()).isEqualTo(name));
    assertThat(report.env()).as("the honest entry is still read").isNotNull();
    assertThat(report.verdict()).isEqualTo("rejected");
    assertNothingWrittenNextTo(tar);
  }

  @Test
  void refusesTraversalInAZip() throws IOException {
    Path zip =
        write(
            "t.zip",
            new ZipBuilder()
                .stored("../../evil.txt", "pwned".getBytes(StandardCharsets.UTF_8))
                .stored("/abs.txt", "pwned".getBytes(StandardCharsets.UTF_8))
                .stored(".env.production", InstanceTree.ENV.getBytes(StandardCharsets.UTF_8))
                .build());

    Report report = inspect(zip);

    assertThat(report.problems())
        .filteredOn(p -> p.code().equals("path-traversal"))
        .extracting(Report.ProblemView::entry)
        .containsExactly("../../evil.txt", "/abs.txt");
    assertThat(report.env()).isNotNull();
    assertNothingWrittenNextTo(zip);
  }

  @Test
  void refusesAbsoluteNamesInA7z() throws IOException {
    Tools.require("7zz");
    Files.writeString(dir.resolve("secret.txt"), "x");
    Tools.sh(dir, "7zz a -spf abs.7z " + dir.resolve("secret.txt") + " > /dev/null");

    Report report = inspect(dir.resolve("abs.7z"));

    assertThat(codes(report)).contains("path-traversal");
    assertThat(report.problems().get(0).entry()).startsWith("/");
  }

  @Test
  void neverFollowsASymlinkNorWritesThroughIt() throws IOException {
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Path tar =
        write(
            "t.tar",
            new TarBuilder()
                .symlink("live/public", outside.toString())
                .file("live/public/system/x.txt", "through the link")
                .hardlink("live/passwd", "/etc/passwd")
                .build());

    Report report = inspect(tar);

    assertThat(report.problems())
        .filteredOn(p -> p.code().equals("link-entry"))
        .extracting(Report.ProblemView::entry)
        .containsExactly("live/public", "live/passwd");
    assertThat(outside).isEmptyDirectory();
    assertThat(report.verdict()).isEqualTo("rejected");
  }

  @Test
  void refusesSymlinksInAZip() throws IOException {
    Path zip =
        write(
            "l.zip",
            new ZipBuilder()
                .stored("link", "/etc/passwd".getBytes(StandardCharsets.UTF_8), 0120777)
                .build());

    assertThat(codes(inspect(zip))).contains("link-entry");
  }

  @Test
  void refusesDevicesAndFifos() throws IOException {
    Path tar = write("s.tar", new TarBuilder().fifo("pipe").characterDevice("dev/null").build());

    assertThat(codes(inspect(tar))).containsSubsequence("special-entry", "special-entry");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "bzip2", "xz", "zstd"})
  void stopsADecompressionBombAtTheRatioLimit(String codec) throws IOException {
    byte[] member = compress(codec, new byte[16 << 20]);
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    for (int i = 0; i < 1280; i++) { // 20 GiB once expanded
      bomb.writeBytes(member);
    }
    Path file = write("bomb." + codec, bomb.toByteArray());

    Report report = inspect(file, Secrets.none(), SMALL);

    assertThat(codes(report)).containsExactly("size-limit");
    assertThat(report.problems().get(0).message()).contains("expands");
    assertThat(report.layers()).containsExactly(codec);
  }

  @Test
  void stopsABombInsideAnArchiveAtTheTotalLimit() throws IOException {
    byte[] zeros = new byte[200 << 20];
    Path tarZst = dir.resolve("b.tar.zst");
    try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(tarZst), 3)) {
      TarBuilder tar = new TarBuilder();
      for (int i = 0; i < 2; i++) {
        tar.file("zeros" + i, zeros);
      }
      out.write(tar.build());
    }
    ArchiveLimits tight = ArchiveLimits.DEFAULTS.withMaxExpandedBytes(300L << 20);

    Report report = inspect(tarZst, Secrets.none(), tight);

    assertThat(codes(report)).containsExactly("size-limit");
  }

  @Test
  void refusesZipEntriesThatShareTheirData() throws IOException {
    byte[] data = new byte[1000];
    Path zip =
        write(
            "overlap.zip",
            new ZipBuilder().stored("a.bin", data).alias("b.bin", "a.bin", data).build());

    Report report = inspect(zip);

    assertThat(codes(report)).containsExactly("corrupt");
    assertThat(report.problems().get(0).message()).contains("overlap");
  }

  @Test
  void stopsAnEntryCountBomb() throws IOException {
    TarBuilder tar = new TarBuilder();
    for (int i = 0; i <= 1000; i++) {
      tar.file("f" + i, new byte[0]);
    }
    Path file = write("many.tar", tar.build());

    Report report = inspect(file, Secrets.none(), ArchiveLimits.DEFAULTS.withMaxEntries(1000));

    assertThat(codes(report)).containsExactly("size-limit");
    assertThat(report.problems().get(0).message()).contains("1000 entries");
  }

  @Test
  void refusesAGiantPaxHeaderBeforeReadingIt() throws IOException {
    byte[] small = "30 path=aaaaaaaaaaaaaaaaaaaaa\n".getBytes(StandardCharsets.UTF_8);
    Path tar =
        write(
            "pax.tar",
            new TarBuilder()
                .entry("PaxHeaders/x", 'x', 3L << 30, small, "")
                .file("a", "b")
                .build());

    Report report = inspect(tar);

    assertThat(codes(report)).containsExactly("size-limit");
    assertThat(report.problems().get(0).message()).contains("extended (pax) header");
  }

  @Test
  void refusesGiantNamesButReadsTheRest() throws IOException {
    String longName = "a/".repeat(2100) + "x";
    Path tar =
        write(
            "long.tar",
            new TarBuilder()
                .pax("path=" + longName)
                .file("placeholder", "x")
                .file(".env.production", InstanceTree.ENV)
                .build());

    Report report = inspect(tar);

    assertThat(codes(report)).contains("size-limit");
    assertThat(report.env()).isNotNull();
  }

  @Test
  void stopsLayersNestedPastTheDepthLimit() throws IOException {
    byte[] bytes = "just text".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 12; i++) {
      bytes = compress("gzip", bytes);
    }
    Report report = inspect(write("deep.gz", bytes));

    assertThat(codes(report)).containsExactly("size-limit");
    assertThat(report.problems().get(0).message()).contains("deeper");
  }

  @Test
  void leavesNoSpoolFileBehindAfterAZipFromAStream() throws IOException {
    Path zip =
        write(
            "s.zip",
            new ZipBuilder().stored("a.txt", "x".getBytes(StandardCharsets.UTF_8)).build());
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = fedimonTempFolders(tmp);

    try (var in = Files.newInputStream(zip)) {
      new Inspector(ArchiveLimits.DEFAULTS)
          .inspect(social.fedimon.engine.archive.Source.of("-", in), Secrets.none(), b -> {});
    }

    assertThat(fedimonTempFolders(tmp)).isEqualTo(before);
  }

  private static long fedimonTempFolders(Path tmp) throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(p -> p.getFileName().toString().startsWith("fedimon-")).count();
    }
  }

  /** The archive's folder holds the archive and nothing else the reader could have made. */
  private static void assertNothingWrittenNextTo(Path archive) throws IOException {
    try (Stream<Path> files = Files.walk(archive.getParent())) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsOnly(archive.getFileName().toString());
    }
    assertThat(Path.of("/etc/cron.d/evil")).doesNotExist();
  }

  private static byte[] compress(String codec, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressor =
        switch (codec) {
          case "gzip" -> new GZIPOutputStream(out);
          case "bzip2" -> new BZip2CompressorOutputStream(out);
          case "xz" -> new XZOutputStream(out, new LZMA2Options(1));
          case "zstd" -> new ZstdOutputStream(out, 3);
          default -> throw new IllegalArgumentException(codec);
        }) {
      compressor.write(data);
    }
    return out.toByteArray();
  }
}
