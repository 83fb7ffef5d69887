package social.fedimon.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.media.MediaSync;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.engine.media.StoreLocation;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.Gpg;
import social.fedimon.engine.testing.InstanceTree;
import social.fedimon.engine.testing.MastodonDatabase;
import social.fedimon.engine.testing.Tools;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;
import social.fedimon.server.testing.TestClock;

/**
 * "Request an Export Archive" through the API: the archive is checked before it is offered, the
 * link works for its owner only and expires, and the archive opens with tar, zstd, gpg and
 * pg_restore into a database equal to the instance's.
 */
class ExportApiTest {

  static Platform platform;
  static Platform.Node node;
  static String source;
  static Path archive;
  static Path work;
  static String admin;
  static String operator;
  static String instance;

  @BeforeAll
  static void migrated() throws Exception {
    Tools.require("pg_dump", "pg_restore", "zstd", "tar", "gpg");
    source = MastodonDatabase.createSource();
    archive = Backups.instanceArchive("export", source);
    work = archive.getParent();
    platform = new Platform("export");
    node = platform.start(TestClock.ARGUMENT, "--fedimon.exports.link-lifetime=20s");
    admin = platform.account(node, "admin@example.social");
    operator = platform.account(node, Platform.OPERATOR);
    Platform.Migration migration = platform.migrate(node, admin, operator, archive);
    JsonNode done =
        platform.awaitTask(
            node,
            admin,
            migration.task(),
            Duration.ofSeconds(120),
            t -> t.get("state").asText().matches("succeeded|failed"));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    instance = migration.instance();
  }

  @AfterAll
  static void stop() {
    platform.close();
    FixtureDatabase.drop(source);
  }

