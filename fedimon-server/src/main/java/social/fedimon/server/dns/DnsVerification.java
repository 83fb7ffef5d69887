package social.fedimon.server.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import social.fedimon.server.instance.Instance;
import social.fedimon.server.instance.InstanceStore;
import social.fedimon.server.instance.Milestones;

/**
 * Checks an instance's records ("Check now", and every {@code fedimon.dns.check-interval} for the
 * instances still waiting for theirs), keeps the verdicts for its page, and once every record is
 * correct marks the DNS verified: the migration's wait step goes on.
 */
@Service
public class DnsVerification {

  private static final Logger log = LoggerFactory.getLogger(DnsVerification.class);

  /** The last check of an instance. */
  public record LastCheck(Instant at, List<Row> records) {}

  /** One record as the page shows it. */
  public record Row(
      String name, String type, String value, String purpose, String verdict, List<String> found) {}

  private final DnsRecords records;
  private final DnsCheck check;
  private final InstanceStore instances;
  private final Milestones milestones;
  private final JdbcClient jdbc;
  private final ObjectMapper json;
  private final Clock clock;

  DnsVerification(
      DnsRecords records,
      DnsCheck check,
      InstanceStore instances,
      Milestones milestones,
      JdbcClient jdbc,
      ObjectMapper json,
      Clock clock) {
    this.records = records;
    this.check = check;
    this.instances = instances;
    this.milestones = milestones;
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /** The records the instance needs. */
  public List<DnsRecords.Expected> expected(Instance instance) {
    return records.expected(instance.localDomain(), instance.webDomain(), instance.dnsToken());
  }

  /** Checks now; true if every record is correct (the DNS is then marked verified). */
  public boolean checkNow(Instance instance) {
    if (!records.properties().configured()) {
      return false; // nothing the names could point to yet
    }
    List<DnsCheck.Verdict> verdicts = check.check(expected(instance));
    ArrayNode stored = json.createArrayNode();
    for (DnsCheck.Verdict verdict : verdicts) {
      ObjectNode row = stored.addObject();
      row.put("name", verdict.expected().name());
      row.put("type", verdict.expected().type());
      row.put("value", verdict.expected().value());
      row.put("purpose", verdict.expected().purpose());
      row.put("verdict", verdict.verdict());
      ArrayNode found = row.putArray("found");
      verdict.found().forEach(found::add);
    }
    jdbc.sql(
            "UPDATE instance SET dns_checked_at = :now, dns_check = CAST(:check AS jsonb)"
                + " WHERE id = :id")
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .param("check", stored.toString())
        .param("id", instance.id())
        .update();
    boolean correct = !verdicts.isEmpty() && verdicts.stream().allMatch(DnsCheck.Verdict::correct);
    if (correct && instance.dnsVerifiedAt() == null) {
      milestones.mark(instance.id(), InstanceStore.Milestone.DNS_VERIFIED, "");
      log.info("instance {}: DNS verified", instance.id());
    }
    return correct;
  }

  /**
   * Each record the instance needs with its verdict at the last check ({@code unchecked} if that
   * check did not see it), and when that was (null: never).
   */
  public Status status(Instance instance) {
    LastCheck last = last(instance.id()).orElse(null);
    List<Row> rows = new java.util.ArrayList<>();
    for (DnsRecords.Expected e : expected(instance)) {
      rows.add(
          (last == null ? List.<Row>of() : last.records())
              .stream()
                  .filter(
                      r ->
                          r.name().equals(e.name())
                              && r.type().equals(e.type())
                              && r.value().equals(e.value()))
                  .findFirst()
                  .orElse(
                      new Row(e.name(), e.type(), e.value(), e.purpose(), "unchecked", List.of())));
    }
    return new Status(last == null ? null : last.at(), rows);
  }

  /** The records and their verdicts. */
  public record Status(@org.jspecify.annotations.Nullable Instant checkedAt, List<Row> records) {}

  /** The last check, if there was one. */
  public Optional<LastCheck> last(UUID id) {
    return jdbc.sql("SELECT dns_checked_at, dns_check::text AS rows FROM instance WHERE id = :id")
        .param("id", id)
        .query(
            (rs, n) -> {
              OffsetDateTime at = rs.getObject("dns_checked_at", OffsetDateTime.class);
              String text = rs.getString("rows");
              return at == null || text == null ? null : new LastCheck(at.toInstant(), rows(text));
            })
        .optional();
  }

  private List<Row> rows(String text) {
    try {
      JsonNode array = json.readTree(text);
      List<Row> rows = new java.util.ArrayList<>();
      for (JsonNode r : array) {
        List<String> found = new java.util.ArrayList<>();
        r.path("found").forEach(f -> found.add(f.asText()));
        rows.add(
            new Row(
                r.path("name").asText(),
                r.path("type").asText(),
                r.path("value").asText(),
                r.path("purpose").asText(),
                r.path("verdict").asText(),
                found));
      }
      return rows;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return List.of();
    }
  }

  /** Every instance still waiting for its DNS, checked. */
  void checkWaiting() {
    List<UUID> waiting =
        jdbc.sql(
                "SELECT id FROM instance WHERE dns_verified_at IS NULL AND declined_at IS NULL"
                    + " ORDER BY dns_checked_at NULLS FIRST LIMIT 500")
            .query(UUID.class)
            .list();
    for (UUID id : waiting) {
      instances.find(id).ifPresent(this::checkNow);
    }
  }

  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Schedule {
    @Bean
    RecurringTask<Void> fedimonDnsChecks(
        DnsVerification verification,
        @org.springframework.beans.factory.annotation.Value("${fedimon.dns.check-interval:PT10M}")
            java.time.Duration interval) {
      return Tasks.recurring("fedimon-dns-checks", FixedDelay.of(interval))
          .execute((instance, context) -> verification.checkWaiting());
    }
  }
}
