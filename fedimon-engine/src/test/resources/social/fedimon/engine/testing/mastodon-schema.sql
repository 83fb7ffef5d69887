-- A Mastodon-shaped database for tests, written from the facts of Mastodon's db/schema.rb
-- (tables, column types, indexes) and Mastodon::Snowflake (timestamp_id and its sequences).
-- Not Mastodon's code: a fixture with the same shapes.

CREATE FUNCTION timestamp_id(table_name text) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
  DECLARE
    time_part bigint;
    sequence_base bigint;
    tail bigint;
  BEGIN
    time_part := (
      -- Get the time in milliseconds
      ((date_part('epoch', now()) * 1000))::bigint
      -- And shift it over two bytes
      << 16);

    sequence_base := (
      'x' ||
      -- Take the first two bytes (four hex characters)
      substr(
        -- Of the MD5 hash of the data we documented
        md5(table_name || 'a1b2c3d4e5f6' || time_part::text),
        1, 4
      )
    -- And turn it into a bigint
    )::bit(16)::bigint;

    -- Finally, add our sequence number to our base, and chop
    -- it to the last two bytes
    tail := (
      (sequence_base + nextval(table_name || '_id_seq'))
      & 65535);

    -- Return the time part and the sequence part. OR appears
    -- faster here than addition, but they're equivalent:
    -- time_part has no trailing two bytes, and tail is only
    -- the last two bytes.
    RETURN time_part | tail;
  END
$$;

CREATE TABLE schema_migrations (version character varying PRIMARY KEY);
CREATE TABLE ar_internal_metadata (key character varying PRIMARY KEY, value character varying, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL);

CREATE SEQUENCE accounts_id_seq;
CREATE TABLE accounts (
    id bigint DEFAULT timestamp_id('accounts') PRIMARY KEY,
    username character varying DEFAULT '' NOT NULL,
    domain character varying,
    private_key text,
    public_key text DEFAULT '' NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    note text DEFAULT '' NOT NULL,
    display_name character varying DEFAULT '' NOT NULL,
    uri character varying DEFAULT '' NOT NULL,
    url character varying,
    avatar_file_name character varying,
    avatar_content_type character varying,
    avatar_file_size integer,
    locked boolean DEFAULT false NOT NULL,
    fields jsonb,
    actor_type character varying,
    discoverable boolean,
    also_known_as character varying[],
    suspended_at timestamp without time zone,
    avatar_storage_schema_version integer,
    attribution_domains character varying[] DEFAULT '{}'::character varying[]
);
CREATE UNIQUE INDEX index_accounts_on_username_and_domain_lower ON accounts USING btree (lower((username)::text), COALESCE(lower((domain)::text), ''::text));
CREATE INDEX index_accounts_on_uri ON accounts USING btree (uri);
CREATE INDEX search_index ON accounts USING gin (((setweight(to_tsvector('simple'::regconfig, (display_name)::text), 'A'::"char") || setweight(to_tsvector('simple'::regconfig, (username)::text), 'B'::"char"))));

CREATE TABLE account_stats (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, statuses_count bigint DEFAULT 0 NOT NULL, following_count bigint DEFAULT 0 NOT NULL, followers_count bigint DEFAULT 0 NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, last_status_at timestamp);
CREATE UNIQUE INDEX index_account_stats_on_account_id ON account_stats (account_id);

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email character varying DEFAULT '' NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    encrypted_password character varying DEFAULT '' NOT NULL,
    locale character varying,
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    otp_secret character varying,
    otp_backup_codes character varying[],
    chosen_languages character varying[],
    settings text,
    approved boolean DEFAULT true NOT NULL,
    role_id bigint
);
CREATE UNIQUE INDEX index_users_on_email ON users (email);
CREATE INDEX index_users_on_account_id ON users (account_id);
CREATE INDEX index_users_on_unconfirmed_email ON users (email) WHERE (approved = false);

