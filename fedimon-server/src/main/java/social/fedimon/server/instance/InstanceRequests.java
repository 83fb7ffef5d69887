package social.fedimon.server.instance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.IDN;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import social.fedimon.server.migration.MigrateIn;
import social.fedimon.server.task.TaskService;

/**
 * Instance requests as the console's form files them: checked field by field (each error is a
 * message key, shown next to its field), then the instance and its migration task.
 */
@Service
public class InstanceRequests {

  private static final Pattern HOST_LABELS =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,253}");

  /** What the form asks; every field as typed. */
  public record Form(
      @Nullable String localDomain,
      @Nullable String webDomain,
      @Nullable String kind,
      @Nullable String software,
      @Nullable String version,
      @Nullable String accounts,
      @Nullable String databaseGb,
      @Nullable String mediaGb,
      @Nullable String media,
      @Nullable String when,
      @Nullable String date,
      @Nullable String contactEmail) {

    /** An empty form, with the defaults the page preselects. */
    public static Form blank(String email) {
      return new Form(
          "", "", "migration", "mastodon", "", "", "", "", "archive", "asap", "", email);
    }
  }

  /** The software a request may name. */
  public static final java.util.List<String> SOFTWARE =
      java.util.List.of("mastodon", "glitch-soc", "hometown", "other");

  /** Where the media are. */
  public static final java.util.List<String> MEDIA = java.util.List.of("archive", "s3", "none");

  private final InstanceStore instances;
  private final TaskService tasks;
  private final JdbcClient jdbc;
  private final ObjectMapper json;
  private final java.time.Clock clock;
  private final org.springframework.context.ApplicationEventPublisher events;

  InstanceRequests(
      InstanceStore instances,
      TaskService tasks,
      JdbcClient jdbc,
      ObjectMapper json,
      java.time.Clock clock,
      org.springframework.context.ApplicationEventPublisher events) {
    this.events = events;
    this.instances = instances;
    this.tasks = tasks;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /** The problems of a form: field name to message key; empty when it can be filed. */
  public Map<String, String> check(Form form) {
    Map<String, String> errors = new LinkedHashMap<>();
    if (domain(form.localDomain()).isEmpty()) {
      errors.put("localDomain", "request.error.domain");
    }
    if (!blank(form.webDomain()) && domain(form.webDomain()).isEmpty()) {
      errors.put("webDomain", "request.error.domain");
    }
    if (!"migration".equals(form.kind()) && !"new".equals(form.kind())) {
      errors.put("kind", "request.error.choose");
    }
    if (!SOFTWARE.contains(String.valueOf(form.software()))) {
      errors.put("software", "request.error.choose");
    }
    if ("migration".equals(form.kind())
        && (blank(form.version())
            || !form.version().strip().matches("v?\\d+\\.\\d+(\\.\\d+)?.{0,40}"))) {
      errors.put("version", "request.error.version");
    }
    for (String field : new String[] {"accounts", "databaseGb", "mediaGb"}) {
      String value =
          switch (field) {
            case "accounts" -> form.accounts();
            case "databaseGb" -> form.databaseGb();
            default -> form.mediaGb();
          };
      if (!blank(value) && number(value) < 0) {
        errors.put(field, "request.error.number");
      }
    }
    if (!MEDIA.contains(String.valueOf(form.media()))) {
      errors.put("media", "request.error.choose");
    }
    if ("date".equals(form.when())) {
      LocalDate date = date(form.date());
      if (date == null) {
        errors.put("date", "request.error.date");
      } else if (!date.isAfter(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
        errors.put("date", "request.error.past");
      }
    } else if (!"asap".equals(form.when())) {
      errors.put("when", "request.error.choose");
    }
    if (blank(form.contactEmail()) || !EMAIL.matcher(form.contactEmail().strip()).matches()) {
      errors.put("contactEmail", "request.error.email");
    }
    return errors;
  }

  /**
   * Files a checked request: the instance and its migration task, which waits for the backup.
   *
   * @return empty if another instance has this domain on the platform
   */
  public Optional<Instance> file(UUID accountId, Form form) {
    String domain = domain(form.localDomain()).orElseThrow();
    Optional<Instance> made = instances.create(accountId, domain);
    if (made.isEmpty()) {
      return made;
    }
    UUID id = made.get().id();
    ObjectNode request = json.createObjectNode();
    request.put("kind", form.kind());
    request.put("software", form.software());
    if (!blank(form.version())) {
      request.put("version", form.version().strip());
    }
    putNumber(request, "accounts", form.accounts());
    putNumber(request, "databaseGb", form.databaseGb());
    putNumber(request, "mediaGb", form.mediaGb());
    request.put("media", form.media());
    request.put("contactEmail", form.contactEmail().strip());
    String web = blank(form.webDomain()) ? null : domain(form.webDomain()).orElseThrow();
    jdbc.sql(
            "UPDATE instance SET web_domain = :web, request = CAST(:request AS jsonb) WHERE id = :id")
        .param("web", domain.equals(web) ? null : web)
        .param("request", request.toString())
        .param("id", id)
        .update();
    if ("date".equals(form.when())) {
      instances.scheduledAt(id, date(form.date()).atTime(6, 0).toInstant(ZoneOffset.UTC));
    }
    tasks.start(MigrateIn.NAME, accountId, id);
    events.publishEvent(new InstanceEvent(id, "request-received", ""));
    return instances.find(id);
  }

  /** What the request form said of an instance (an empty object for API requests). */
  public com.fasterxml.jackson.databind.JsonNode request(UUID id) {
    String text =
        jdbc.sql("SELECT request::text FROM instance WHERE id = :id")
            .param("id", id)
            .query(String.class)
            .optional()
            .orElse("{}");
    try {
      return json.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return json.createObjectNode();
    }
  }

  /** A domain name as typed (Unicode or not) in punycode, lower case; empty if it is not one. */
  public static Optional<String> domain(@Nullable String given) {
    if (given == null || given.isBlank()) {
      return Optional.empty();
    }
    String ascii;
    try {
      ascii = IDN.toASCII(given.strip(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (ascii.endsWith(".")) {
      ascii = ascii.substring(0, ascii.length() - 1);
    }
    return HOST_LABELS.matcher(ascii).matches() ? Optional.of(ascii) : Optional.empty();
  }

  private static void putNumber(ObjectNode node, String name, @Nullable String value) {
    if (!blank(value)) {
      node.put(name, number(value));
    }
  }

  private static long number(String value) {
    try {
      long n = Long.parseLong(value.strip().replace("_", "").replace(",", "").replace(" ", ""));
      return n < 0 || n > 1_000_000_000L ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static @Nullable LocalDate date(@Nullable String value) {
    try {
      return value == null ? null : LocalDate.parse(value.strip());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static boolean blank(@Nullable String value) {
    return value == null || value.isBlank();
  }
}
