package social.fedimon.server.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static social.fedimon.server.task.TaskState.CANCELLED;
import static social.fedimon.server.task.TaskState.FAILED;
import static social.fedimon.server.task.TaskState.QUEUED;
import static social.fedimon.server.task.TaskState.RUNNING;
import static social.fedimon.server.task.TaskState.SUCCEEDED;
import static social.fedimon.server.task.TaskState.WAITING;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskStateTest {

  /** The table as the pipeline relies on it, written out once more by hand. */
  private static final Map<TaskState, Set<TaskState>> EXPECTED =
      Map.of(
          QUEUED, Set.of(RUNNING, CANCELLED),
          RUNNING, Set.of(WAITING, SUCCEEDED, FAILED, CANCELLED, QUEUED),
          WAITING, Set.of(RUNNING, CANCELLED),
          FAILED, Set.of(QUEUED),
          SUCCEEDED, Set.of(),
          CANCELLED, Set.of());

  @Test
  void everyPairIsAllowedExactlyWhenTheTableSaysSo() {
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        if (EXPECTED.get(from).contains(to)) {
          assertThat(from.to(to)).isEqualTo(to);
        } else {
          assertThatThrownBy(() -> from.to(to))
              .isInstanceOf(TaskState.IllegalTransition.class)
              .hasMessage("a task cannot go from " + from.json() + " to " + to.json());
        }
      }
    }
  }

  @Test
  void aFinishedOrCancelledTaskNeverRunsAgainAndAFailedOneOnlyThroughTheQueue() {
    assertThat(SUCCEEDED.next()).isEmpty();
    assertThat(CANCELLED.next()).isEmpty();
    assertThat(FAILED.next()).containsExactly(QUEUED);
    assertThat(Arrays.stream(TaskState.values()).filter(TaskState::ended))
        .containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED);
  }

  @Test
  void namesAreTheApiContracts() {
    assertThat(Arrays.stream(TaskState.values()).map(TaskState::json))
        .containsExactly("queued", "running", "waiting", "succeeded", "failed", "cancelled");
    for (TaskState state : TaskState.values()) {
      assertThat(TaskState.ofJson(state.json())).isEqualTo(state);
    }
    assertThatThrownBy(() -> TaskState.ofJson("done")).isInstanceOf(IllegalArgumentException.class);
  }
}
