-- Read access to the admin's bucket of media (sealed JSON), and the date of a scheduled migration.
ALTER TABLE instance ADD COLUMN media_source bytea;
ALTER TABLE instance ADD COLUMN scheduled_at timestamptz;

-- How fast restores went on this platform: archive bytes and the restore step's seconds, for the
-- expected downtime of scheduled migrations.
CREATE TABLE restore_measure (
    at      timestamptz      NOT NULL,
    bytes   bigint           NOT NULL,
    seconds double precision NOT NULL
);
