package social.fedimon.server.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import social.fedimon.server.account.CurrentAccount;
import social.fedimon.server.api.ApiException;

/**
 * {@code /api/v1/tasks}: a task, its live events, cancel; operators retry. Another account's task
 * is a 404.
 */
@RestController
class TaskController implements DisposableBean {

  /** How often the event stream looks at the task (it may run on another node). */
  static final Duration EVENT_POLL = Duration.ofMillis(500);

  /** An event stream ends after this; EventSource clients reconnect by themselves. */
  static final Duration EVENT_STREAM_LIFE = Duration.ofMinutes(30);

  private final TaskStore store;
  private final TaskService service;
  private final ObjectMapper json;

  /** Says when each stream looks again; the looking and sending is done by {@link #senders}. */
  private final ScheduledExecutorService poller =
      Executors.newScheduledThreadPool(
          1,
          r -> {
            Thread thread = new Thread(r, "task-events");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Sends to the streams. A write blocks while the client does not read (its socket is full), so
   * each stream sends on a thread of its own while it has something to send: a client that stopped
   * reading holds one thread until the server's write timeout, never the other streams.
   */
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "task-events-send");
            thread.setDaemon(true);
            return thread;
          });

  TaskController(TaskStore store, TaskService service, ObjectMapper json) {
    this.store = store;
    this.service = service;
    this.json = json;
  }

  @GetMapping(path = "/api/v1/tasks/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  TaskView task(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    return TaskView.of(owned(id, account));
  }

  /** The task's log, oldest first (an extension: the operator console's and scripts' view). */
  @GetMapping(path = "/api/v1/tasks/{id}/log", produces = MediaType.APPLICATION_JSON_VALUE)
  List<TaskEvent> log(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    return store.events(id, 0);
  }

  @PostMapping(path = "/api/v1/tasks/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
  TaskView cancel(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    Task task = owned(id, account);
    if (!service.cancel(task)) {
      throw ApiException.conflict("the task has ended: " + task.state().json());
    }
    return TaskView.of(store.find(id).orElseThrow());
  }

  /** {@code {"step": "restore"}} (optional: the step it failed at). */
  @PostMapping(
      path = "/api/v1/operator/tasks/{id}/retry",
      produces = MediaType.APPLICATION_JSON_VALUE)
  TaskView retry(
      @PathVariable UUID id, @RequestBody(required = false) @Nullable Map<String, String> body) {
    Task task = store.find(id).orElseThrow(() -> ApiException.notFound("this task"));
    try {
      service.retry(task, body == null ? null : body.get("step"));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(e.getMessage());
    } catch (TaskState.IllegalTransition e) {
      throw ApiException.conflict(
          "only a failed task can be retried; this one is " + task.state().json());
    }
    return TaskView.of(store.find(id).orElseThrow());
  }

  /**
   * Server-sent events: {@code task} (the task JSON) whenever it changes, {@code log} for each line
   * of its log; the stream ends once the task has ended.
   */
  @GetMapping(
      path = {"/api/v1/tasks/{id}/events", "/tasks/{id}/events"},
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@PathVariable UUID id, @AuthenticationPrincipal CurrentAccount account) {
    owned(id, account);
    SseEmitter emitter = new SseEmitter(EVENT_STREAM_LIFE.toMillis());
    AtomicLong lastEvent = new AtomicLong();
    AtomicReference<String> lastTask = new AtomicReference<>("");
    AtomicReference<ScheduledFuture<?>> future = new AtomicReference<>();
    Runnable send =
        () -> {
          try {
            for (TaskEvent event : store.events(id, lastEvent.get())) {
              emitter.send(
                  SseEmitter.event()
                      .name("log")
                      .id("log-" + event.id())
                      .data(json.writeValueAsString(event), MediaType.APPLICATION_JSON));
              lastEvent.set(event.id());
            }
            Task task = store.find(id).orElse(null);
            if (task == null) {
              emitter.complete();
              cancel(future);
              return;
            }
            String view = json.writeValueAsString(TaskView.of(task));
            if (!view.equals(lastTask.get())) {
              emitter.send(SseEmitter.event().name("task").data(view, MediaType.APPLICATION_JSON));
              lastTask.set(view);
            }
            if (task.state().ended()) {
              emitter.complete();
              cancel(future);
            }
          } catch (IOException | IllegalStateException e) {
            // the client went away: the container ends the request (the emitter's documentation
            // says not to complete it after a failed send)
            cancel(future);
          } catch (RuntimeException e) {
            emitter.completeWithError(e);
            cancel(future);
          }
        };
    AtomicBoolean sending = new AtomicBoolean();
    Runnable look =
        () -> {
          if (!sending.compareAndSet(false, true)) {
            return; // the last send is still blocked: skip this look
          }
          try {
            senders.execute(
                () -> {
                  try {
                    send.run();
                  } finally {
                    sending.set(false);
                  }
                });
          } catch (RejectedExecutionException e) {
            sending.set(false); // stopping
          }
        };
    future.set(
        poller.scheduleWithFixedDelay(look, 0, EVENT_POLL.toMillis(), TimeUnit.MILLISECONDS));
    emitter.onCompletion(() -> cancel(future));
    emitter.onTimeout(() -> cancel(future));
    emitter.onError(e -> cancel(future));
    return emitter;
  }

  private static void cancel(AtomicReference<ScheduledFuture<?>> future) {
    ScheduledFuture<?> running = future.get();
    if (running != null) {
      running.cancel(false);
    }
  }

  private Task owned(UUID id, CurrentAccount account) {
    return store.findOwned(id, account.id()).orElseThrow(() -> ApiException.notFound("this task"));
  }

  @Override
  public void destroy() {
    poller.shutdownNow();
    senders.shutdownNow();
  }
}
