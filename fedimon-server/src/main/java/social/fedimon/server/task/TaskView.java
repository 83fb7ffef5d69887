package social.fedimon.server.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A task as the API shows it (the contract's task JSON; {@code steps}, {@code attempts}, {@code
 * lastError} and the times are extensions).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TaskView(
    UUID id,
    String kind,
    @Nullable UUID instance,
    String state,
    @Nullable String step,
    List<String> steps,
    @Nullable List<String> waitingFor,
    @Nullable JsonNode progress,
    @Nullable Problem problem,
    @Nullable JsonNode result,
    int attempts,
    @Nullable String lastError,
    boolean cancelAsked,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant finishedAt) {

  /** Why a task failed: a problem code and the engine's (or the step's) plain words. */
  public record Problem(String code, String message) {}

  public static TaskView of(Task task) {
    boolean failed = task.state() == TaskState.FAILED;
    return new TaskView(
        task.id(),
        task.kind(),
        task.instanceId(),
        task.state().json(),
        task.step(),
        task.steps(),
        task.state() == TaskState.WAITING ? task.waitingFor() : null,
        task.progress(),
        failed && task.problemCode() != null
            ? new Problem(task.problemCode(), String.valueOf(task.problemMessage()))
            : null,
        task.result(),
        task.attempts(),
        failed ? null : task.problemMessage(),
        task.cancelAsked(),
        task.createdAt(),
        task.updatedAt(),
        task.finishedAt());
  }
}