CREATE SEQUENCE statuses_id_seq;
CREATE TABLE statuses (
    id bigint DEFAULT timestamp_id('statuses') PRIMARY KEY,
    uri character varying,
    text text DEFAULT '' NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    in_reply_to_id bigint,
    reblog_of_id bigint,
    url character varying,
    sensitive boolean DEFAULT false NOT NULL,
    visibility integer DEFAULT 0 NOT NULL,
    spoiler_text text DEFAULT '' NOT NULL,
    reply boolean DEFAULT false NOT NULL,
    language character varying,
    conversation_id bigint,
    local boolean,
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    application_id bigint,
    in_reply_to_account_id bigint,
    poll_id bigint,
    deleted_at timestamp,
    edited_at timestamp,
    trendable boolean,
    ordered_media_attachment_ids bigint[],
    fetched_replies_at timestamp
);
CREATE INDEX index_statuses_20190820 ON statuses (account_id, id DESC, visibility, updated_at) WHERE (deleted_at IS NULL);
CREATE INDEX index_statuses_on_in_reply_to_id ON statuses (in_reply_to_id) WHERE (deleted_at IS NULL);
CREATE INDEX index_statuses_local_20190824 ON statuses (id DESC, account_id) WHERE ((local OR (uri IS NULL)) AND (deleted_at IS NULL) AND (visibility = 0) AND (reblog_of_id IS NULL) AND ((NOT reply) OR (in_reply_to_account_id = account_id)));
CREATE UNIQUE INDEX index_statuses_on_uri ON statuses (uri text_pattern_ops) WHERE (uri IS NOT NULL);