  @Test
  void anExportInClearIsOfferedToItsOwnerOnlyAndRestoresEqual() throws Exception {
    JsonNode done = export(admin, false);
    JsonNode result = done.get("result");
    assertThat(result.get("downloadUrl").asText())
        .isEqualTo("/api/v1/tasks/" + done.get("id").asText() + "/download");
    Instant expires = Instant.parse(result.get("expiresAt").asText());
    assertThat(expires).isBetween(Instant.now().plusSeconds(5), Instant.now().plusSeconds(21));

    String stranger = platform.account(node, "stranger@example.org");
    assertThat(download(stranger, result, work.resolve("nope")).statusCode()).isEqualTo(404);
    assertThat(
            platform
                .call(
                    node, "POST", "/api/v1/instances/" + instance + "/exports", stranger, Map.of())
                .status())
        .isEqualTo(404);

    Path file = work.resolve("export.tar.zst");
    HttpResponse<Path> got = download(admin, result, file);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(Files.size(file)).isEqualTo(result.get("bytes").asLong());
    assertThat(sha256(file)).isEqualTo(result.get("sha256").asText());

    Path unpacked = Files.createDirectories(work.resolve("unpacked"));
    Tools.sh(unpacked, "zstd -dc ../export.tar.zst | tar -xf -");
    String env = Files.readString(unpacked.resolve(".env.production"));
    assertThat(env).contains("LOCAL_DOMAIN=example.social").contains("# infrastructure");
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

    // the media travel without credentials: a manifest of presigned URLs, as media sync reads it
    String manifest = result.get("mediaManifestUrl").asText();
    Path copied = Files.createDirectories(work.resolve("copied-media"));
    try (ObjectStore from = StoreLocation.open(manifest, Map.of());
        ObjectStore to = StoreLocation.open(copied.toString(), Map.of())) {
      MediaSync.Result synced = MediaSync.sync(from, to, 4, b -> {});
      assertThat(synced.files()).isEqualTo(InstanceTree.MEDIA_FILES);
      assertThat(synced.bytes()).isEqualTo(InstanceTree.MEDIA_BYTES);
    }

    // this store (S3Proxy) has no STS: no credentials offered, and asking says to use the manifest
    assertThat(result.has("mediaCredentialsUrl")).isFalse();
    Platform.Answer credentials =
        platform.call(
            node,
            "POST",
            "/api/v1/tasks/" + done.get("id").asText() + "/media-credentials",
            admin,
            null);
    assertThat(credentials.status()).isEqualTo(409);
    assertThat(credentials.json().get("detail").asText()).contains("mediaManifestUrl");
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/tasks/" + done.get("id").asText() + "/media-credentials",
                    stranger,
                    null)
                .status())
        .isEqualTo(404);

    // the link stops working when it expires
    Objects.requireNonNull(node.context())
        .getBean(TestClock.Shifted.class)
        .advance(Duration.ofSeconds(21));
    HttpResponse<Path> late = download(admin, result, work.resolve("late"));
    assertThat(late.statusCode()).isEqualTo(410);
  }

  @Test
  void anExportToTheAccountsPgpKeyDecryptsWithGpg() throws Exception {
    assertThat(
            platform
                .call(
                    node,
                    "POST",
                    "/api/v1/instances/" + instance + "/exports",
                    admin,
                    Map.of("encrypt", true))
                .json()
                .get("code")
                .asText())
        .isIn("invalid-request");
    Path keys = Files.createDirectories(work.resolve("keys"));
    Map<String, String> gpg = Gpg.homeWithAdminKey(keys);
    Tools.sh(keys, gpg, "gpg -q --batch --armor --export " + Gpg.ADMIN + " > admin.asc");
    HttpResponse<String> set =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(node.base().resolve("/api/v1/account/pgp-key"))
                    .header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/pgp-keys")
                    .PUT(HttpRequest.BodyPublishers.ofFile(keys.resolve("admin.asc")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(set.body()).contains("fingerprint");

    JsonNode done = export(admin, true);
    assertThat(done.at("/result/encrypted").asBoolean()).isTrue();
    Path file = keys.resolve("export.tar.zst.pgp");
    assertThat(download(admin, done.get("result"), file).statusCode()).isEqualTo(200);
    assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("LOCAL_DOMAIN");
    Tools.sh(
        keys, gpg, "gpg -q --batch --decrypt export.tar.zst.pgp | zstd -dc | tar -tf - > list");
    assertThat(Files.readString(keys.resolve("list")))
        .contains("database.dump")
        .contains(".env.production");
  }

  @Test
  void aFullExportWithTheMediaIsMadeByAnOperatorForTheAdmin() throws Exception {
    Platform.Answer refused =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + instance + "/exports",
            admin,
            Map.of("media", true));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("detail").asText()).contains("ask us");

    Platform.Answer asked =
        platform.call(
            node,
            "POST",
            "/api/v1/operator/instances/" + instance + "/exports",
            operator,
            Map.of("media", true));
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    // the admin's task: the admin follows it and downloads it
    JsonNode done =
        platform.awaitTask(
            node,
            admin,
            asked.json().get("id").asText(),
            Duration.ofSeconds(120),
            t -> t.get("state").asText().matches("succeeded|failed"));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.at("/result/mediaFiles").asLong()).isEqualTo(InstanceTree.MEDIA_FILES);
    Path file = work.resolve("full.tar.zst");
    assertThat(download(admin, done.get("result"), file).statusCode()).isEqualTo(200);
    assertThat(
            Tools.sh(work, "zstd -dc full.tar.zst | tar -tf - | grep -c '^public/system/'").strip())
        .isEqualTo(String.valueOf(InstanceTree.MEDIA_FILES));
  }

  private JsonNode export(String token, boolean encrypt) {
    Platform.Answer asked =
        platform.call(
            node,
            "POST",
            "/api/v1/instances/" + instance + "/exports",
            token,
            Map.of("encrypt", encrypt));
    assertThat(asked.status()).as(asked.body()).isEqualTo(202);
    assertThat(asked.json().get("kind").asText()).isEqualTo("export");
    JsonNode done =
        platform.awaitTask(
            node,
            token,
            asked.json().get("id").asText(),
            Duration.ofSeconds(120),
            t -> t.get("state").asText().matches("succeeded|failed"));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    return done;
  }

  private HttpResponse<Path> download(String token, JsonNode result, Path to) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    node.base().resolve(URI.create(result.get("downloadUrl").asText())))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofFile(to));
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
