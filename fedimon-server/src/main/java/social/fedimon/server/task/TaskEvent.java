package social.fedimon.server.task;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One line of a task's log: a step began or ended, a retry, a wait, a problem. */
public record TaskEvent(long id, Instant at, @Nullable String step, String message) {}
