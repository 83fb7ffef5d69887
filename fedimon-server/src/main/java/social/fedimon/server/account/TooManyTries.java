package social.fedimon.server.account;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** A rate limit was reached: try again after {@link #retryAfter()}. */
public final class TooManyTries extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  public TooManyTries(Duration retryAfter) {
    super("too many tries: wait " + Math.max(1, retryAfter.toSeconds()) + " s");
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
