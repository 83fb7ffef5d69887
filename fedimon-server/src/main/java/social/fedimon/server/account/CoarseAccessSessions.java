package social.fedimon.server.account;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.config.annotation.web.http.EnableJdbcHttpSession;

/**
 * The console's sessions as Spring Session JDBC keeps them, with their last access written at most
 * once a {@code step} (a minute). Spring Session writes it at every request: an UPDATE of the
 * session's row and a commit waiting for the WAL's flush, so every page view was a write to the
 * platform database, and the row a lock that a browser's parallel requests (htmx's polls, a second
 * tab) queued for. Under {@code bench/console.sh} that UPDATE was what PostgreSQL spent its time on
 * (waiting for the row's lock, then for the flush). The price: a session idle for its whole timeout
 * ends up to a step before the timeout counted from its very last request.
 */
final class CoarseAccessSessions implements SessionRepository<CoarseAccessSessions.Touched> {

  private final SessionRepository<Session> store;
  private final Duration step;

  @SuppressWarnings("unchecked")
  CoarseAccessSessions(SessionRepository<? extends Session> store, Duration step) {
    this.store = (SessionRepository<Session>) store;
    this.step = step;
  }

  @Override
  public Touched createSession() {
    return new Touched(store.createSession(), step);
  }

  @Override
  public void save(Touched session) {
    store.save(session.stored);
  }

  @Override
  public @Nullable Touched findById(String id) {
    Session found = store.findById(id);
    return found == null ? null : new Touched(found, step);
  }

  @Override
  public void deleteById(String id) {
    store.deleteById(id);
  }

  /** A stored session whose last access moves only by whole steps. */
  static final class Touched implements Session {
    private final Session stored;
    private final Duration step;

    Touched(Session stored, Duration step) {
      this.stored = stored;
      this.step = step;
    }

    @Override
    public void setLastAccessedTime(Instant time) {
      if (!time.isBefore(stored.getLastAccessedTime().plus(step))) {
        stored.setLastAccessedTime(time);
      }
    }

    @Override
    public String getId() {
      return stored.getId();
    }

    @Override
    public String changeSessionId() {
      return stored.changeSessionId();
    }

    @Override
    public <T> @Nullable T getAttribute(String name) {
      return stored.getAttribute(name);
    }

    @Override
    public Set<String> getAttributeNames() {
      return stored.getAttributeNames();
    }

    @Override
    public void setAttribute(String name, Object value) {
      stored.setAttribute(name, value);
    }

    @Override
    public void removeAttribute(String name) {
      stored.removeAttribute(name);
    }

    @Override
    public Instant getCreationTime() {
      return stored.getCreationTime();
    }

    @Override
    public Instant getLastAccessedTime() {
      return stored.getLastAccessedTime();
    }

    @Override
    public void setMaxInactiveInterval(Duration interval) {
      stored.setMaxInactiveInterval(interval);
    }

    @Override
    public Duration getMaxInactiveInterval() {
      return stored.getMaxInactiveInterval();
    }

    @Override
    public boolean isExpired() {
      return stored.isExpired();
    }
  }

  /**
   * The JDBC repository Spring Boot would make (with its expiry sweep), taken over because Boot
   * makes none once another repository exists, and this one in front of it for Spring Session's
   * filter.
   */
  @Configuration(proxyBeanMethods = false)
  @EnableJdbcHttpSession
  static class Wiring {
    @Bean
    @Primary
    CoarseAccessSessions coarseAccessSessions(JdbcIndexedSessionRepository jdbc) {
      return new CoarseAccessSessions(jdbc, Duration.ofMinutes(1));
    }

    /** {@code server.servlet.session.timeout} ({@code FEDIMON_SESSION_TIMEOUT}), as Boot does. */
    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> sessionTimeout(
        ServerProperties server) {
      return jdbc -> {
        Duration timeout = server.getServlet().getSession().getTimeout();
        if (timeout != null) {
          jdbc.setDefaultMaxInactiveInterval(timeout);
        }
      };
    }
  }
}
