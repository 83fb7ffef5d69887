-- The console: the account's language (mails and pages), and what an instance request asks.

-- a language tag the console speaks (en, fr); first set from the browser's at sign-up
ALTER TABLE account ADD COLUMN language text NOT NULL DEFAULT 'en';

-- punycode, lower case; null when it is the local domain
ALTER TABLE instance ADD COLUMN web_domain text;
-- the rest of the request form, as the admin filled it in:
-- {"kind": "migration"|"new", "software": .., "version": .., "accounts": .., "databaseGb": ..,
--  "mediaGb": .., "media": "s3"|"archive"|"none", "contactEmail": ..}
ALTER TABLE instance ADD COLUMN request jsonb NOT NULL DEFAULT '{}';

-- the value of the TXT record that proves the admin controls the domain (public once set: it only
-- needs to be unguessable before)
ALTER TABLE instance ADD COLUMN dns_token text NOT NULL
    DEFAULT md5(random()::text || clock_timestamp()::text || gen_random_uuid()::text);

-- the last DNS check: when, and each record's verdict
-- [{"name":..,"type":..,"value":..,"purpose":..,"verdict":"correct"|"missing"|"wrong","found":[..]}]
ALTER TABLE instance ADD COLUMN dns_checked_at timestamptz;
ALTER TABLE instance ADD COLUMN dns_check jsonb;
