package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static social.fedimon.engine.testing.Inspections.codes;
import static social.fedimon.engine.testing.Inspections.inspect;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;

/** Folder layouts and bare files admins send, and how the report names what it found. */
class InspectLayoutsTest {

  @TempDir static Path dir;
  static String dump;

  @BeforeAll
  static void makeTree() {
    InstanceTree.create(dir);
    dump =
        "pg_dump -h "
            + FixtureDatabase.HOST
            + " -U "
            + FixtureDatabase.ADMIN_USER
            + " "
            + InstanceTree.database();
  }

  @Test
  void findsSystemPublicAsTheProductTextSpellsIt() throws Exception {
    Path work = Files.createDirectory(dir.resolve("sp"));
    Tools.sh(
        work,
        "mkdir -p system && cp -r ../live/public/system system/public && cp ../live/.env.production . && cp ../database.sql.xz .");
    Tools.sh(work, "tar -cf my-instance.tar .env.production database.sql.xz system/public/");

    Report report = inspect(work.resolve("my-instance.tar"));

    assertThat(report.verdict()).isEqualTo("accepted");
    assertThat(report.env().file()).isEqualTo(".env.production");
    assertThat(report.media().root()).isEqualTo("system/public");
    assertThat(report.media().files()).isEqualTo(InstanceTree.MEDIA_FILES);
  }

  @Test
  void findsABareTreeOfMediaFolders() throws Exception {
    Path work = Files.createDirectory(dir.resolve("bare-media"));
    Tools.sh(
        work,
        "cp -r ../live/public/system/* . && cp ../live/.env.production env.txt && cp ../database.sql.xz db.xz");
    Tools.sh(work, "tar -czf b.tgz env.txt db.xz media_attachments accounts cache");

    Report report = inspect(work.resolve("b.tgz"));

    assertThat(report.verdict()).isEqualTo("accepted");
    assertThat(report.media().root()).isEqualTo(".");
    assertThat(report.media().byCategory())
        .containsOnlyKeys("media_attachments", "accounts", "cache");
    assertThat(report.env().file()).as("an env file under another name").isEqualTo("env.txt");
    assertThat(report.database().entry()).isEqualTo("db.xz");
  }

  @Test
  void acceptsABareCompressedDump() {
    Report report = inspect(dir.resolve("database.sql.xz"));

    assertThat(report.layers()).containsExactly("xz");
    assertThat(report.database().entry()).isEqualTo("database.sql.xz");
    assertThat(report.database().format()).isEqualTo("plain");
    assertThat(report.database().compression()).isEqualTo("xz");
    assertThat(codes(report)).containsExactly("no-env");
    assertThat(report.verdict()).isEqualTo("accepted");
  }

  @Test
  void acceptsABareCustomFormatDump() {
    Tools.sh(dir, dump + " -Fc -f custom.dump");

    Report report = inspect(dir.resolve("custom.dump"));

    assertThat(report.layers()).isEmpty();
    assertThat(report.database().format()).isEqualTo("custom");
    assertThat(report.database().entry()).isEqualTo("custom.dump");
  }

  @Test
  void readsABareEnvFileAndSaysTheDatabaseIsMissing() {
    Report report = inspect(dir.resolve("live/.env.production"));

    assertThat(report.env().localDomain()).isEqualTo(InstanceTree.LOCAL_DOMAIN);
    assertThat(report.env().missingSecrets()).isEmpty();
    assertThat(codes(report)).containsExactly("no-database");
    assertThat(report.verdict()).isEqualTo("rejected");
  }

  @Test
  void recognizesADirectoryFormatDumpInsideATar() throws Exception {
    Path work = Files.createDirectory(dir.resolve("dirfmt"));
    Tools.sh(work, "mkdir backup && " + dump + " -Fd -f backup/db");
    Tools.sh(work, "cp ../live/.env.production backup/ && tar -cf b.tar backup");

    Report report = inspect(work.resolve("b.tar"));

    assertThat(report.database().entry()).isEqualTo("backup/db");
    assertThat(report.database().format()).isEqualTo("directory");
    assertThat(report.other().files()).as("the table files belong to the dump").isZero();
    assertThat(report.verdict()).isEqualTo("accepted");
  }

  @Test
  void recognizesATarFormatDumpNestedInTheBackupAndAsTheWholeSource() throws Exception {
    Path work = Files.createDirectory(dir.resolve("tarfmt"));
    Tools.sh(work, dump + " -Ft -f db.tar");
    Tools.sh(work, "cp ../live/.env.production . && tar -cf b.tar .env.production db.tar");

    Report nested = inspect(work.resolve("b.tar"));
    assertThat(nested.database().entry()).isEqualTo("db.tar");
    assertThat(nested.database().format()).isEqualTo("tar");
    assertThat(codes(nested)).isEmpty();

    Report whole = inspect(work.resolve("db.tar"));
    assertThat(whole.database().entry()).isEqualTo("db.tar");
    assertThat(whole.database().format()).isEqualTo("tar");
    assertThat(codes(whole)).containsExactly("no-env");
  }

  @Test
  void refusesTwoDumpsItCannotChooseBetween() throws Exception {
    Path work = Files.createDirectory(dir.resolve("two"));
    Tools.sh(work, dump + " > a.sql && " + dump + " -Fc -f b.dump && tar -cf b.tar a.sql b.dump");

    Report report = inspect(work.resolve("b.tar"));

    assertThat(codes(report)).contains("multiple-databases");
    assertThat(report.database()).isNull();
    assertThat(report.verdict()).isEqualTo("rejected");
  }

  @Test
  void warnsThatAMySqlDumpNeedsConverting() throws Exception {
    Path work = Files.createDirectory(dir.resolve("mysql"));
    Files.writeString(
        work.resolve("mastodon.sql"),
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n");
    Tools.sh(work, "cp ../live/.env.production . && tar -cf b.tar .env.production mastodon.sql");

    Report report = inspect(work.resolve("b.tar"));

    assertThat(codes(report)).containsExactly("non-postgresql");
    assertThat(report.database().engine()).isEqualTo("mysql");
    assertThat(report.database().format()).isNull();
    assertThat(report.verdict()).isEqualTo("accepted");
  }

  @Test
  void listsOtherFilesAndIgnoresThem() throws Exception {
    Path work = Files.createDirectory(dir.resolve("other"));
    Files.writeString(work.resolve("README.txt"), "my notes");
    Tools.sh(
        work,
        "cp -r ../live . && cp ../database.sql.xz . && tar -cf b.tar live database.sql.xz README.txt");

    Report report = inspect(work.resolve("b.tar"));

    assertThat(report.other().files()).isEqualTo(1);
    assertThat(report.other().names()).containsExactly("README.txt");
    assertThat(report.verdict()).isEqualTo("accepted");
  }

  @Test
  void saysWhatAFileThatIsNoArchiveLooksLike() throws Exception {
    Path png = dir.resolve("backup.zip");
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(image, "png", png.toFile());

    Report report = inspect(png);

    assertThat(codes(report)).containsExactly("unrecognized-format");
    assertThat(report.problems().get(0).message()).contains("PNG image");
    assertThat(report.verdict()).isEqualTo("rejected");
  }
}
