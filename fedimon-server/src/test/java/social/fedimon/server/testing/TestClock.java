package social.fedimon.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * A clock tests move forward instead of waiting: a node started with {@link #ARGUMENT} uses it for
 * everything that asks the server's clock (links' expiry, retention, task times).
 */
@Configuration(proxyBeanMethods = false)
public class TestClock {

  /** Add to a node's arguments. */
  public static final String ARGUMENT = "--spring.main.sources=" + TestClock.class.getName();

  /** The system's time, plus however far the test moved it. */
  public static final class Shifted extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    public void advance(Duration by) {
      ahead = ahead.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Bean
  @Primary
  Shifted shiftedClock() {
    return new Shifted();
  }
}
