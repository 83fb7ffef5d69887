package social.fedimon.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static social.fedimon.engine.testing.Inspections.codes;
import static social.fedimon.engine.testing.Inspections.inspect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import social.fedimon.engine.archive.Secrets;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.Tools;

/**
 * Every layer an admin's tools make, alone and nested, made by those very tools from one instance
 * folder: whatever the wrapping, the report finds the same env file, dump and media.
 */
class InspectLayersTest {

  static final String PASSWORD = "pa ss#wörd";
  static final String ZIP_AES_PASSWORD = "correct horse"; // 7zz refuses non-ASCII zip passwords

  @TempDir static Path dir;
  static Map<String, String> gpg;
  static Secrets all;

  @BeforeAll
  static void makeArchives() throws Exception {
    Tools.require(
        "tar", "gzip", "bzip2", "xz", "zstd", "lz4", "zip", "7zz", "gpg", "age", "age-keygen");
    InstanceTree.create(dir);
    Files.writeString(dir.resolve("pw.txt"), PASSWORD + "\n");
    Path gnupg = Files.createDirectory(dir.resolve("gnupg"));
    Tools.sh(dir, "chmod 700 gnupg");
    gpg = Map.of("GNUPGHOME", gnupg.toString());
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --passphrase '' --quick-gen-key 'Admin <admin@example.social>' default default never");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --pinentry-mode loopback --passphrase 'key pw' --quick-gen-key 'Locked <locked@example.social>' default default never");
    Tools.sh(dir, gpg, "gpg -q --batch --export-secret-keys -a admin@example.social > admin.asc");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --pinentry-mode loopback --passphrase 'key pw' --export-secret-keys locked@example.social > locked.key");
    Tools.sh(dir, "age-keygen -o age.key 2>/dev/null");
    String files = "live database.sql.xz";
    String tar = "tar -cf - " + files;
    Tools.sh(dir, "tar -cf b.tar " + files);
    Tools.sh(dir, tar + " | gzip > b.tar.gz");
    Tools.sh(dir, tar + " | bzip2 > b.tar.bz2");
    Tools.sh(dir, tar + " | xz > b.tar.xz");
    Tools.sh(dir, tar + " | zstd -q > b.tar.zst");
    Tools.sh(dir, tar + " | lz4 -q > b.tar.lz4");
    Tools.sh(
        dir, "head -c 20000 b.tar | gzip > m.tar.gz && tail -c +20001 b.tar | gzip >> m.tar.gz");
    Tools.sh(dir, "head -c 20000 b.tar | xz > m.tar.xz && tail -c +20001 b.tar | xz >> m.tar.xz");
    Tools.sh(
        dir,
        "head -c 20000 b.tar | bzip2 > m.tar.bz2 && tail -c +20001 b.tar | bzip2 >> m.tar.bz2");
    Tools.sh(
        dir,
        "head -c 20000 b.tar | zstd -q > m.tar.zst && tail -c +20001 b.tar | zstd -q >> m.tar.zst");
    Tools.sh(dir, tar + " | zstd -q --long=30 > long.tar.zst");
    Tools.sh(dir, "zip -q -r b.zip " + files);
    Tools.sh(dir, "zip -q -r -P '" + PASSWORD + "' zc.zip " + files);
    Tools.sh(
        dir,
        "7zz a -tzip -mem=AES256 -p'" + ZIP_AES_PASSWORD + "' aes.zip " + files + " >/dev/null");
    Tools.sh(dir, "7zz a b.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -m0=PPMd p.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -m0=PPMd -mhe=on -p'" + PASSWORD + "' ppaes.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -mf=BCJ2 bcj2.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -m0=BZip2 bz.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -m0=Deflate d.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -m0=LZMA l.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -p'" + PASSWORD + "' aes.7z " + files + " >/dev/null");
    Tools.sh(dir, "7zz a -p'" + PASSWORD + "' -mhe=on he.7z " + files + " >/dev/null");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --pinentry-mode loopback --passphrase '"
            + PASSWORD
            + "' -c -o sym.gpg b.tar.zst");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --trust-model always -r admin@example.social -e -o pk.gpg b.tar.xz");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --trust-model always -r admin@example.social -a -e -o pk.asc b.tar.gz");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --trust-model always -r locked@example.social -e -o locked.gpg b.tar.zst");
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --trust-model always -r admin@example.social -e -o zip.gpg b.zip");
    // OpenPGP without integrity protection, as gpg still makes it when told to
    Tools.sh(
        dir,
        gpg,
        "gpg -q --batch --pinentry-mode loopback --passphrase '"
            + PASSWORD
            + "' --rfc2440 --cipher-algo AES256 -c -o nomdc.gpg b.tar.zst 2>/dev/null");
    Tools.sh(dir, "age -r $(grep -o 'age1[a-z0-9]*' age.key) -o x.tar.zst.age b.tar.zst");
    Tools.sh(dir, "age -a -r $(grep -o 'age1[a-z0-9]*' age.key) -o a.tar.age b.tar");
    Tools.sh(
        dir,
        "(sleep 1; printf '%s\\n' '"
            + PASSWORD
            + "'; sleep 1; printf '%s\\n' '"
            + PASSWORD
            + "'; sleep 1) | script -qec 'age -p -o pp.age b.tar.zst' /dev/null > /dev/null");
    Tools.sh(dir, "zip -q inner.zip b.tar.gz");
    Tools.sh(dir, "age -r $(grep -o 'age1[a-z0-9]*' age.key) b.7z | zstd -q > 7z.age.zst");
    all =
        Secrets.load(
            List.of(ZIP_AES_PASSWORD, "key pw"),
            List.of(dir.resolve("pw.txt")),
            List.of(dir.resolve("age.key"), dir.resolve("admin.asc"), dir.resolve("locked.key")));
  }

  static Stream<Arguments> archives() {
    return Stream.of(
        Arguments.of("b.tar", List.of("tar")),
        Arguments.of("b.tar.gz", List.of("gzip", "tar")),
        Arguments.of("b.tar.bz2", List.of("bzip2", "tar")),
        Arguments.of("b.tar.xz", List.of("xz", "tar")),
        Arguments.of("b.tar.zst", List.of("zstd", "tar")),
        Arguments.of("b.tar.lz4", List.of("lz4", "tar")),
        Arguments.of("m.tar.gz", List.of("gzip", "tar")),
        Arguments.of("m.tar.xz", List.of("xz", "tar")),
        Arguments.of("m.tar.bz2", List.of("bzip2", "tar")),
        Arguments.of("m.tar.zst", List.of("zstd", "tar")),
        Arguments.of("b.zip", List.of("zip")),
        Arguments.of("zc.zip", List.of("zip")),
        Arguments.of("aes.zip", List.of("zip")),
        Arguments.of("b.7z", List.of("7z")),
        Arguments.of("p.7z", List.of("7z")),
        Arguments.of("ppaes.7z", List.of("7z")),
        Arguments.of("bz.7z", List.of("7z")),
        Arguments.of("d.7z", List.of("7z")),
        Arguments.of("l.7z", List.of("7z")),
        Arguments.of("aes.7z", List.of("7z")),
        Arguments.of("he.7z", List.of("7z")),
        Arguments.of("sym.gpg", List.of("pgp", "zstd", "tar")),
        Arguments.of("pk.gpg", List.of("pgp", "xz", "tar")),
        Arguments.of("pk.asc", List.of("pgp", "gzip", "tar")),
        Arguments.of("locked.gpg", List.of("pgp", "zstd", "tar")),
        Arguments.of("zip.gpg", List.of("pgp", "zip")),
        Arguments.of("x.tar.zst.age", List.of("age", "zstd", "tar")),
        Arguments.of("a.tar.age", List.of("age", "tar")),
        Arguments.of("pp.age", List.of("age", "zstd", "tar")),
        Arguments.of("inner.zip", List.of("zip", "gzip", "tar")),
        Arguments.of("7z.age.zst", List.of("zstd", "age", "7z")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archives")
  void findsTheSameInstanceWhateverTheLayers(String archive, List<String> layers) {
    Report report = inspect(dir.resolve(archive), all);

    assertThat(report.problems()).isEmpty();
    assertThat(report.verdict()).isEqualTo("accepted");
    assertThat(report.layers()).isEqualTo(layers);
    assertThat(report.env()).isNotNull();
    assertThat(report.env().file()).endsWith("live/.env.production");
    assertThat(report.env().localDomain()).isEqualTo(InstanceTree.LOCAL_DOMAIN);
    assertThat(report.env().webDomain()).isEqualTo("social.example.social");
    assertThat(report.env().keys()).contains("LOCAL_DOMAIN", "SECRET_KEY_BASE", "DB_PASS");
    assertThat(report.database()).isNotNull();
    assertThat(report.database().entry()).endsWith("database.sql.xz");
    assertThat(report.database().format()).isEqualTo("plain");
    assertThat(report.database().compression()).isEqualTo("xz");
    assertThat(report.media().root()).endsWith("live/public/system");
    assertThat(report.media().files()).isEqualTo(InstanceTree.MEDIA_FILES);
    assertThat(report.media().bytes()).isEqualTo(InstanceTree.MEDIA_BYTES);
    assertThat(report.media().byCategory())
        .containsOnlyKeys("media_attachments", "accounts", "cache");
    assertThat(report.media().byCategory().get("cache").bytes()).isEqualTo(40_000);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archives")
  void readsTheSameFromStandardInput(String archive, List<String> layers) throws Exception {
    try (var in = Files.newInputStream(dir.resolve(archive))) {
      Report report =
          new Inspector(social.fedimon.engine.archive.ArchiveLimits.DEFAULTS)
              .inspect(social.fedimon.engine.archive.Source.of("-", in), all, bytes -> {});

      assertThat(report.verdict()).isEqualTo("accepted");
      assertThat(report.layers()).isEqualTo(layers);
      assertThat(report.media().files()).isEqualTo(InstanceTree.MEDIA_FILES);
    }
  }

  static Stream<String> encrypted() {
    return Stream.of(
        "zc.zip",
        "aes.zip",
        "aes.7z",
        "he.7z",
        "ppaes.7z",
        "sym.gpg",
        "pk.gpg",
        "pk.asc",
        "locked.gpg",
        "x.tar.zst.age",
        "a.tar.age",
        "pp.age");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encrypted")
  void asksForASecretWhenNoneIsGiven(String archive) {
    Report report = inspect(dir.resolve(archive), Secrets.none());

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.code()).isEqualTo("secret-required");
              assertThat(p.message()).contains("--password");
              assertThat(p.entry()).isNotNull();
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encrypted")
  void saysTheSecretIsWrongWhenNoneGivenOpensIt(String archive) throws Exception {
    Path otherAge = dir.resolve("other-age.key");
    if (!Files.exists(otherAge)) {
      Tools.sh(dir, "age-keygen -o other-age.key 2>/dev/null");
    }
    Secrets wrong =
        Secrets.load(List.of("not it"), List.of(), List.of(otherAge, dir.resolve("locked.key")));

    Report report = inspect(dir.resolve(archive), wrong);

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(report.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.code()).isEqualTo("wrong-secret"));
    assertThat(report.toString()).doesNotContain("not it");
  }

  @org.junit.jupiter.api.Test
  void asksForTheKeyPasswordWhenTheKeyIsLocked() throws Exception {
    Secrets keyOnly = Secrets.load(List.of(), List.of(), List.of(dir.resolve("locked.key")));

    Report report = inspect(dir.resolve("locked.gpg"), keyOnly);

    assertThat(codes(report)).containsExactly("secret-required");
    assertThat(report.problems().get(0).message()).contains("locked");
    assertThat(report.layers()).containsExactly("pgp");
  }

  @org.junit.jupiter.api.Test
  void refusesAnOpenPgpMessageWithoutIntegrityProtection() {
    Report report = inspect(dir.resolve("nomdc.gpg"), all);

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.code()).isEqualTo("corrupt");
              assertThat(p.message()).contains("integrity protection");
            });
  }

  @org.junit.jupiter.api.Test
  void saysPlainlyWhichSevenZipCoderItCannotRead() {
    Report report = inspect(dir.resolve("bcj2.7z"), all);

    assertThat(report.verdict()).isEqualTo("rejected");
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.code()).isEqualTo("unrecognized-format");
              assertThat(p.message()).contains("BCJ2").contains("LZMA2");
            });
  }

  @org.junit.jupiter.api.Test
  void refusesZstdWindowsBeyondTheLimitUnlessRaised() {
    Report refused = inspect(dir.resolve("long.tar.zst"), Secrets.none());
    assertThat(refused.verdict()).isEqualTo("rejected");
    assertThat(refused.problems()).extracting(Report.ProblemView::code).contains("corrupt");

    Report raised =
        inspect(
            dir.resolve("long.tar.zst"),
            Secrets.none(),
            social.fedimon.engine.archive.ArchiveLimits.DEFAULTS.withZstdWindowLog(30));
    assertThat(raised.layers()).containsExactly("zstd", "tar");
    assertThat(raised.media().files()).isEqualTo(InstanceTree.MEDIA_FILES);
  }
}
