package social.fedimon.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import social.fedimon.engine.Problem;
import social.fedimon.engine.archive.ArchiveLimits;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.intake.Report;
import social.fedimon.engine.intake.RestoreFlow;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * Custom archives of every version FédiMon reads. pg_dump 15 writes 1.14 with gzip or nothing; the
 * others (1.12 and 1.13 of pg_dump 9.x to 11, 1.15 with lz4 or zstd of pg_dump 16, 1.16 of pg_dump
 * 17 and 18) are written from the format's definition by {@link CustomArchiveWriter}, with the TOC
 * and data of the real archive.
 */
class ArchiveVersionsTest {

  @TempDir static Path dir;
  static String source;
  static ArchiveToc toc;
  static Map<Integer, byte[]> data = new HashMap<>();
  static Map<String, String> sourceChecksums;

  @BeforeAll
  static void readARealArchive() throws IOException {
    source = MastodonDatabase.createSource();
    sourceChecksums = MastodonDatabase.checksums(source);
    Tools.sh(
        dir, "pg_dump -h " + FixtureDatabase.HOST + " -U postgres -Fc -Z0 -f real.dump " + source);
    try (InputStream in = Files.newInputStream(dir.resolve("real.dump"))) {
      ArchiveInput input = new ArchiveInput(in, "test");
      toc = ArchiveToc.read(input, false);
      while (true) {
        int type = input.readByteOrEnd();
        if (type < 0) {
          break;
        }
        int id = (int) input.readInt();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ChunkedInputStream(input).transferTo(bytes);
        data.put(id, bytes.toByteArray());
      }
    }
  }

  static Stream<Arguments> versions() {
    return Stream.of(
        Arguments.of(12, ArchiveHeader.Compression.GZIP),
        Arguments.of(13, ArchiveHeader.Compression.NONE),
        Arguments.of(14, ArchiveHeader.Compression.GZIP),
        Arguments.of(15, ArchiveHeader.Compression.LZ4),
        Arguments.of(15, ArchiveHeader.Compression.ZSTD),
        Arguments.of(16, ArchiveHeader.Compression.ZSTD),
        Arguments.of(16, ArchiveHeader.Compression.NONE));
  }

  @ParameterizedTest(name = "1.{0} {1}")
  @MethodSource("versions")
  void restoresEveryVersionAndCompression(int minor, ArchiveHeader.Compression compression)
      throws IOException {
    Path archive = dir.resolve("v1." + minor + "-" + compression + ".dump");
    Files.write(archive, new CustomArchiveWriter(minor, compression).write(toc, data));
    String[] tenant = MastodonDatabase.createTenant();

    Report report =
        new RestoreFlow(ArchiveLimits.DEFAULTS, DumpPolicy.DEFAULTS)
            .restore(
                Source.of(archive),
                Secrets.none(),
                RestoreTarget.parse(MastodonDatabase.url(tenant[0], tenant[1])),
                new RestoreFlow.Options(2, false),
                RestoreListener.NONE,
                b -> {});

    assertThat(report.problems())
        .allSatisfy(p -> assertThat(p.severity()).as(p.message()).isEqualTo("warning"));
    assertThat(report.database().compression()).isEqualTo(compression.label());
    assertThat(report.restored()).isNotNull();
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(sourceChecksums);
  }

  @org.junit.jupiter.api.Test
  void refusesVersionsItDoesNotKnowByName() throws IOException {
    byte[] archive = new CustomArchiveWriter(16, ArchiveHeader.Compression.NONE).write(toc, data);
    archive[6] = 17; // archive version 1.17, from a pg_dump not yet released
    DumpSummary summary = new DumpSummary();

    try {
      new CustomDumpReader(DumpPolicy.DEFAULTS.newGuard())
          .read(new ByteArrayInputStream(archive), summary);
    } catch (DumpRejected e) {
      summary.problem(e.problem());
    }

    assertThat(summary.problems())
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("1.17").contains("1.16"));
  }
}
