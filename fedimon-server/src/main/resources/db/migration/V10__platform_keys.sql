-- The platform's own keys for an instance, for admins who encrypt their backup to us: an age X25519
-- recipient and an OpenPGP key. The public halves are shown; the secret halves are sealed with the
-- platform's SecretBox and join the identities that open the instance's archive.
CREATE TABLE platform_key (
    instance_id uuid PRIMARY KEY REFERENCES instance (id) ON DELETE CASCADE,
    age_recipient text NOT NULL,
    age_identity bytea NOT NULL,
    pgp_fingerprint text NOT NULL,
    pgp_public text NOT NULL,
    pgp_secret bytea NOT NULL,
    created_at timestamptz NOT NULL
);
