package social.fedimon.server.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How a step ended. */
public sealed interface StepOutcome {

  /** The step is done: the next one runs (or the task succeeds, with this result if last). */
  record Done(@Nullable JsonNode result) implements StepOutcome {}

  /**
   * The step cannot go on until something outside happens ({@code approval}, {@code dns}, {@code
   * confirmation}, {@code backup}, a date): the task waits, and the step runs again when the thing
   * is reported or after {@code recheck}.
   */
  record Wait(List<String> waitingFor, Duration recheck) implements StepOutcome {}

  static StepOutcome done() {
    return new Done(null);
  }

  static StepOutcome done(JsonNode result) {
    return new Done(result);
  }

  static StepOutcome waitFor(List<String> waitingFor, Duration recheck) {
    return new Wait(List.copyOf(waitingFor), recheck);
  }
}
