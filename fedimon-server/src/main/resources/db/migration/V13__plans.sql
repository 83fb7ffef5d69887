-- The size of an instance's pods when its owner chose one (small, medium, large); null: from the
-- number of accounts the request gave.
ALTER TABLE instance ADD COLUMN plan text;
