package social.fedimon.server.task;

/** Published once a task has ended (succeeded, failed or cancelled), with its final row. */
public record TaskEnded(Task task) {}
