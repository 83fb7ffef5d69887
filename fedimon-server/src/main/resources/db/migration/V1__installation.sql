-- One row that identifies this installation: written on first start, kept across restarts.
CREATE TABLE installation (
    id         uuid        PRIMARY KEY,
    created_at timestamptz NOT NULL,
    singleton  boolean     NOT NULL DEFAULT true UNIQUE CHECK (singleton)
);
