package social.fedimon.server.account;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Token buckets (Bucket4j) that bound how often log-ins, sign-ups and password resets may be tried,
 * per client address and per email. Buckets live in this node's memory, the least recently used
 * forgotten past {@value #KEPT}: behind several nodes each node counts on its own.
 */
@Component
public class RateLimits {

  static final int KEPT = 50_000;

  /** A kind of action and how often it may be done. */
  public enum Action {
    /** 10 failed or not, then one every 30 s. */
    LOG_IN(10, Duration.ofSeconds(30)),
    /** 5, then one every 10 minutes. */
    SIGN_UP(5, Duration.ofMinutes(10)),
    /** 5, then one every 10 minutes. */
    RESET(5, Duration.ofMinutes(10));

    final int burst;
    final Duration refill;

    Action(int burst, Duration refill) {
      this.burst = burst;
      this.refill = refill;
    }
  }

  private final int scale;

  /**
   * @param scale multiplies every burst ({@code fedimon.rate-limits.scale}, 1 unless set): tests
   *     that sign many accounts up from one address raise it
   */
  RateLimits(
      @org.springframework.beans.factory.annotation.Value("${fedimon.rate-limits.scale:1}")
          int scale) {
    this.scale = Math.max(1, scale);
  }

  private final Map<String, Bucket> buckets =
      Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
              return size() > KEPT;
            }
          });

  /**
   * Takes one try of {@code action} for each key (an address, an email).
   *
   * @return zero if allowed, else how long to wait
   */
  public Duration take(Action action, String... keys) {
    Duration wait = Duration.ZERO;
    for (String key : keys) {
      Bucket bucket =
          buckets.computeIfAbsent(
              action + " " + key,
              k ->
                  Bucket.builder()
                      .addLimit(
                          Bandwidth.builder()
                              .capacity((long) action.burst * scale)
                              .refillGreedy(1, action.refill)
                              .build())
                      .build());
      ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        Duration left = Duration.ofNanos(probe.getNanosToWaitForRefill());
        wait = left.compareTo(wait) > 0 ? left : wait;
      }
    }
    return wait;
  }
}
