package social.fedimon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.archive.Source;
import social.fedimon.engine.export.ExportFailed;
import social.fedimon.engine.export.ExportFlow;
import social.fedimon.engine.export.ExportSource;
import social.fedimon.engine.export.PgDump;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Gpg;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;

/**
 * {@code fedimon export} as an operator or a script runs it; its archive opened by the tools an
 * admin has: tar, zstd, gpg, pg_restore.
 */
class ExportCommandTest {

  @TempDir static Path dir;
  static String source;
  static String url;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void database() throws Exception {
    Tools.require("pg_dump", "pg_restore", "tar", "zstd", "gpg");
    source = MastodonDatabase.createSource();
    url =
        "postgresql://postgres@" + FixtureDatabase.HOST + ":" + FixtureDatabase.PORT + "/" + source;
    Files.writeString(dir.resolve("env"), InstanceTree.ENV, StandardCharsets.UTF_8);
  }

  @AfterAll
  static void drop() {
    FixtureDatabase.drop(source);
  }

  private int run(String... args) {
    return Fedimon.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), args)
        .execute(args);
  }

  @Test
  void anExportInClearOpensWithTarZstdAndPgRestoreAndRestoresEqual() throws Exception {
    Path archive = dir.resolve("clear.tar.zst");
    int status =
        run(
            "export",
            "--database-url",
            url,
            "--env-file",
            dir.resolve("env").toString(),
            "--to",
            archive.toString(),
            "--format",
            "json");

    assertThat(status).as(err.toString()).isEqualTo(0);
    JsonNode result = new ObjectMapper().readTree(out.toString());
    assertThat(result.get("verified").asBoolean()).isTrue();
    assertThat(result.get("encrypted").asBoolean()).isFalse();
    assertThat(result.get("bytes").asLong()).isEqualTo(Files.size(archive));
    assertThat(result.at("/rowCounts/statuses").asLong()).isEqualTo(2400);
    assertThat(Files.exists(dir.resolve("clear.tar.zst.partial"))).isFalse();

    Path unpacked = Files.createDirectories(dir.resolve("clear"));
    Tools.sh(unpacked, "zstd -dc ../clear.tar.zst | tar -xf -");
    String env = Files.readString(unpacked.resolve(".env.production"));
    assertThat(env).contains("LOCAL_DOMAIN=example.social");
    assertThat(env).contains("# infrastructure: FédiMon's value, replace it\nREDIS_HOST=localhost");
    assertThat(Tools.sh(unpacked, "pg_restore -l database.dump"))
        .contains("TABLE DATA public statuses");

    String[] tenant = MastodonDatabase.createTenant();
    Tools.sh(
        unpacked,
        "pg_restore --no-owner -h "
            + FixtureDatabase.HOST
            + " -U "
            + tenant[0]
            + " -d "
            + tenant[1]
            + " database.dump");
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));

    // and fedimon itself reads it as a backup
    out.getBuffer().setLength(0);
    assertThat(run("inspect", archive.toString(), "--format", "json")).isEqualTo(0);
    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.get("layers").toString()).isEqualTo("[\"zstd\",\"tar\"]");
    assertThat(report.at("/database/format").asText()).isEqualTo("custom");
    assertThat(report.at("/env/localDomain").asText()).isEqualTo("example.social");
  }

  @Test
  void anExportToAPgpKeyDecryptsWithGpgAndHoldsNothingInClear() throws Exception {
    Map<String, String> gpg = Gpg.homeWithAdminKey(dir);
    Tools.sh(dir, gpg, "gpg -q --batch --armor --export " + Gpg.ADMIN + " > admin.asc");
    Path archive = dir.resolve("sealed.tar.zst.pgp");

    int status =
        run(
            "export",
            "--database-url",
            url,
            "--env-file",
            dir.resolve("env").toString(),
            "--pgp-key",
            dir.resolve("admin.asc").toString(),
            "--to",
            archive.toString());

    assertThat(status).as(err.toString()).isEqualTo(0);
    assertThat(out.toString()).contains("pgp + zstd + tar").contains("read back and checked");
    byte[] bytes = Files.readAllBytes(archive);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain("LOCAL_DOMAIN").doesNotContain("PGDMP");
    Tools.sh(dir, gpg, "gpg -q --batch --decrypt sealed.tar.zst.pgp > sealed.tar.zst");
    assertThat(Tools.sh(dir, "zstd -dc sealed.tar.zst | tar -tf -"))
        .contains(".env.production")
        .contains("database.dump");
  }

  /**
   * An instance writes while it is exported: pg_dump and the exact counts the check compares see
   * one snapshot, so the row written between them is in neither and the export checks out.
   */
  @Test
  void rowsWrittenDuringTheExportAreInNeitherTheDumpNorTheCounts() throws Exception {
    String live = MastodonDatabase.createSource();
    try {
      Path writer = dir.resolve("writing-pg_dump");
      Files.writeString(
          writer,
          "#!/bin/sh\n"
              + "case \"$*\" in *--dbname*) psql -X -q -h "
              + FixtureDatabase.HOST
              + " -U postgres -d "
              + live
              + " -c \"INSERT INTO statuses (id, text, created_at, updated_at, account_id)"
              + " SELECT max(id) + 1, 'written during the export', now(), now(), min(account_id)"
              + " FROM statuses\" ;; esac\n"
              + "exec pg_dump \"$@\"\n");
      Files.setPosixFilePermissions(writer, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path archive = dir.resolve("live.tar.zst");
      int status =
          run(
              "export",
              "--database-url",
              "postgresql://postgres@"
                  + FixtureDatabase.HOST
                  + ":"
                  + FixtureDatabase.PORT
                  + "/"
                  + live,
              "--pg-dump",
              writer.toString(),
              "--to",
              archive.toString(),
              "--format",
              "json");
      assertThat(status).as(err.toString()).isEqualTo(0);
      JsonNode result = new ObjectMapper().readTree(out.toString());
      assertThat(result.get("verified").asBoolean()).isTrue();
      assertThat(result.at("/rowCounts/statuses").asLong()).isEqualTo(2400);
      assertThat(
              Tools.sh(
                  dir,
                  "psql -X -tA -h "
                      + FixtureDatabase.HOST
                      + " -U postgres -d "
                      + live
                      + " -c 'SELECT count(*) FROM statuses'"))
          .as("the row was written, after the snapshot")
          .contains("2401");
    } finally {
      FixtureDatabase.drop(live);
    }
  }

  @Test
  void aPgDumpOlderThanTheServerIsNamedWithBothVersionsAndNothingIsWritten() throws Exception {
    Path old = dir.resolve("old-pg_dump");
    Files.writeString(old, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path archive = dir.resolve("never.tar.zst");

    int status =
        run(
            "export",
            "--database-url",
            url,
            "--pg-dump",
            old.toString(),
            "--to",
            archive.toString());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).contains("pg_dump 9.6").contains("PostgreSQL 15").contains("older");
    assertThat(Files.exists(archive)).isFalse();
    assertThat(Files.exists(dir.resolve("never.tar.zst.partial"))).isFalse();
  }

  @Test
  void aFullExportCarriesTheMediaAndRestoreRebuildsTheInstanceFromIt() throws Exception {
    Path tree = InstanceTree.create(Files.createDirectories(dir.resolve("tree")));
    Path archive = dir.resolve("full.tar.zst");
    int status =
        run(
            "export",
            "--database-url",
            url,
            "--env-file",
            dir.resolve("env").toString(),
            "--media-from",
            tree.resolve("live/public/system").toString(),
            "--to",
            archive.toString(),
            "--format",
            "json");

    assertThat(status).as(err.toString()).isEqualTo(0);
    JsonNode result = new ObjectMapper().readTree(out.toString());
    assertThat(result.get("mediaFiles").asLong()).isEqualTo(InstanceTree.MEDIA_FILES);
    assertThat(result.get("mediaBytes").asLong()).isEqualTo(InstanceTree.MEDIA_BYTES);
    assertThat(Tools.sh(dir, "zstd -dc full.tar.zst | tar -tf -"))
        .contains("public/system/media_attachments/files/000/000/001/original/photo.png");

    String[] tenant = MastodonDatabase.createTenant();
    Path media = Files.createDirectories(dir.resolve("restored-media"));
    out.getBuffer().setLength(0);
    int restored =
        run(
            "restore",
            archive.toString(),
            "--database-url",
            MastodonDatabase.url(tenant[0], tenant[1]),
            "--media-to",
            media.toUri().toString(),
            "--format",
            "json");
    assertThat(restored).as(out.toString()).isEqualTo(0);
    assertThat(MastodonDatabase.checksums(tenant[1])).isEqualTo(MastodonDatabase.checksums(source));
    assertThat(
            Files.readAllBytes(
                media.resolve("media_attachments/files/000/000/001/original/photo.png")))
        .isEqualTo(
            Files.readAllBytes(
                tree.resolve(
                    "live/public/system/media_attachments/files/000/000/001/original/photo.png")));
  }

  @Test
  void wrongUsageExitsTwo() {
    assertThat(run("export", "--to", "x.tar.zst")).isEqualTo(2);
    assertThat(run("export", "--database-url", "mysql://x/y", "--to", "x.tar.zst")).isEqualTo(2);
    assertThat(
            run(
                "export",
                "--database-url",
                url,
                "--pgp-key",
                dir.resolve("env").toString(),
                "--to",
                "x.tar.zst"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("OpenPGP");
  }

  @Test
  void aStoredExportDamagedAfterItWasWrittenIsCaughtByTheCheck() throws Exception {
    Path archive = dir.resolve("damaged.tar.zst");
    ExportFlow flow = new ExportFlow(PgDump.find(null, System.getenv()), dir);
    ExportFlow.Result result;
    try (var stream = Files.newOutputStream(archive)) {
      result = flow.write(ExportSource.parse(url), InstanceTree.ENV, null, stream, b -> {});
    }
    ExportFlow.verify(Source.of(archive), result); // as written: fine

    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(archive, bytes);

    assertThatThrownBy(() -> ExportFlow.verify(Source.of(archive), result))
        .isInstanceOf(ExportFailed.class);
  }
}
