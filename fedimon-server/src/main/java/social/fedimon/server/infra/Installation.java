package social.fedimon.server.infra;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** This installation's identity: created on first start, the same after every restart. */
@Component
public final class Installation {

  /**
   * What identifies an installation.
   *
   * @param id random, chosen on first start
   * @param createdAt when the first start happened
   */
  public record Identity(UUID id, Instant createdAt) {}

  private final Identity identity;

  Installation(JdbcClient jdbc, Clock clock) {
    jdbc.sql(
            "INSERT INTO installation (id, created_at) VALUES (:id, :createdAt)"
                + " ON CONFLICT (singleton) DO NOTHING")
        .param("id", UUID.randomUUID())
        .param("createdAt", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .update();
    this.identity =
        jdbc.sql("SELECT id, created_at FROM installation")
            .query(
                (rs, row) ->
                    new Identity(
                        rs.getObject("id", UUID.class),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
            .single();
  }

  public Identity identity() {
    return identity;
  }
}
