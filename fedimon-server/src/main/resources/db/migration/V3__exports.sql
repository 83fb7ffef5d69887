-- The OpenPGP public key exports are encrypted to (armored), set on the account.
ALTER TABLE account ADD COLUMN pgp_public_key text;

-- What a task was asked to do (an export: whether to encrypt), as its kind reads it.
ALTER TABLE task ADD COLUMN options jsonb;
