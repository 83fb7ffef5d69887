-- A download link an admin gave for the backup, sealed (links often carry a token).
ALTER TABLE instance ADD COLUMN backup_url bytea;
