package social.fedimon.server.task;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tasks run ({@code FEDIMON_TASKS_*}). The heartbeat that hands a dead node's step to another
 * is db-scheduler's: {@code db-scheduler.heartbeat-interval} times {@code
 * db-scheduler.missed-heartbeats-limit}.
 *
 * @param progressInterval how often a running step's progress is stored (and checked for a cancel)
 * @param retryBackoff the wait before the first retry of a transient failure; doubled each time
 * @param maxAttempts transient failures of one step before the task fails
 * @param waitRecheck how often a waiting step looks again by itself (events wake it earlier)
 * @param cleanupInterval how often expired exports and restored archives are deleted
 * @param presyncInterval how often a scheduled migration copies the media that changed
 */
@ConfigurationProperties("fedimon.tasks")
public record TaskProperties(
    @DefaultValue("1s") Duration progressInterval,
    @DefaultValue("10s") Duration retryBackoff,
    @DefaultValue("5") int maxAttempts,
    @DefaultValue("1m") Duration waitRecheck,
    @DefaultValue("10m") Duration cleanupInterval,
    @DefaultValue("6h") Duration presyncInterval) {}
