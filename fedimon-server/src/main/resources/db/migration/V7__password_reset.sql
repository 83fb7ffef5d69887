-- Password resets: the hash of the one link mailed, and until when it works.
ALTER TABLE account ADD COLUMN reset_hash bytea UNIQUE;
ALTER TABLE account ADD COLUMN reset_expires_at timestamptz;
