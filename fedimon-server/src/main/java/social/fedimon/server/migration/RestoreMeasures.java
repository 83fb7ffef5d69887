package social.fedimon.server.migration;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** How fast restores went on this platform, for the expected downtime of a scheduled migration. */
@Component
public class RestoreMeasures {

  /** Bytes a second assumed before any restore was measured here. */
  public static final double ASSUMED_RATE = 20e6;

  private final JdbcClient jdbc;
  private final Clock clock;

  RestoreMeasures(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  void add(long bytes, double seconds) {
    jdbc.sql("INSERT INTO restore_measure (at, bytes, seconds) VALUES (:at, :bytes, :seconds)")
        .param("at", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .param("bytes", bytes)
        .param("seconds", Math.max(seconds, 0.001))
        .update();
  }

  /** Archive bytes restored a second, over the last ten restores; the assumed rate before any. */
  public double rate() {
    Map<String, Object> row =
        jdbc.sql(
                "SELECT sum(bytes) AS bytes, sum(seconds) AS seconds FROM (SELECT bytes, seconds"
                    + " FROM restore_measure ORDER BY at DESC LIMIT 10) recent")
            .query()
            .singleRow();
    Number bytes = (Number) row.get("bytes");
    Number seconds = (Number) row.get("seconds");
    if (bytes == null || seconds == null || seconds.doubleValue() <= 0) {
      return ASSUMED_RATE;
    }
    return bytes.doubleValue() / seconds.doubleValue();
  }
}
