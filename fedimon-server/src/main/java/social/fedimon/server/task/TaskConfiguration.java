package social.fedimon.server.task;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one db-scheduler task that runs every FédiMon task: its instance id is the task's id. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TaskProperties.class)
class TaskConfiguration {

  static final TaskDescriptor<Void> TASK = TaskDescriptor.of("fedimon-task");

  @Bean
  CustomTask<Void> fedimonTask(TaskRunner runner) {
    return Tasks.custom(TASK)
        // a node that stopped sending heartbeats: another node runs the task again, from its step
        .onDeadExecutionRevive()
        // the runner handles its own failures; this is for a bug that escapes it
        .onFailure(
            (ExecutionComplete complete, ExecutionOperations<Void> operations) ->
                operations.reschedule(complete, Instant.now().plus(Duration.ofMinutes(1))))
        .execute((instance, context) -> runner.run(UUID.fromString(instance.getId())));
  }
}
