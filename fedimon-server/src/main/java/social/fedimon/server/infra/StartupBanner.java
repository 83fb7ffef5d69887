package social.fedimon.server.infra;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import social.fedimon.engine.FedimonVersion;
import social.fedimon.engine.media.ObjectStore;
import social.fedimon.server.mail.OutboxMailSender;

/**
 * Tells the person who ran {@code serve} where to go and where their data is, once the server
 * answers requests.
 */
@Component
class StartupBanner {

  private final FedimonProperties properties;
  private final DataDirectory dataDirectory;
  private final ObjectProvider<EmbeddedPostgresServer> embeddedPostgres;
  private final ObjectProvider<EmbeddedObjectStorage> embeddedObjects;
  private final ObjectStore objectStore;
  private final JavaMailSender mailSender;
  private final Installation installation;

  StartupBanner(
      FedimonProperties properties,
      DataDirectory dataDirectory,
      ObjectProvider<EmbeddedPostgresServer> embeddedPostgres,
      ObjectProvider<EmbeddedObjectStorage> embeddedObjects,
      ObjectStore objectStore,
      JavaMailSender mailSender,
      Installation installation) {
    this.properties = properties;
    this.dataDirectory = dataDirectory;
    this.embeddedPostgres = embeddedPostgres;
    this.embeddedObjects = embeddedObjects;
    this.objectStore = objectStore;
    this.mailSender = mailSender;
    this.installation = installation;
  }

  @EventListener
  void onReady(ApplicationReadyEvent event) {
    if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
      print(System.out, URI.create(baseUrl(web)), event.getTimeTaken());
    }
  }

  @EventListener
  void onClose(ContextClosedEvent event) {
    System.out.println(
        "Stopping FédiMon: finishing requests in flight, then the embedded parts. Data stays in "
            + dataDirectory.root());
    System.out.flush();
  }

  private String baseUrl(WebServerApplicationContext web) {
    String address = web.getEnvironment().getProperty("server.address", "127.0.0.1");
    String host = address.isBlank() || address.equals("0.0.0.0") ? "127.0.0.1" : address;
    return "http://"
        + (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + web.getWebServer().getPort();
  }

  void print(PrintStream out, URI local, @Nullable Duration startup) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add(
        "FédiMon "
            + FedimonVersion.current()
            + " is running"
            + (startup == null
                ? "."
                : String.format(" (started in %.1f s).", startup.toMillis() / 1000.0)));
    lines.add(row("Console", local + "/"));
    if (properties.publicUrl() != null) {
      lines.add(row("Public URL", properties.publicUrl().toString()));
    }
    lines.add(row("Health", local + "/actuator/health"));
    lines.add(row("Metrics", local + "/actuator/prometheus"));
    lines.add(row("Data folder", dataDirectory.root().toString()));
    EmbeddedPostgresServer postgres = embeddedPostgres.getIfAvailable();
    lines.add(
        row(
            "Database",
            postgres != null
                ? "embedded PostgreSQL "
                    + postgres.version()
                    + " on 127.0.0.1:"
                    + postgres.port()
                    + ", data in "
                    + postgres.cluster()
                : "external, " + ConnectionUrls.redact(properties.database().url())));
    EmbeddedObjectStorage objects = embeddedObjects.getIfAvailable();
    lines.add(
        row(
            "Objects",
            objects != null
                ? "embedded S3 (S3Proxy) at "
                    + objects.server().endpoint()
                    + ", "
                    + objectStore.location()
                    + ", files in "
                    + objects.objects()
                : "external, " + objectStore.location()));
    lines.add(
        row(
            "Mail",
            mailSender instanceof OutboxMailSender outbox
                ? "not sent: written as .eml files to " + outbox.outbox()
                : "relayed through "
                    + ConnectionUrls.redact(String.valueOf(properties.smtp().url()))));
    lines.add(
        row(
            "Installation",
            installation.identity().id()
                + ", first started "
                + installation.identity().createdAt()));
    lines.add("Press Ctrl-C to stop.");
    lines.add("");
    out.println(String.join(System.lineSeparator(), lines));
    out.flush();
  }

  private static String row(String label, String value) {
    return String.format("  %-13s %s", label, value);
  }
}
