-- Uploads from the browser, in chunks: each chunk is an object of its own under the upload's
-- prefix (the store says which arrived), so an upload resumes after a reload or a dropped line.
CREATE TABLE upload (
    id           uuid        PRIMARY KEY,
    instance_id  uuid        NOT NULL REFERENCES instance ON DELETE CASCADE,
    name         text        NOT NULL,
    size         bigint      NOT NULL CHECK (size > 0),
    chunk_size   int         NOT NULL CHECK (chunk_size > 0),
    created_at   timestamptz NOT NULL,
    completed_at timestamptz
);
CREATE INDEX upload_instance ON upload (instance_id);
