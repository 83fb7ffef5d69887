-- Two-factor log-in with TOTP (RFC 6238). The secret is sealed with the platform's SecretBox; while
-- the admin sets it up it waits in totp_pending until a first code proves their app has it.
-- totp_last_step is the time step of the last code accepted: a code works once.
ALTER TABLE account ADD COLUMN totp_secret bytea;
ALTER TABLE account ADD COLUMN totp_pending bytea;
ALTER TABLE account ADD COLUMN totp_enabled_at timestamptz;
ALTER TABLE account ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- Recovery codes, each usable once, kept as SHA-256 only.
CREATE TABLE recovery_code (
    account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (account_id, code_hash)
);
