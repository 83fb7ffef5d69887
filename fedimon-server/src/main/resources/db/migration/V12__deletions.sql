-- An instance its owner asked to delete: it goes at delete_at (a grace period after the ask, during
-- which the owner may take it back and make a final export); deleted_at once it is gone.
CREATE TABLE instance_deletion (
    instance_id uuid PRIMARY KEY REFERENCES instance (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL,
    delete_at timestamptz NOT NULL,
    deleted_at timestamptz
);
