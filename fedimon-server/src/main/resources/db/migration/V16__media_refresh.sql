-- Cached copies of other servers' media a restored instance's database names and its backup did
-- not have, counted after the restore; and when the owner asked to fetch them again.
CREATE TABLE cached_media (
  instance_id uuid PRIMARY KEY REFERENCES instance (id) ON DELETE CASCADE,
  remote bigint NOT NULL,
  missing bigint NOT NULL,
  days integer NOT NULL,
  checked_at timestamptz NOT NULL,
  refresh_job text,
  refresh_asked_at timestamptz
);
