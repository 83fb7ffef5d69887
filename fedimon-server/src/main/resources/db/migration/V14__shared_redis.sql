-- The databases of the shared Redis (FEDIMON_HOSTING_SHARED_REDIS), one per instance that uses it;
-- a number is freed, its database emptied, when its instance is deleted.
CREATE TABLE redis_database (
  number integer PRIMARY KEY CHECK (number >= 0),
  instance_id uuid NOT NULL UNIQUE REFERENCES instance (id) ON DELETE CASCADE
);
