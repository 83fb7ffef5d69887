-- The fork an instance runs, noted with its release when it is first deployed, so that its pages
-- need not read the pre-flight report again.
ALTER TABLE instance ADD COLUMN fork text;
