-- The release line an instance was upgraded to (its image's); null: the one its backup came with,
-- as the pre-flight report found it.
ALTER TABLE instance ADD COLUMN release text;
