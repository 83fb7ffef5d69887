package social.fedimon.server.task;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/** Starts tasks, wakes waiting ones, cancels and retries: what the API and other features call. */
@Service
public class TaskService {

  private final TaskStore store;
  private final ObjectProvider<SchedulerClient> scheduler;
  private final TaskRunner runner;
  private final Clock clock;

  TaskService(
      TaskStore store, ObjectProvider<SchedulerClient> scheduler, TaskRunner runner, Clock clock) {
    this.store = store;
    this.scheduler = scheduler;
    this.runner = runner;
    this.clock = clock;
  }

  /** A new task of {@code kind}, queued: the first free node takes it. */
  public Task start(String kind, UUID accountId, @Nullable UUID instanceId) {
    return start(kind, accountId, instanceId, null);
  }

  /** The same, with what the kind is asked to do. */
  public Task start(
      String kind,
      UUID accountId,
      @Nullable UUID instanceId,
      com.fasterxml.jackson.databind.@Nullable JsonNode options) {
    TaskKind taskKind =
        runner.kind(kind).orElseThrow(() -> new IllegalArgumentException("no task kind " + kind));
    Task task = store.create(accountId, instanceId, kind, taskKind.stepNames(), options);
    runNow(task.id());
    return task;
  }

  /**
   * Something a waiting task may wait for happened (approval, DNS, confirmation, a backup): it
   * looks again now instead of at its next recheck. A task that runs sees it by itself.
   */
  public void wake(UUID taskId) {
    runNow(taskId);
  }

  /** Its execution due now: scheduled if there is none, left alone if a node runs it. */
  private void runNow(UUID taskId) {
    SchedulerClient client = scheduler.getObject();
    try {
      if (!client.scheduleIfNotExists(
          TaskConfiguration.TASK.instance(taskId.toString()).build(), clock.instant())) {
        client.reschedule(TaskConfiguration.TASK.instanceId(taskId.toString()), clock.instant());
      }
    } catch (TaskInstanceCurrentlyExecutingException
        | com.github.kagkarlsson.scheduler.exceptions.ExecutionException e) {
      // a node runs it now (it was picked between our read and our update) and sees what changed
    } catch (TaskInstanceNotFoundException e) {
      // it ended between the two calls
    }
  }

  /**
   * Wakes the tasks of the instance that wait for something an event may bring (not those that only
   * wait for a date: they wake by themselves).
   */
  public void wakeInstance(UUID instanceId) {
    for (Task task : store.forInstance(instanceId)) {
      boolean onlyTheDate = task.waitingFor().equals(List.of("date"));
      if ((task.state() == TaskState.WAITING && !onlyTheDate) || task.state() == TaskState.QUEUED) {
        wake(task.id());
      }
    }
  }

  /**
   * Asks the task to stop: a running step stops within a few seconds (the node running it checks at
   * every progress interval), what the task made is removed, and it ends cancelled.
   *
   * @return false if the task had already ended
   */
  public boolean cancel(Task task) {
    if (!store.askCancel(task.id())) {
      return false;
    }
    if (task.state() != TaskState.RUNNING) {
      wake(task.id());
    }
    return true;
  }

  /**
   * An operator's retry of a failed task from step {@code step} (its name; null for the step it
   * failed at).
   */
  public void retry(Task task, @Nullable String step) {
    int index = step == null ? task.stepIndex() : task.steps().indexOf(step);
    if (index < 0) {
      throw new IllegalArgumentException(
          "this task has no step " + step + "; its steps: " + String.join(", ", task.steps()));
    }
    if (task.state() != TaskState.FAILED) {
      throw new TaskState.IllegalTransition(task.state(), TaskState.QUEUED);
    }
    if (store.requeue(task, index)) {
      store.event(task.id(), task.steps().get(index), "queued again from this step");
      runNow(task.id());
    }
  }

  /** The instance's newest task of {@code kind} (its migration, say), if it has one. */
  public @Nullable Task first(UUID instanceId, String kind) {
    return store.newest(instanceId, kind).orElse(null);
  }

  /** {@link #first} for each of the account's instances, in one query (the dashboard's). */
  public java.util.Map<UUID, Task> firstByInstance(UUID accountId, String kind) {
    return store.newestByInstance(accountId, kind);
  }

  public List<Task> forInstance(UUID instanceId) {
    return store.forInstance(instanceId);
  }
}
