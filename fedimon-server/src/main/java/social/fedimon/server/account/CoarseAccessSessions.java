package social.fedimon.server.account;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.config.annotation.web.http.EnableJdbcHttpSession;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's sessions as Spring Session JDBC keeps them, with their last access written at most
 * once a {@code step} (a minute). Spring Session writes it at every request: an UPDATE of the
 * session's row and a commit waiting for the WAL's flush, so every page view was a write to the
 * platform database, and the row a lock that a browser's parallel requests (htmx's polls, a second
 * tab) queued for. Under {@code bench/console.sh} that UPDATE was what PostgreSQL spent its time on
 * (waiting for the row's lock, then for the flush). The price: a session idle for its whole timeout
 * ends up to a step before the timeout counted from its very last request.
 *
 * <p>It also reads a session at most once per request. Spring Session's filter reads the requested
 * session again when it commits at the end of a request whose response was already committed
 * (spring-session#1731, open): a second query per page, 16% of an empty page's time under load.
 * Within a request ({@link OneReadPerRequest}) a read of an id already read returns the first
 * read's result; reads are counted in {@code fedimon.sessions.reads}.
 */
final class CoarseAccessSessions implements SessionRepository<CoarseAccessSessions.Touched> {

  private final SessionRepository<Session> store;
  private final Duration step;
  private final Counter reads;

  /** The sessions read in the request this thread serves, absent outside a request's scope. */
  private final ThreadLocal<Map<String, Optional<Touched>>> readInRequest = new ThreadLocal<>();

  @SuppressWarnings("unchecked")
  CoarseAccessSessions(
      SessionRepository<? extends Session> store, Duration step, MeterRegistry registry) {
    this.store = (SessionRepository<Session>) store;
    this.step = step;
    this.reads =
        Counter.builder("fedimon.sessions.reads")
            .description("Console sessions read from the session store")
            .register(registry);
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
    Map<String, Optional<Touched>> read = readInRequest.get();
    if (read != null) {
      Optional<Touched> earlier = read.get(id);
      // a session whose id changed since (a log-in) is no longer found under the old one
      if (earlier != null && earlier.map(session -> session.getId().equals(id)).orElse(true)) {
        return earlier.orElse(null);
      }
    }
    Session found = store.findById(id);
    reads.increment();
    Touched session = found == null ? null : new Touched(found, step);
    if (read != null) {
      read.put(id, Optional.ofNullable(session));
    }
    return session;
  }

  @Override
  public void deleteById(String id) {
    Map<String, Optional<Touched>> read = readInRequest.get();
    if (read != null) {
      read.remove(id);
    }
    store.deleteById(id);
  }

  /**
   * Runs a request in a scope where a session is read once. Ordered just before Spring Session's
   * filter, so that the filter's last read (when it commits) is inside the scope. Asynchronous and
   * error dispatches run outside it and read as before.
   */
  static final class OneReadPerRequest extends OncePerRequestFilter {
    private final CoarseAccessSessions sessions;

    OneReadPerRequest(CoarseAccessSessions sessions) {
      this.sessions = sessions;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
      sessions.readInRequest.set(new HashMap<>());
      try {
        chain.doFilter(request, response);
      } finally {
        sessions.readInRequest.remove();
      }
    }
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
    CoarseAccessSessions coarseAccessSessions(
        JdbcIndexedSessionRepository jdbc, MeterRegistry registry) {
      return new CoarseAccessSessions(jdbc, Duration.ofMinutes(1), registry);
    }

    @Bean
    FilterRegistrationBean<OneReadPerRequest> oneSessionReadPerRequest(
        CoarseAccessSessions sessions) {
      FilterRegistrationBean<OneReadPerRequest> registration =
          new FilterRegistrationBean<>(new OneReadPerRequest(sessions));
      registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
      return registration;
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
