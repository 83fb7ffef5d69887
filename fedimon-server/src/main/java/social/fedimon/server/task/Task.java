package social.fedimon.server.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A task as the platform database holds it.
 *
 * @param steps the ordered steps of its kind
 * @param stepIndex the step running, or to run next; {@code steps.size()} once all are done
 * @param checkpoint what the running step has made so far, in its own JSON
 * @param attempts transient failures of the current step so far
 * @param runId the run that holds the step: a run that lost it can no longer write
 * @param options what the task was asked to do, as its kind reads it
 */
public record Task(
    UUID id,
    UUID accountId,
    @Nullable UUID instanceId,
    String kind,
    TaskState state,
    List<String> steps,
    int stepIndex,
    @Nullable JsonNode checkpoint,
    List<String> waitingFor,
    @Nullable JsonNode progress,
    @Nullable String problemCode,
    @Nullable String problemMessage,
    @Nullable JsonNode result,
    int attempts,
    boolean cancelAsked,
    @Nullable UUID runId,
    @Nullable String runNode,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant finishedAt,
    @Nullable JsonNode options) {

  /** The step running or to run next; null once every step is done. */
  public @Nullable String step() {
    return stepIndex < steps.size() ? steps.get(stepIndex) : null;
  }
}
