package social.fedimon.server.hosting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.fedimon.engine.testing.Tools;
import social.fedimon.server.testing.Backups;
import social.fedimon.server.testing.Platform;

/**
 * A migration against a cluster: fabric8's mock API server in CRUD mode stands for Kubernetes, and
 * this test plays its controllers (a Job that was created completes, a Deployment becomes ready); a
 * small HTTP server plays the new instance behind the ingress. The migration ends "running" with
 * the objects in the cluster; an instance that never answers fails the task with what the cluster
 * said.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ClusterDeployTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  static Platform platform;
  static Platform.Node node;
  static HttpServer instances;
  static Path archive;

  @BeforeAll
  static void start() throws Exception {
    // the fixture instance, with media attachments: its own photo, a cached copy of another
    // server's video that the backup holds, and two whose cached copies it does not
    String database = social.fedimon.engine.testing.FixtureDatabase.create("fedimon_cached");
    social.fedimon.engine.testing.FixtureDatabase.execute(
        database,
        """
        CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
        INSERT INTO schema_migrations VALUES ('20241007071624');
        CREATE TABLE accounts (id bigint PRIMARY KEY, username varchar NOT NULL);
        INSERT INTO accounts VALUES (1, 'admin'), (2, 'émilie');
        CREATE TABLE media_attachments (id bigint PRIMARY KEY, remote_url varchar NOT NULL
          DEFAULT '', file_file_name varchar, created_at timestamp NOT NULL,
          file_storage_schema_version integer);
        INSERT INTO media_attachments VALUES
          (1, '', 'photo.png', now(), 1),
          (109000002, 'https://other.example/remote.mp4', 'remote.mp4', now() - interval '3 days', 1),
          (109000003, 'https://other.example/gone.png', 'gone.png', now() - interval '40 days', 1),
          (109000004, 'https://other.example/gone2.png', 'gone2.png', now() - interval '5 days', 1),
          (109000005, 'https://other.example/never.png', NULL, now() - interval '90 days', 1),
          (109000006, 'https://old.example/old.gif', 'old.gif', now() - interval '900 days', 0);
        """);
    archive = Backups.instanceArchive("cluster", database);
    // and a copy cached before 3.1.4, outside cache/ (schema version 0), which the backup holds
    Tools.sh(
        archive.getParent(),
        "mkdir -p live/public/system/media_attachments/files/109/000/006/original"
            + " && echo gif > live/public/system/media_attachments/files/109/000/006/original/old.gif"
            + " && tar -czf backup.tar.gz live database.sql.gz");
    Tools.sh(
        archive.getParent(),
        "sed 's/^LOCAL_DOMAIN=.*/LOCAL_DOMAIN=silent.example/' live/.env.production > env"
            + " && cp env live/.env.production && tar -czf silent.tar.gz live database.sql.gz");
    // the instances behind the ingress: example.social answers as itself, silent.example never
    instances = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    instances.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          byte[] body;
          int status;
          if (path.equals("/example.social/health")) {
            status = 200;
            body = "OK".getBytes(StandardCharsets.UTF_8);
          } else if (path.equals("/example.social/api/v1/instance")) {
            status = 200;
            body =
                "{\"uri\": \"example.social\", \"version\": \"4.3.0\"}"
                    .getBytes(StandardCharsets.UTF_8);
          } else {
            status = 503;
            body = new byte[0];
          }
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    instances.start();
    playControllers();

    platform = new Platform("cluster");
    node =
        platform.start(
            "--fedimon.hosting.kubernetes-url=" + client.getMasterUrl(),
            "--fedimon.hosting.health-url=http://127.0.0.1:"
                + instances.getAddress().getPort()
                + "/{host}",
            "--fedimon.hosting.poll-interval=200ms",
            "--fedimon.hosting.health-timeout=6s",
            "--fedimon.hosting.delete-sweep-interval=1s",
            social.fedimon.server.testing.TestClock.ARGUMENT);
  }

  @AfterAll
  static void stop() {
    platform.close();
    instances.stop(0);
  }

  /**
   * What the cluster's controllers would do, on the events the API server sends: a Job that is
   * created completes, a Deployment that is created becomes ready.
   */
  static void playControllers() {
    client
        .batch()
        .v1()
        .jobs()
        .inAnyNamespace()
        .watch(
            added(
                job -> {
                  job.setStatus(
                      new JobStatusBuilder()
                          .withSucceeded(1)
                          .withConditions(
                              new JobConditionBuilder()
                                  .withType("Complete")
                                  .withStatus("True")
                                  .build())
                          .build());
                  client.resource(job).updateStatus();
                }));
    client
        .apps()
        .deployments()
        .inAnyNamespace()
        .watch(
            new io.fabric8.kubernetes.client.Watcher<
                io.fabric8.kubernetes.api.model.apps.Deployment>() {
              @Override
              public void eventReceived(
                  Action action, io.fabric8.kubernetes.api.model.apps.Deployment d) {
                // a new or changed Deployment rolls out: its pods are all of its template, ready
                Long generation = d.getMetadata().getGeneration();
                boolean seen =
                    d.getStatus() != null
                        && d.getStatus().getReadyReplicas() != null
                        && java.util.Objects.equals(
                            d.getStatus().getObservedGeneration(), generation);
                if ((action == Action.ADDED || action == Action.MODIFIED) && !seen) {
                  int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                  d.setStatus(
                      new DeploymentStatusBuilder()
                          .withObservedGeneration(generation)
                          .withReplicas(replicas)
                          .withUpdatedReplicas(replicas)
                          .withReadyReplicas(replicas)
                          .build());
                  client.resource(d).updateStatus();
                }
              }

              @Override
              public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
            });
  }

  /** The first container of the Deployment {@code name} in {@code ns}. */
  private static io.fabric8.kubernetes.api.model.Container container(String ns, String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  private static String image(String ns, String name) {
    return container(ns, name).getImage();
  }

  private static <T> io.fabric8.kubernetes.client.Watcher<T> added(
      java.util.function.Consumer<T> onAdded) {
    return new io.fabric8.kubernetes.client.Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.ADDED) {
          onAdded.accept(resource);
        }
      }

      @Override
      public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
    };
  }

  @Test
  void aMigrationEndsRunningWithItsObjectsInTheCluster() throws Exception {
    String admin = platform.account(node, "kim@example.org");
    Platform.Migration migration = platform.migrate(node, admin, operator(), archive);
    JsonNode done = platform.awaitEnd(node, admin, migration.task(), Duration.ofSeconds(120));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.get("result").get("state").asText()).isEqualTo("running");
    String ns = done.get("result").get("namespace").asText();
    assertThat(ns).isEqualTo("fedimon-example-social");

    assertThat(client.namespaces().withName(ns).get()).isNotNull();
    Secret env = client.secrets().inNamespace(ns).withName("env").get();
    assertThat(env.getStringData())
        .containsEntry("LOCAL_DOMAIN", "example.social")
        .containsEntry("REDIS_HOST", "redis")
        .containsKey("DB_PASS");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).hasSize(1);
    List<String> deployments =
        client.apps().deployments().inNamespace(ns).list().getItems().stream()
            .map(d -> d.getMetadata().getName())
            .toList();
    assertThat(deployments).containsExactlyInAnyOrder("web", "streaming", "sidekiq");
    assertThat(image(ns, "web")).startsWith("ghcr.io/mastodon/mastodon:v");
    Ingress ingress = client.network().v1().ingresses().inNamespace(ns).withName("web").get();
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("example.social");
    assertThat(
            client.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
                .map(j -> j.getMetadata().getName()))
        .as("a Job per release, so that an upgrade runs its migrations anew")
        .contains("db-migrate-v4-3", "db-migrate-post-v4-3", "feeds-build-v4-3");

    JsonNode log =
        platform
            .call(node, "GET", "/api/v1/tasks/" + migration.task() + "/log", admin, null)
            .json();
    assertThat(log.toString())
        .contains("the Job db-migrate-v4-3 finished")
        .contains("2 of the 4 cached media files of other servers")
        .contains("answers as example.social");
    controls(migration.instance(), ns, admin);
    plan(migration.instance(), ns, admin);
    upgrade(migration.instance(), ns, admin);
    mediaRefresh(migration.instance(), ns, admin);
    deletion(migration.instance(), ns, admin);
  }

  /** Another plan: web, streaming and Sidekiq updated with its resources. */
  private static void plan(String instance, String ns, String admin) {
    String base = "/api/v1/instances/" + instance + "/plan";
    assertThat(platform.call(node, "POST", base, admin, java.util.Map.of("plan", "huge")).status())
        .isEqualTo(400);
    String other = platform.account(node, "sizer@example.org");
    assertThat(platform.call(node, "POST", base, other, java.util.Map.of("plan", "large")).status())
        .isEqualTo(404);
    Platform.Answer changed =
        platform.call(node, "POST", base, admin, java.util.Map.of("plan", "medium"));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().get("state").asText()).isEqualTo("running");
    assertThat(container(ns, "web").getResources().getRequests().get("memory").toString())
        .isEqualTo("1536Mi");
  }

  /**
   * An upgrade to a newer line of the same fork: the database's migrations with the new image to
   * their end before web, streaming and Sidekiq roll onto it, then the post-deployment ones.
   */
  private static void upgrade(String instance, String ns, String admin) {
    String base = "/api/v1/instances/" + instance + "/upgrade";
    JsonNode offer = platform.call(node, "GET", base, admin, null).json();
    assertThat(offer.get("fork").asText()).isEqualTo("mastodon");
    assertThat(offer.get("release").asText()).isEqualTo("4.3");
    assertThat(offer.get("available")).extracting(JsonNode::asText).containsExactly("4.4", "4.5");
    assertThat(offer.get("forks"))
        .extracting(JsonNode::asText)
        .containsExactly("glitch-soc 4.4", "glitch-soc 4.5");
    String other = platform.account(node, "upgrader@example.org");
    assertThat(platform.call(node, "GET", base, other, null).status()).isEqualTo(404);
    assertThat(
            platform.call(node, "POST", base, other, java.util.Map.of("release", "4.5")).status())
        .isEqualTo(404);
    Platform.Answer older =
        platform.call(node, "POST", base, admin, java.util.Map.of("release", "4.2"));
    assertThat(older.status()).isEqualTo(400);
    assertThat(older.json().get("detail").asText()).contains("not newer than 4.3");
    Platform.Answer none =
        platform.call(node, "POST", base, admin, java.util.Map.of("release", "4.9"));
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json().get("detail").asText())
        .contains("no image for mastodon 4.9")
        .contains("4.4, 4.5");

    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn("kim@example.org");
      browser.open("/instances/" + instance);
      assertThat(browser.find("#release").getText()).isEqualTo("It runs mastodon 4.3.");
      assertThat(browser.all("#upgrade-choice option"))
          .extracting(org.openqa.selenium.WebElement::getText)
          .containsExactly("mastodon 4.4", "mastodon 4.5", "glitch-soc 4.4", "glitch-soc 4.5");
      assertThat(browser.find("#fork-hint").getText()).contains("does not move back");
    }
    Platform.Answer started =
        platform.call(node, "POST", base, admin, java.util.Map.of("release", "4.5"));
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.json().get("kind").asText()).isEqualTo("upgrade");
    Platform.Answer twice =
        platform.call(node, "POST", base, admin, java.util.Map.of("release", "4.5"));
    // the first is under way, or has just ended and 4.5 is no longer newer
    assertThat(twice.status()).isIn(400, 409);
    String task = started.json().get("id").asText();
    JsonNode done = platform.awaitEnd(node, admin, task, Duration.ofSeconds(60));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
    assertThat(done.get("steps"))
        .extracting(JsonNode::asText)
        .containsExactly("migrate", "roll", "after");
    assertThat(done.get("result").get("state").asText()).isEqualTo("running");
    assertThat(done.get("result").get("release").asText()).isEqualTo("4.5");

    for (String component : List.of("web", "sidekiq")) {
      assertThat(image(ns, component)).isEqualTo("ghcr.io/mastodon/mastodon:v4.5");
    }
    assertThat(image(ns, "streaming")).isEqualTo("ghcr.io/mastodon/mastodon-streaming:v4.5");
    io.fabric8.kubernetes.api.model.batch.v1.Job migrate =
        client.batch().v1().jobs().inNamespace(ns).withName("db-migrate-v4-5").get();
    assertThat(migrate.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/mastodon/mastodon:v4.5");
    assertThat(migrate.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("SKIP_POST_DEPLOYMENT_MIGRATIONS"));
    assertThat(client.batch().v1().jobs().inNamespace(ns).withName("db-migrate-post-v4-5").get())
        .isNotNull();
    // the migrations ran to their end before anything rolled onto the new images
    String log =
        platform.call(node, "GET", "/api/v1/tasks/" + task + "/log", admin, null).json().toString();
    assertThat(log)
        .containsSubsequence(
            "the Job db-migrate-v4-5 finished",
            "applied web, streaming, Sidekiq",
            "web, streaming and Sidekiq are ready",
            "answers as example.social");
    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn("kim@example.org");
      browser.open("/instances/" + instance);
      assertThat(browser.find("#release").getText()).isEqualTo("It runs mastodon 4.5.");
      // no newer Mastodon here: what is left is the move to glitch-soc
      assertThat(browser.all("#upgrade-choice option"))
          .extracting(org.openqa.selenium.WebElement::getText)
          .containsExactly("glitch-soc 4.5");
      assertThat(browser.all("#newest")).isEmpty();
    }
    // two asks at once cannot both start one: the database holds one upgrade under way per
    // instance, whatever the checks before it saw
    social.fedimon.server.task.TaskStore store =
        node.context().getBean(social.fedimon.server.task.TaskStore.class);
    java.util.UUID id = java.util.UUID.fromString(instance);
    java.util.UUID owner =
        node.context()
            .getBean(social.fedimon.server.instance.InstanceStore.class)
            .find(id)
            .orElseThrow()
            .accountId();
    social.fedimon.server.task.Task first =
        store.create(owner, id, "upgrade", List.of("migrate"), null);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store.create(owner, id, "upgrade", List.of("migrate"), null))
        .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
    node.context()
        .getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
        .sql("DELETE FROM task WHERE id = :id")
        .param("id", first.id())
        .update();
    JsonNode after = platform.call(node, "GET", base, admin, null).json();
    assertThat(after.get("release").asText()).isEqualTo("4.5");
    assertThat(after.get("available")).isEmpty();
    assertThat(after.get("forks")).extracting(JsonNode::asText).containsExactly("glitch-soc 4.5");
    // a change of plan later keeps the new release
    platform.call(
        node,
        "POST",
        "/api/v1/instances/" + instance + "/plan",
        admin,
        java.util.Map.of("plan", "small"));
    assertThat(image(ns, "web")).isEqualTo("ghcr.io/mastodon/mastodon:v4.5");
    // from Mastodon to glitch-soc of the same line: its own migrations run, its images run
    Platform.Answer switched =
        platform.call(node, "POST", base, admin, java.util.Map.of("target", "glitch-soc 4.5"));
    assertThat(switched.status()).as(switched.body()).isEqualTo(202);
    JsonNode glitch =
        platform.awaitEnd(node, admin, switched.json().get("id").asText(), Duration.ofSeconds(60));
    assertThat(glitch.get("state").asText()).as(glitch.toString()).isEqualTo("succeeded");
    assertThat(glitch.at("/result/fork").asText()).isEqualTo("glitch-soc");
    assertThat(
            client.batch().v1().jobs().inNamespace(ns).withName("db-migrate-glitchsoc-v4-5").get())
        .as("glitch-soc's migrations ran, not taken for Mastodon's Job of the same line")
        .isNotNull();
    assertThat(image(ns, "web")).isEqualTo("ghcr.io/glitch-soc/mastodon:v4.5");
    JsonNode onGlitch = platform.call(node, "GET", base, admin, null).json();
    assertThat(onGlitch.get("fork").asText()).isEqualTo("glitch-soc");
    assertThat(onGlitch.get("forks")).isEmpty();
    Platform.Answer back =
        platform.call(
            node, "POST", base, admin, java.util.Map.of("fork", "mastodon", "release", "4.5"));
    assertThat(back.status()).isEqualTo(400);
    assertThat(back.json().get("detail").asText()).contains("does not switch to mastodon");
    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn("kim@example.org");
      browser.open("/instances/" + instance);
      assertThat(browser.find("#release").getText()).isEqualTo("It runs glitch-soc 4.5.");
      browser.open("/tasks/" + switched.json().get("id").asText());
      assertThat(browser.find("h1").getText()).isEqualTo("Upgrade");
      assertThat(browser.find("#task-result").getText()).isEqualTo("It runs glitch-soc 4.5.");
      browser.open("/instances/" + instance);
      assertThat(browser.all("#upgrade-form")).isEmpty();
      assertThat(browser.find("#newest").getText()).contains("newest release");
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                platform.mailsTo("kim@example.org").stream()
                    .anyMatch(m -> m.contains("example.social runs its new release")));
  }

  /**
   * The cached media of other servers the backup did not have: counted after the restore, shown,
   * and fetched again by a Job on the owner's word.
   */
  private static void mediaRefresh(String instance, String ns, String admin) {
    String base = "/api/v1/instances/" + instance + "/media-refresh";
    JsonNode counted = platform.call(node, "GET", base, admin, null).json();
    assertThat(counted.get("remote").asLong()).isEqualTo(4);
    assertThat(counted.get("missing").asLong()).isEqualTo(2);
    assertThat(counted.get("days").asInt()).isEqualTo(41);
    assertThat(counted.get("job").isNull()).isTrue();
    String other = platform.account(node, "refresher@example.org");
    assertThat(platform.call(node, "GET", base, other, null).status()).isEqualTo(404);
    assertThat(platform.call(node, "POST", base, other, null).status()).isEqualTo(404);

    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn("kim@example.org");
      browser.open("/instances/" + instance);
      assertThat(browser.find("#cached-media-count").getText())
          .startsWith("2 of the 4 copies of other servers' media")
          .contains("41 days ago");
      assertThat(browser.find("#cached-media .help").getText())
          .contains("tootctl media refresh --days 41 --force");
      // a deletion offers the final export first, as none was made
      assertThat(browser.find("#final-export-form").getText())
          .contains("no export archive of this instance yet")
          .contains("Request an export archive first");
      browser.clickAndWait("#media-refresh-form button");
      assertThat(browser.find("#media-refresh-asked").getText()).contains("media-refresh-");
      assertThat(browser.all("#media-refresh-form")).isEmpty();
    }
    // an operator sees the same instance with what the cluster says of it
    operator();
    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn(Platform.OPERATOR);
      browser.open("/operator/instances/" + instance);
      assertThat(browser.find("#fact-release").getText()).isEqualTo("glitch-soc 4.5");
      assertThat(browser.find("#fact-cached-media").getText()).startsWith("2 of the 4");
      assertThat(browser.find("#cluster table").getText()).contains("web-1");
      assertThat(browser.find("#instance-tasks").getText())
          .contains("Migration")
          .contains("Upgrade");
    }
    JsonNode asked = platform.call(node, "GET", base, admin, null).json();
    String job = asked.get("job").asText();
    assertThat(asked.get("askedAt").isNull()).isFalse();
    io.fabric8.kubernetes.api.model.Container container =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .withName(job)
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(container.getCommand())
        .containsExactly(
            "bin/tootctl", "media", "refresh", "--days", "41", "--force", "--concurrency", "5");
    assertThat(container.getImage()).isEqualTo("ghcr.io/glitch-soc/mastodon:v4.5");
  }

  /** Deleted after the grace period, unless taken back; the owner's only. */
  private static void deletion(String instance, String ns, String admin) throws Exception {
    String base = "/api/v1/instances/" + instance;
    String other = platform.account(node, "thief@example.org");
    assertThat(platform.call(node, "POST", base + "/delete", other, null).status()).isEqualTo(404);
    JsonNode asked = platform.call(node, "POST", base + "/delete", admin, null).json();
    assertThat(java.time.Instant.parse(asked.get("deleteAt").asText()))
        .isAfter(java.time.Instant.now().plus(Duration.ofDays(6)));
    assertThat(platform.call(node, "POST", base + "/delete/cancel", admin, null).status())
        .isEqualTo(200);
    social.fedimon.server.testing.TestClock.Shifted clock =
        node.context().getBean(social.fedimon.server.testing.TestClock.Shifted.class);
    platform.call(node, "POST", base + "/delete", admin, null);
    // within the grace period nothing goes
    clock.advance(Duration.ofDays(6));
    // a whole sweep runs after the clock moved: db-scheduler records its success
    java.time.OffsetDateTime moved = java.time.OffsetDateTime.now();
    org.springframework.jdbc.core.simple.JdbcClient jdbc =
        node.context().getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.sql(
                            "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'fedimon-deletions'"
                                + " AND last_success > :moved")
                        .param("moved", moved)
                        .query(Integer.class)
                        .single()
                    == 1);
    assertThat(client.namespaces().withName(ns).get()).isNotNull();
    clock.advance(Duration.ofDays(2));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !platform
                    .call(node, "GET", base + "/deletion", admin, null)
                    .json()
                    .get("deletedAt")
                    .isNull());
    assertThat(client.namespaces().withName(ns).get()).isNull();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                platform.mailsTo("kim@example.org").stream()
                    .anyMatch(m -> m.contains("example.social is deleted")));
    assertThat(platform.mailsTo("kim@example.org"))
        .anyMatch(m -> m.contains("example.social will be deleted"));
    String tenant =
        social.fedimon.server.tenant.TenantDatabases.nameFor(java.util.UUID.fromString(instance));
    assertThat(
            node.context()
                .getBean(social.fedimon.server.tenant.TenantDatabases.class)
                .exists(tenant))
        .as("the tenant database is dropped")
        .isFalse();
    assertThat(platform.call(node, "POST", base + "/delete/cancel", admin, null).status())
        .as("too late to take back")
        .isEqualTo(409);
    // the pages say so, and offer nothing of a running instance
    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn("kim@example.org");
      assertThat(browser.text()).contains("Deleted");
      browser.open("/instances/" + instance);
      assertThat(browser.find(".badge").getText()).isEqualTo("Deleted");
      assertThat(browser.find("#deleted").getText()).contains("was deleted on");
      assertThat(browser.all("#cluster")).isEmpty();
      assertThat(browser.all("#plan")).isEmpty();
      assertThat(browser.all("#delete")).isEmpty();
    }
  }

  /** The owner's controls: status from the pods the cluster reports, stop, start, restart. */
  private static void controls(String instance, String ns, String admin) {
    String base = "/api/v1/instances/" + instance;
    client
        .pods()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace(ns)
                .addToLabels("app.kubernetes.io/component", "web")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .addNewContainerStatus()
                .withName("web")
                .withRestartCount(2)
                .endContainerStatus()
                .endStatus()
                .build())
        .create();
    JsonNode status = platform.call(node, "GET", base + "/cluster", admin, null).json();
    assertThat(status.get("namespace").asText()).isEqualTo(ns);
    assertThat(status.get("pods").toString())
        .contains("\"name\":\"web-1\"")
        .contains("\"component\":\"web\"")
        .contains("\"ready\":true")
        .contains("\"restarts\":2");
    assertThat(status.get("replicas").get("web").asInt()).isEqualTo(1);
    String other = platform.account(node, "nosy@example.org");
    assertThat(platform.call(node, "GET", base + "/cluster", other, null).status()).isEqualTo(404);
    assertThat(platform.call(node, "POST", base + "/stop", other, null).status()).isEqualTo(404);

    // on the instance page: what the cluster says, stop and start
    try (social.fedimon.server.testing.Browser browser =
        new social.fedimon.server.testing.Browser(node, "en")) {
      browser.logIn("kim@example.org");
      browser.open("/instances/" + instance);
      assertThat(browser.find(".badge").getText()).isEqualTo("Running");
      assertThat(browser.find("#cluster tr[data-component=web]").getText())
          .contains("web-1")
          .contains("Running")
          .contains("yes")
          .endsWith("2");
      assertThat(browser.accessibilityProblems()).as("axe-core").isEmpty();
      browser.clickAndWait("#stop-form button");
      assertThat(client.apps().deployments().inNamespace(ns).list().getItems())
          .allMatch(d -> d.getSpec().getReplicas() == 0);
      // stopped, nothing lost
      assertThat(client.apps().statefulSets().inNamespace(ns).withName("redis").get()).isNotNull();
      assertThat(client.secrets().inNamespace(ns).withName("env").get()).isNotNull();
      assertThat(browser.find("#cluster").getText()).contains("Your instance is stopped");
      browser.clickAndWait("#start-form button");
      assertThat(client.apps().deployments().inNamespace(ns).list().getItems())
          .allMatch(d -> d.getSpec().getReplicas() == 1);
      assertThat(browser.all("#stop-form")).hasSize(1);
      browser.screenshot("instance-on-cluster");
    }
    assertThat(platform.call(node, "POST", base + "/restart", admin, null).status()).isEqualTo(200);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsKey("kubectl.kubernetes.io/restartedAt");
  }

  @Test
  void anInstanceThatNeverAnswersFailsTheTaskWithWhatTheClusterSaid() {
    String admin = platform.account(node, "lou@example.org");
    Platform.Migration migration =
        platform.migrate(
            node,
            admin,
            operator(),
            archive.getParent().resolve("silent.tar.gz"),
            "silent.example");
    JsonNode failed = platform.awaitEnd(node, admin, migration.task(), Duration.ofSeconds(120));
    assertThat(failed.get("state").asText()).as(failed.toString()).isEqualTo("failed");
    assertThat(failed.get("step").asText()).isEqualTo("ready");
    assertThat(failed.get("problem").get("code").asText()).isEqualTo("not-running");
    assertThat(failed.get("problem").get("message").asText())
        .contains("gave up waiting for http://127.0.0.1:")
        .contains("/silent.example/health")
        .contains("The cluster");
  }

  private static String operator;

  /** The operator's token; the account is made by the first test that needs it. */
  private static synchronized String operator() {
    if (operator == null) {
      operator = platform.account(node, Platform.OPERATOR);
    }
    return operator;
  }
}
