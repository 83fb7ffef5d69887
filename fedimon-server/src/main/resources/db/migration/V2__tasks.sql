-- Accounts, instance requests and durable tasks: what the task pipeline needs to know who owns
-- what. The console (accounts' 2FA, languages, DNS records...) extends these tables later.

CREATE TABLE account (
    id            uuid        PRIMARY KEY,
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    password_hash text        NOT NULL,
    verified_at   timestamptz,
    -- the hash of the one link in the sign-up mail; cleared when followed
    verify_hash   bytea       UNIQUE,
    created_at    timestamptz NOT NULL
);

-- Personal access tokens: only their SHA-256 is kept.
CREATE TABLE access_token (
    id           uuid        PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES account ON DELETE CASCADE,
    token_hash   bytea       NOT NULL UNIQUE,
    name         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz
);
CREATE INDEX access_token_account ON access_token (account_id);

CREATE TABLE instance (
    id              uuid        PRIMARY KEY,
    account_id      uuid        NOT NULL REFERENCES account ON DELETE CASCADE,
    -- punycode, lower case; one instance per domain across the platform
    local_domain    text        NOT NULL UNIQUE,
    approved_at     timestamptz,
    declined_at     timestamptz,
    dns_verified_at timestamptz,
    confirmed_at    timestamptz,
    -- the archive received, in the object store
    backup_key      text,
    backup_bytes    bigint,
    backup_sha256   text,
    backup_at       timestamptz,
    -- passwords and identities that open the archive, sealed (SecretBox), newline-separated JSON
    backup_secrets  bytea,
    -- the pre-flight report (the engine's JSON report) of the archive received
    report          jsonb,
    -- the tenant database and role, once made
    tenant_database text,
    tenant_password bytea,
    -- the rewritten .env.production, sealed
    env_sealed      bytea,
    created_at      timestamptz NOT NULL
);
CREATE INDEX instance_account ON instance (account_id);

CREATE TABLE task (
    id              uuid        PRIMARY KEY,
    account_id      uuid        NOT NULL REFERENCES account ON DELETE CASCADE,
    instance_id     uuid        REFERENCES instance ON DELETE CASCADE,
    kind            text        NOT NULL,
    state           text        NOT NULL
        CHECK (state IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled')),
    -- the ordered steps of its kind, and the index of the one running (or to run next)
    steps           text[]      NOT NULL,
    step_index      int         NOT NULL DEFAULT 0,
    -- what the running step has made so far, for its clean restart (JSON, the step's own)
    checkpoint      jsonb,
    waiting_for     text[],
    -- {"bytes":..,"rows":..,"files":..,"percent":..,"rate":..,"etaSeconds":..}
    progress        jsonb,
    problem_code    text,
    problem_message text,
    result          jsonb,
    -- transient failures of the current step so far (reset when a step ends)
    attempts        int         NOT NULL DEFAULT 0,
    cancel_asked    boolean     NOT NULL DEFAULT false,
    -- the node and run that hold the step: every write of a run checks it, so a run that lost
    -- its step to another node (heartbeats missed) can no longer write
    run_id          uuid,
    run_node        text,
    not_before      timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    finished_at     timestamptz
);
CREATE INDEX task_account ON task (account_id, created_at DESC);
CREATE INDEX task_instance ON task (instance_id);

-- What happened to a task, in order: the operator's log and the event stream's history.
CREATE TABLE task_event (
    id      bigserial   PRIMARY KEY,
    task_id uuid        NOT NULL REFERENCES task ON DELETE CASCADE,
    at      timestamptz NOT NULL,
    step    text,
    message text        NOT NULL
);
CREATE INDEX task_event_task ON task_event (task_id, id);

-- db-scheduler's table (its PostgreSQL schema, version 16)
CREATE TABLE scheduled_tasks (
    task_name            text                     NOT NULL,
    task_instance        text                     NOT NULL,
    task_data            bytea,
    execution_time       timestamp with time zone NOT NULL,
    picked               boolean                  NOT NULL,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   NOT NULL,
    priority             smallint,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
