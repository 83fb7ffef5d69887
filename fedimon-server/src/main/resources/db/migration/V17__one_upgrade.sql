-- One upgrade under way per instance, whatever two nodes or two clicks ask at once.
CREATE UNIQUE INDEX task_one_upgrade ON task (instance_id)
    WHERE kind = 'upgrade' AND state IN ('queued', 'running', 'waiting');