CREATE TABLE status_stats (id bigserial PRIMARY KEY, status_id bigint NOT NULL REFERENCES statuses(id) ON DELETE CASCADE, replies_count bigint DEFAULT 0 NOT NULL, reblogs_count bigint DEFAULT 0 NOT NULL, favourites_count bigint DEFAULT 0 NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE UNIQUE INDEX index_status_stats_on_status_id ON status_stats (status_id);

CREATE TABLE status_edits (id bigserial PRIMARY KEY, status_id bigint NOT NULL REFERENCES statuses(id) ON DELETE CASCADE, account_id bigint, text text DEFAULT '' NOT NULL, spoiler_text text DEFAULT '' NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, ordered_media_attachment_ids bigint[], media_descriptions text[], poll_options character varying[], sensitive boolean);
CREATE INDEX index_status_edits_on_status_id ON status_edits (status_id);

CREATE SEQUENCE media_attachments_id_seq;
CREATE TABLE media_attachments (
    id bigint DEFAULT timestamp_id('media_attachments') PRIMARY KEY,
    status_id bigint REFERENCES statuses(id) ON DELETE SET NULL,
    file_file_name character varying,
    file_content_type character varying,
    file_file_size integer,
    file_updated_at timestamp,
    remote_url character varying DEFAULT '' NOT NULL,
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    shortcode character varying,
    type integer DEFAULT 0 NOT NULL,
    file_meta json,
    account_id bigint REFERENCES accounts(id) ON DELETE SET NULL,
    description text,
    blurhash character varying,
    file_storage_schema_version integer
);
CREATE UNIQUE INDEX index_media_attachments_on_shortcode ON media_attachments (shortcode text_pattern_ops) WHERE (shortcode IS NOT NULL);
CREATE INDEX index_media_attachments_on_status_id ON media_attachments (status_id);

CREATE TABLE follows (id bigserial PRIMARY KEY, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, target_account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, show_reblogs boolean DEFAULT true NOT NULL, uri character varying, notify boolean DEFAULT false NOT NULL, languages character varying[]);
CREATE UNIQUE INDEX index_follows_on_account_id_and_target_account_id ON follows (account_id, target_account_id);
CREATE TABLE follow_requests (id bigserial PRIMARY KEY, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, target_account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, show_reblogs boolean DEFAULT true NOT NULL, uri character varying);
CREATE TABLE favourites (id bigserial PRIMARY KEY, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, status_id bigint NOT NULL REFERENCES statuses(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX index_favourites_on_account_id_and_status_id ON favourites (account_id, status_id);
CREATE TABLE bookmarks (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, status_id bigint NOT NULL REFERENCES statuses(id) ON DELETE CASCADE, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE mentions (id bigserial PRIMARY KEY, status_id bigint REFERENCES statuses(id) ON DELETE CASCADE, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, silent boolean DEFAULT false NOT NULL);
CREATE INDEX index_mentions_on_status_id ON mentions (status_id);
CREATE TABLE notifications (id bigserial PRIMARY KEY, activity_id bigint NOT NULL, activity_type character varying NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, from_account_id bigint NOT NULL, type character varying, filtered boolean DEFAULT false NOT NULL, group_key character varying);
CREATE INDEX index_notifications_on_account_id_and_id_and_type ON notifications (account_id, id DESC, type);
CREATE TABLE tags (id bigserial PRIMARY KEY, name character varying DEFAULT '' NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, usable boolean, trendable boolean, display_name character varying);
CREATE UNIQUE INDEX index_tags_on_name_lower_btree ON tags (lower((name)::text) text_pattern_ops);
CREATE TABLE statuses_tags (status_id bigint NOT NULL REFERENCES statuses(id) ON DELETE CASCADE, tag_id bigint NOT NULL REFERENCES tags(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX index_statuses_tags_on_tag_id_and_status_id ON statuses_tags (tag_id, status_id);
CREATE TABLE conversations (id bigserial PRIMARY KEY, uri character varying, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE custom_emojis (id bigserial PRIMARY KEY, shortcode character varying DEFAULT '' NOT NULL, domain character varying, image_file_name character varying, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, disabled boolean DEFAULT false NOT NULL, uri character varying, visible_in_picker boolean DEFAULT true NOT NULL, category_id bigint, image_storage_schema_version integer);
CREATE UNIQUE INDEX index_custom_emojis_on_shortcode_and_domain ON custom_emojis (shortcode, domain);
CREATE TABLE preview_cards (id bigserial PRIMARY KEY, url character varying DEFAULT '' NOT NULL, title character varying DEFAULT '' NOT NULL, description character varying DEFAULT '' NOT NULL, image_file_name character varying, type integer DEFAULT 0 NOT NULL, html text DEFAULT '' NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, image_storage_schema_version integer);
CREATE TABLE preview_cards_statuses (preview_card_id bigint NOT NULL, status_id bigint NOT NULL, url character varying, PRIMARY KEY (status_id, preview_card_id));
CREATE TABLE blocks (id bigserial PRIMARY KEY, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, target_account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, uri character varying);
CREATE TABLE mutes (id bigserial PRIMARY KEY, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, hide_notifications boolean DEFAULT true NOT NULL, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, target_account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, expires_at timestamp);
CREATE TABLE reports (id bigserial PRIMARY KEY, status_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL, comment text DEFAULT '' NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, account_id bigint NOT NULL, target_account_id bigint NOT NULL, forwarded boolean, category integer DEFAULT 0 NOT NULL, rule_ids bigint[]);
CREATE TABLE domain_blocks (id bigserial PRIMARY KEY, domain character varying DEFAULT '' NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, severity integer DEFAULT 0, reject_media boolean DEFAULT false NOT NULL, public_comment text, private_comment text);
CREATE UNIQUE INDEX index_domain_blocks_on_domain ON domain_blocks (domain);
CREATE TABLE oauth_applications (id bigserial PRIMARY KEY, name character varying NOT NULL, uid character varying NOT NULL, secret character varying NOT NULL, redirect_uri text NOT NULL, scopes character varying DEFAULT '' NOT NULL, created_at timestamp, updated_at timestamp, superapp boolean DEFAULT false NOT NULL, website character varying, owner_type character varying, owner_id bigint);
CREATE UNIQUE INDEX index_oauth_applications_on_uid ON oauth_applications (uid);
CREATE TABLE oauth_access_tokens (id bigserial PRIMARY KEY, token character varying NOT NULL, refresh_token character varying, expires_in integer, revoked_at timestamp, created_at timestamp NOT NULL, scopes character varying, application_id bigint REFERENCES oauth_applications(id) ON DELETE CASCADE, resource_owner_id bigint, last_used_at timestamp, last_used_ip inet);
CREATE UNIQUE INDEX index_oauth_access_tokens_on_token ON oauth_access_tokens (token);
CREATE TABLE web_push_subscriptions (id bigserial PRIMARY KEY, endpoint character varying NOT NULL, key_p256dh character varying NOT NULL, key_auth character varying NOT NULL, data json, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, access_token_id bigint, user_id bigint);
CREATE TABLE settings (id bigserial PRIMARY KEY, var character varying NOT NULL, value text, thing_type character varying, created_at timestamp, updated_at timestamp, thing_id bigint);
CREATE UNIQUE INDEX index_settings_on_thing_type_and_thing_id_and_var ON settings (thing_type, thing_id, var);
CREATE TABLE site_uploads (id bigserial PRIMARY KEY, var character varying DEFAULT '' NOT NULL, file_file_name character varying, meta json, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, blurhash character varying);
CREATE TABLE lists (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, title character varying DEFAULT '' NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, replies_policy integer DEFAULT 0 NOT NULL, exclusive boolean DEFAULT false NOT NULL);
CREATE TABLE list_accounts (id bigserial PRIMARY KEY, list_id bigint NOT NULL REFERENCES lists(id) ON DELETE CASCADE, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, follow_id bigint);
CREATE TABLE polls (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, status_id bigint REFERENCES statuses(id) ON DELETE CASCADE, expires_at timestamp, options character varying[] DEFAULT '{}'::character varying[] NOT NULL, cached_tallies bigint[] DEFAULT '{}'::bigint[] NOT NULL, multiple boolean DEFAULT false NOT NULL, hide_totals boolean DEFAULT false NOT NULL, votes_count bigint DEFAULT 0 NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE poll_votes (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, poll_id bigint REFERENCES polls(id) ON DELETE CASCADE, choice integer DEFAULT 0 NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, uri character varying);
CREATE TABLE markers (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id) ON DELETE CASCADE, timeline character varying DEFAULT '' NOT NULL, last_read_id bigint DEFAULT 0 NOT NULL, lock_version integer DEFAULT 0 NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE account_notes (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, target_account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, comment text NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE account_pins (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, target_account_id bigint REFERENCES accounts(id) ON DELETE CASCADE, created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
CREATE TABLE featured_tags (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, tag_id bigint NOT NULL REFERENCES tags(id) ON DELETE CASCADE, statuses_count bigint DEFAULT 0 NOT NULL, last_status_at timestamp, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, name character varying);
CREATE TABLE session_activations (id bigserial PRIMARY KEY, session_id character varying NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, user_agent character varying DEFAULT '' NOT NULL, ip inet, access_token_id bigint, user_id bigint NOT NULL, web_push_subscription_id bigint);
CREATE TABLE backups (id bigserial PRIMARY KEY, user_id bigint, dump_file_name character varying, dump_content_type character varying, dump_updated_at timestamp, processed boolean DEFAULT false NOT NULL, created_at timestamp NOT NULL, updated_at timestamp NOT NULL, dump_file_size bigint);
CREATE TABLE instances_cache (domain character varying PRIMARY KEY, accounts_count bigint DEFAULT 0);
CREATE MATERIALIZED VIEW instances AS
  SELECT domain, count(*) AS accounts_count FROM accounts WHERE domain IS NOT NULL GROUP BY domain
  WITH NO DATA;
CREATE UNIQUE INDEX index_instances_on_domain ON instances (domain);
CREATE VIEW account_summaries AS SELECT a.id AS account_id, a.username, s.statuses_count FROM accounts a LEFT JOIN account_stats s ON s.account_id = a.id;
CREATE INDEX index_statuses_text_gin ON statuses USING gin (to_tsvector('simple'::regconfig, text));

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  NEW.updated_at := now();  -- a ';' and a '$$' inside a body: "$$;" must not end it
  RETURN NEW;
END
$body$;
CREATE TRIGGER markers_touch BEFORE UPDATE ON markers FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
COMMENT ON TABLE statuses IS 'Toots; a comment with ''quotes'', a ; and a \ backslash';
-- An instance that once added a constraint without checking old rows: pg_dump writes it NOT VALID,
-- and a restore must leave it so (the restore validates only the foreign keys it made NOT VALID).
ALTER TABLE account_pins ADD CONSTRAINT fk_account_pins_legacy_target FOREIGN KEY (target_account_id) REFERENCES accounts(id) NOT VALID;
