package social.fedimon.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;
import social.fedimon.engine.media.S3Settings;
import social.fedimon.engine.testing.FixtureDatabase;
import social.fedimon.engine.testing.S3ProxyFixture;
import social.fedimon.server.FedimonServer;
import social.fedimon.server.infra.TestDataFolders;

/**
 * A FédiMon platform for tests: a platform database on the machine's PostgreSQL, a bucket on the
 * tests' S3Proxy, tenant databases made by a CREATEROLE/CREATEDB role on the same server, mail in
 * the outbox, and nodes ({@code serve} in this JVM) started on it. Talks to them over HTTP as a
 * script would.
 */
public final class Platform implements AutoCloseable {

  /** The role that makes tenant databases in tests: may create roles and databases, no more. */
  public static final String TENANT_ADMIN = "fedimon_test_tenants";

  public static final String OPERATOR = "ops@fedimon.test";

  static {
    FixtureDatabase.execute(
        "postgres",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
            + TENANT_ADMIN
            + "') THEN CREATE ROLE "
            + TENANT_ADMIN
            + " LOGIN CREATEROLE CREATEDB NOSUPERUSER; END IF; END $$");
  }

  public final String database;
  public final S3Settings s3;
  public final Path data;
  private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private final boolean embedded;

  public Platform(String name) {
    this(name, false);
  }

  private Platform(String name, boolean embedded) {
    this.embedded = embedded;
    database = embedded ? "" : FixtureDatabase.create("fedimon_" + name);
    s3 =
        embedded
            ? S3ProxyFixture.settings(URI.create("http://127.0.0.1:1"), "unused")
            : S3ProxyFixture.newBucket();
    data = TestDataFolders.create(name);
  }

  /**
   * A platform on embedded defaults, as {@code bin/fedimon serve} runs it: its PostgreSQL (tenant
   * databases included), S3Proxy and outbox under one data folder. One node only.
   */
  public static Platform embedded(String name) {
    return new Platform(name, true);
  }

  /** The arguments a node of this platform starts with. */
  public List<String> arguments() {
    if (embedded) {
      return List.of(
          "--server.port=0",
          "--fedimon.data-dir=" + data,
          "--fedimon.operators=" + OPERATOR,
          "--db-scheduler.polling-interval=300ms",
          "--fedimon.tasks.progress-interval=200ms",
          "--fedimon.tasks.wait-recheck=2s",
          RATE_LIMITS_OFF);
    }
    return List.of(
        "--server.port=0",
        "--fedimon.data-dir=" + data,
        "--fedimon.master-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "--fedimon.database.url=postgresql://postgres@127.0.0.1:5432/" + database,
        "--fedimon.tenant.database.url=postgresql://" + TENANT_ADMIN + "@127.0.0.1:5432/postgres",
        "--fedimon.s3.endpoint=" + s3.endpoint(),
        "--fedimon.s3.bucket=" + s3.bucket(),
        "--fedimon.s3.access-key=" + s3.accessKey(),
        "--fedimon.s3.secret-key=" + s3.secretKey(),
        "--fedimon.s3.checksums-when-required=true",
        "--fedimon.operators=" + OPERATOR,
        "--db-scheduler.polling-interval=300ms",
        "--db-scheduler.heartbeat-interval=1s",
        "--db-scheduler.missed-heartbeats-limit=4",
        "--fedimon.tasks.progress-interval=200ms",
        "--fedimon.tasks.retry-backoff=1s",
        "--fedimon.tasks.wait-recheck=2s",
        RATE_LIMITS_OFF);
  }

  /** Tests sign many accounts up and in from one address: the limits are a thousand times wider. */
  public static final String RATE_LIMITS_OFF = "--fedimon.rate-limits.scale=1000";

  /** Starts a node in this JVM; each node has a data folder of its own for its logs. */
  public Node start(String... extra) {
    List<String> args = new ArrayList<>(arguments());
    if (!nodes.isEmpty() || !forked.isEmpty()) {
      Path folder = TestDataFolders.create("node");
      folders.add(folder);
      args.set(1, "--fedimon.data-dir=" + folder);
    }
    args.addAll(Arrays.asList(extra));
    ConfigurableApplicationContext context = FedimonServer.start(args.toArray(String[]::new));
    nodes.add(context);
    String port = context.getEnvironment().getProperty("local.server.port");
    return new Node(URI.create("http://127.0.0.1:" + port), context);
  }

  /**
   * Starts a node in a JVM of its own (the test's class path), to be killed as a real node dies;
   * returns once it answers.
   */
  public Forked fork(String... extra) {
    try {
      int port;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Path folder = TestDataFolders.create("forked");
      folders.add(folder);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx512m");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(FedimonServer.class.getName());
      List<String> args = new ArrayList<>(arguments());
      args.set(0, "--server.port=" + port);
      args.set(1, "--fedimon.data-dir=" + folder);
      command.addAll(args);
      command.addAll(Arrays.asList(extra));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      forked.add(process);
      Node node = new Node(URI.create("http://127.0.0.1:" + port), null);
      // its console is copied to a file; the banner says when it serves
      java.util.concurrent.CompletableFuture<Boolean> serving =
          new java.util.concurrent.CompletableFuture<>();
      Thread copier =
          new Thread(
              () -> {
                try (var in =
                        new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                process.getInputStream(),
                                java.nio.charset.StandardCharsets.UTF_8));
                    var out = Files.newBufferedWriter(folder.resolve("console.log"))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    if (line.contains(SERVING)) {
                      serving.complete(true);
                    }
                  }
                } catch (IOException e) {
                  // the process is gone
                }
                serving.complete(false);
              },
              "forked-console");
      copier.setDaemon(true);
      copier.start();
      Boolean up;
      try {
        up = serving.get(90, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        up = false;
      }
      if (up) {
        return new Forked(node, process);
      }
      throw new AssertionError(
          "the forked node did not start: " + Files.readString(folder.resolve("console.log")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the start-up banner prints last, once the server serves. */
  private static final String SERVING = "Press Ctrl-C to stop.";

  /** A node in a JVM of its own. */
  public record Forked(Node node, Process process) {}

  private final List<Process> forked = new ArrayList<>();

  /** Every node's data folder: each has its outbox. */
  private final List<Path> folders = new ArrayList<>();

  @Override
  public void close() {
    for (Process process : forked) {
      process.destroyForcibly();
    }
    for (ConfigurableApplicationContext node : nodes) {
      node.close();
    }
    if (!embedded) {
      FixtureDatabase.drop(database);
    }
  }

  /** A node's address and its Spring context. */
  public record Node(
      URI base, @org.jspecify.annotations.Nullable ConfigurableApplicationContext context) {}

  // --- HTTP, as a script would use the API

  /** An answer: status and body (JSON when it parses). */
  public record Answer(int status, String body, JsonNode json) {}

  public Answer call(Node node, String method, String path, String token, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(node.base().resolve(path)).timeout(Duration.ofSeconds(60));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      if (body instanceof Path file) {
        request.method(method, HttpRequest.BodyPublishers.ofFile(file));
      } else if (body != null) {
        request.header("Content-Type", "application/json");
        request.method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode parsed;
      try {
        parsed = json.readTree(response.body());
      } catch (IOException e) {
        parsed = json.nullNode();
      }
      return new Answer(
          response.statusCode(), response.body(), parsed == null ? json.nullNode() : parsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Signs up, follows the link in the verification mail, returns a token. */
  public String account(Node node, String email) {
    Answer signUp =
        call(
            node,
            "POST",
            "/api/v1/accounts",
            null,
            java.util.Map.of("email", email, "password", "correct horse battery"));
    if (signUp.status() != 201) {
      throw new AssertionError("sign-up: " + signUp.status() + " " + signUp.body());
    }
    String link = verificationLink(email);
    Answer verified =
        call(
            node,
            "GET",
            URI.create(link).getRawPath() + "?" + URI.create(link).getRawQuery(),
            null,
            null);
    if (verified.status() != 200) {
      throw new AssertionError("verify: " + verified.status());
    }
    Answer token =
        call(
            node,
            "POST",
            "/api/v1/tokens",
            null,
            java.util.Map.of("email", email, "password", "correct horse battery"));
    if (token.status() != 201) {
      throw new AssertionError("token: " + token.status() + " " + token.body());
    }
    return token.json().get("token").asText();
  }

  /** The link of the newest verification mail to {@code email} in the outbox. */
  public String verificationLink(String email) {
    return mailLink(email, "/accounts/verify?token=");
  }

  /**
   * The first link containing {@code path} in the newest mail to {@code email} that has one, in the
   * outboxes of this platform's nodes.
   */
  public String mailLink(String email, String path) {
    Pattern link = Pattern.compile("https?://[^\\s\"<>]+" + Pattern.quote(path) + "[^\\s\"<>]+");
    for (String mail : mailsTo(email)) {
      Matcher matcher = link.matcher(mail.replace("=3D", "="));
      if (matcher.find()) {
        return matcher.group();
      }
    }
    throw new AssertionError("no mail to " + email + " with a link to " + path);
  }

  /**
   * The mails to {@code email} in the outboxes of this platform's nodes, newest first, as their
   * files hold them (soft line breaks of quoted-printable joined).
   */
  public List<String> mailsTo(String email) {
    List<Path> outboxes = new ArrayList<>();
    outboxes.add(data.resolve("outbox"));
    folders.forEach(folder -> outboxes.add(folder.resolve("outbox")));
    List<Path> all = new ArrayList<>();
    for (Path outbox : outboxes) {
      if (Files.isDirectory(outbox)) {
        try (Stream<Path> files = Files.walk(outbox)) {
          all.addAll(files.filter(Files::isRegularFile).toList());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    all.sort(java.util.Comparator.comparing(Path::getFileName));
    try {
      List<Path> mails = all;
      java.util.Collections.reverse(mails);
      List<String> to = new ArrayList<>();
      for (Path file : mails) {
        String mail =
            Files.readString(file, StandardCharsets.UTF_8).replace("=\r\n", "").replace("=\n", "");
        if (mail.contains(email)) {
          to.add(mail);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A migration filed by an admin, its backup sent, and every go given. */
  public record Migration(String instance, String task) {}

  /**
   * Files a request for {@code example.social}, sends {@code archive}, has the operator approve and
   * verify DNS and the admin confirm: the restore starts as soon as a node takes it.
   */
  public Migration migrate(Node node, String admin, String operator, Path archive) {
    return migrate(node, admin, operator, archive, "example.social");
  }

  /** The same, for an instance of {@code domain} (the archive's LOCAL_DOMAIN). */
  public Migration migrate(Node node, String admin, String operator, Path archive, String domain) {
    Answer filed =
        call(node, "POST", "/api/v1/instances", admin, java.util.Map.of("localDomain", domain));
    if (filed.status() != 201) {
      throw new AssertionError("file: " + filed.status() + " " + filed.body());
    }
    String instance = filed.json().get("id").asText();
    String task = filed.json().get("tasks").get(0).get("id").asText();
    Answer sent = call(node, "PUT", "/api/v1/instances/" + instance + "/backup", admin, archive);
    if (sent.status() != 200) {
      throw new AssertionError("backup: " + sent.status() + " " + sent.body());
    }
    call(node, "POST", "/api/v1/operator/instances/" + instance + "/approve", operator, null);
    call(node, "POST", "/api/v1/operator/instances/" + instance + "/dns-verified", operator, null);
    call(node, "POST", "/api/v1/instances/" + instance + "/confirm", admin, null);
    return new Migration(instance, task);
  }

  /**
   * Reads the task's server-sent events until the server ends the stream: each as "{event} {data}".
   */
  public List<String> events(Node node, String token, String task, Duration timeout) {
    HttpRequest request =
        HttpRequest.newBuilder(node.base().resolve("/api/v1/tasks/" + task + "/events"))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .timeout(timeout)
            .build();
    try {
      HttpResponse<Stream<String>> response =
          http.send(request, HttpResponse.BodyHandlers.ofLines());
      if (response.statusCode() != 200) {
        throw new AssertionError("events: " + response.statusCode());
      }
      List<String> events = new ArrayList<>();
      String name = "message";
      for (String line : (Iterable<String>) response.body()::iterator) {
        if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          events.add(name + " " + line.substring(5).strip());
        } else if (line.isEmpty()) {
          name = "message";
        }
      }
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Follows the task's event stream until a state of it satisfies {@code until} (the stream sends
   * the task when it is opened and at each change, and ends with the task); fails after {@code
   * timeout}.
   */
  /** The task once it has ended: succeeded, failed or cancelled. */
  public JsonNode awaitEnd(Node node, String token, String taskId, Duration timeout) {
    return awaitTask(
        node,
        token,
        taskId,
        timeout,
        t -> t.get("state").asText().matches("succeeded|failed|cancelled"));
  }

  public JsonNode awaitTask(
      Node node, String token, String taskId, Duration timeout, Predicate<JsonNode> until) {
    java.util.concurrent.atomic.AtomicReference<JsonNode> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.CompletableFuture<JsonNode> found =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              while (true) {
                // the stream is closed once read: a client that stops reading an open stream
                // leaves the server writing into a full socket
                try (Stream<String> lines = eventLines(node, token, taskId)) {
                  for (JsonNode task : taskEvents(lines)) {
                    last.set(task);
                    if (until.test(task)) {
                      return task;
                    }
                  }
                }
                JsonNode ended = call(node, "GET", "/api/v1/tasks/" + taskId, token, null).json();
                last.set(ended);
                if (until.test(ended)) {
                  return ended;
                }
                if (ended.path("state").asText().matches("succeeded|failed|cancelled")) {
                  throw new AssertionError("the task ended without getting there: " + ended);
                }
                // the stream ended for another reason (its lifetime): follow it again
              }
            });
    try {
      return found.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      found.cancel(true);
      throw new AssertionError(
          "the task did not get there in "
              + timeout
              + "; its event stream last sent: "
              + last.get()
              + "; a GET says: "
              + call(node, "GET", "/api/v1/tasks/" + taskId, token, null).body()
              + "\n"
              + threads("task-events"));
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof AssertionError failed) {
        throw failed;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The stacks of this JVM's threads whose names start with {@code prefix}: what they wait on. */
  private static String threads(String prefix) {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (thread.getName().startsWith(prefix)) {
                out.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (StackTraceElement frame : stack) {
                  out.append("    at ").append(frame).append('\n');
                }
              }
            });
    return out.toString();
  }

  /** The lines of a task's event stream, as they come. */
  private Stream<String> eventLines(Node node, String token, String task) {
    HttpRequest request =
        HttpRequest.newBuilder(node.base().resolve("/api/v1/tasks/" + task + "/events"))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .build();
    try {
      HttpResponse<Stream<String>> response =
          http.send(request, HttpResponse.BodyHandlers.ofLines());
      if (response.statusCode() != 200) {
        response.body().close();
        throw new AssertionError("events: " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The task states in an event stream's lines. */
  private Iterable<JsonNode> taskEvents(Stream<String> stream) {
    java.util.Iterator<String> lines = stream.iterator();
    return () ->
        new java.util.Iterator<>() {
          JsonNode next;
          String event = "message";

          @Override
          public boolean hasNext() {
            while (next == null && lines.hasNext()) {
              String line = lines.next();
              if (line.startsWith("event:")) {
                event = line.substring(6).strip();
              } else if (line.startsWith("data:") && event.equals("task")) {
                try {
                  next = json.readTree(line.substring(5).strip());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              } else if (line.isEmpty()) {
                event = "message";
              }
            }
            return next != null;
          }

          @Override
          public JsonNode next() {
            hasNext();
            JsonNode value = next;
            next = null;
            return value;
          }
        };
  }

  public static UUID uuid(JsonNode node) {
    return UUID.fromString(node.asText());
  }
}
