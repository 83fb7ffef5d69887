-- Data that stresses COPY: accents, CJK, emoji, right-to-left text, tabs, newlines, carriage
-- returns, backslashes, quotes, NULLs and empty strings, arrays and jsonb.
INSERT INTO schema_migrations (version) VALUES
  ('20160220174730'), ('20170301222600'), ('20180528141303'), ('20190823221802'),
  ('20200917193034'), ('20211031031021'), ('20220613110834'), ('20221104133904'),
  ('20230215074423'), ('20230702151753'), ('20230907150100'), ('20240307180905'),
  ('20241007071624');
INSERT INTO ar_internal_metadata VALUES ('environment', 'production', now(), now());

CREATE TEMP TABLE tricky (n int PRIMARY KEY, s text);
INSERT INTO tricky VALUES
  (0, 'plain ascii'),
  (1, E'tab\there and\ttwo'),
  (2, E'new\nline and\r\ncarriage'),
  (3, E'back\\slash \\N \\. \\\\ end\\'),
  (4, 'accents: éàüß ça, Ærøskøbing'),
  (5, 'CJK: 日本語のテキスト, 中文, 한국어'),
  (6, 'emoji: 🐘🦣🌈👩‍👩‍👧 and ZWJ'),
  (7, 'right-to-left: עברית العربية'),
  (8, ''),
  (9, E'\\.'),
  (10, E'quote '' and "double" and $$dollar$$ and ;semicolon'),
  (11, E'line ending with backslash\\\n\\.\nfake terminator above');

INSERT INTO accounts (id, username, domain, public_key, created_at, updated_at, note, display_name, uri, fields, also_known_as, locked, attribution_domains)
SELECT g, 'user' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'remote' || (g % 7) || '.example' END,
       'KEY' || g, now(), now(), (SELECT s FROM tricky WHERE n = g % 12),
       (SELECT s FROM tricky WHERE n = (g + 5) % 12), 'https://example.social/users/user' || g,
       jsonb_build_array(jsonb_build_object('name', 'Pronouns', 'value', (SELECT s FROM tricky WHERE n = g % 12))),
       CASE WHEN g % 4 = 0 THEN ARRAY['https://old.example/users/a"b', E'https://x/\\y'] ELSE NULL END,
       g % 5 = 0, '{}'
FROM generate_series(1, 240) g;
SELECT setval('accounts_id_seq', 240);
INSERT INTO account_stats (account_id, statuses_count, created_at, updated_at) SELECT id, 10, now(), now() FROM accounts;
INSERT INTO users (email, created_at, updated_at, account_id, otp_secret, chosen_languages, settings)
SELECT 'user' || g || '@example.social', now(), now(), g, CASE WHEN g % 2 = 0 THEN NULL ELSE 'otp' || g END,
       ARRAY['en', 'fr'], E'{"theme":"default","note":"a\\tb"}'
FROM generate_series(1, 240, 3) g;

INSERT INTO statuses (id, uri, text, created_at, updated_at, account_id, visibility, spoiler_text, language, local, ordered_media_attachment_ids, deleted_at, reply, in_reply_to_id)
SELECT 100000 + g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'https://example.social/statuses/' || g END,
       (SELECT s FROM tricky WHERE n = g % 12) || ' #' || g, now() - (g || ' minutes')::interval, now(),
       1 + g % 240, g % 4, CASE WHEN g % 7 = 0 THEN 'CW: ' || (SELECT s FROM tricky WHERE n = (g + 3) % 12) ELSE '' END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'en' END, g % 2 = 0,
       CASE WHEN g % 6 = 0 THEN ARRAY[g::bigint, (g + 1)::bigint] ELSE NULL END,
       CASE WHEN g % 50 = 0 THEN now() ELSE NULL END, g % 9 = 0, CASE WHEN g % 9 = 0 THEN 100000 + g - 1 ELSE NULL END
FROM generate_series(1, 2400) g;
SELECT setval('statuses_id_seq', 77);
INSERT INTO status_stats (status_id, replies_count, created_at, updated_at) SELECT id, id % 5, now(), now() FROM statuses WHERE id % 2 = 0;
INSERT INTO status_edits (status_id, account_id, text, created_at, updated_at, media_descriptions)
SELECT id, account_id, text, now(), now(), ARRAY[E'alt with\ttab', NULL, ''] FROM statuses WHERE id % 11 = 0;
INSERT INTO media_attachments (id, status_id, file_file_name, file_content_type, file_file_size, created_at, updated_at, shortcode, file_meta, account_id, description, file_storage_schema_version)
SELECT 500000 + g, 100000 + g, 'photo' || g || '.png', 'image/png', 1000 + g, now(), now(), 'sc' || g,
       json_build_object('original', json_build_object('width', 640, 'height', 480)), 1 + g % 240,
       (SELECT s FROM tricky WHERE n = g % 12), CASE WHEN g % 4 = 0 THEN 1 ELSE NULL END
FROM generate_series(1, 300) g;
INSERT INTO follows (created_at, updated_at, account_id, target_account_id, languages)
SELECT now(), now(), a, b, CASE WHEN a % 2 = 0 THEN ARRAY['de'] ELSE NULL END FROM generate_series(1, 40) a, generate_series(41, 50) b;
INSERT INTO favourites (created_at, updated_at, account_id, status_id) SELECT now(), now(), 1 + g % 240, 100000 + g FROM generate_series(1, 500) g;
INSERT INTO bookmarks (account_id, status_id, created_at, updated_at) SELECT 1 + g % 240, 100000 + g, now(), now() FROM generate_series(1, 50) g;
INSERT INTO mentions (status_id, created_at, updated_at, account_id) SELECT 100000 + g, now(), now(), 1 + g % 240 FROM generate_series(1, 200) g;
INSERT INTO notifications (activity_id, activity_type, created_at, updated_at, account_id, from_account_id, type) SELECT g, 'Favourite', now(), now(), 1 + g % 240, 2, 'favourite' FROM generate_series(1, 300) g;
INSERT INTO tags (name, created_at, updated_at, display_name) SELECT 'tag' || g, now(), now(), CASE WHEN g = 1 THEN 'Ça' ELSE NULL END FROM generate_series(1, 30) g;
INSERT INTO statuses_tags SELECT 100000 + g, 1 + g % 30 FROM generate_series(1, 200) g;
INSERT INTO conversations (uri, created_at, updated_at) SELECT NULL, now(), now() FROM generate_series(1, 20);
INSERT INTO custom_emojis (shortcode, domain, image_file_name, created_at, updated_at) VALUES ('blobcat', NULL, 'blobcat.png', now(), now()), ('blobcat', 'remote.example', 'b.png', now(), now());
INSERT INTO preview_cards (url, title, description, html, created_at, updated_at) VALUES ('https://a.example', E'T\ttitle', 'd', '<p>x</p>', now(), now());
INSERT INTO preview_cards_statuses VALUES (1, 100001, NULL);
INSERT INTO blocks (created_at, updated_at, account_id, target_account_id) VALUES (now(), now(), 1, 2);
INSERT INTO mutes (created_at, updated_at, account_id, target_account_id) VALUES (now(), now(), 1, 3);
INSERT INTO reports (status_ids, comment, created_at, updated_at, account_id, target_account_id, rule_ids) VALUES ('{100001,100002}', E'spam\nspam', now(), now(), 1, 2, NULL);
INSERT INTO domain_blocks (domain, created_at, updated_at, public_comment) VALUES ('bad.example', now(), now(), E'reason: \\ backslash');
INSERT INTO oauth_applications (name, uid, secret, redirect_uri, created_at, updated_at) VALUES ('Web', 'uid1', 'secret1', 'urn:ietf:wg:oauth:2.0:oob', now(), now());
INSERT INTO oauth_access_tokens (token, created_at, application_id, resource_owner_id, last_used_ip) VALUES ('tok1', now(), 1, 1, '192.0.2.1');
INSERT INTO web_push_subscriptions (endpoint, key_p256dh, key_auth, data, created_at, updated_at) VALUES ('https://push.example', 'p', 'a', '{"alerts":{"follow":true}}', now(), now());
INSERT INTO settings (var, value, thing_type, thing_id) VALUES ('site_title', E'--- My "instance"\n...\n', NULL, NULL);
INSERT INTO site_uploads (var, file_file_name, created_at, updated_at) VALUES ('thumbnail', 'thumb.png', now(), now());
INSERT INTO lists (account_id, title, created_at, updated_at) VALUES (1, 'Friends 🐘', now(), now());
INSERT INTO list_accounts (list_id, account_id) VALUES (1, 2);
INSERT INTO polls (account_id, status_id, options, cached_tallies, created_at, updated_at) VALUES (1, 100001, ARRAY['yes', E'no\tway', 'peut-être'], '{1,2,3}', now(), now());
INSERT INTO poll_votes (account_id, poll_id, choice, created_at, updated_at) VALUES (2, 1, 0, now(), now());
INSERT INTO markers (user_id, timeline, last_read_id, created_at, updated_at) VALUES (1, 'home', 100005, now(), now());
INSERT INTO account_notes (account_id, target_account_id, comment, created_at, updated_at) VALUES (1, 2, E'note\\with backslash', now(), now());
INSERT INTO account_pins (account_id, target_account_id, created_at, updated_at) VALUES (1, 2, now(), now());
INSERT INTO featured_tags (account_id, tag_id, created_at, updated_at, name) VALUES (1, 1, now(), now(), 'tag1');
INSERT INTO session_activations (session_id, created_at, updated_at, ip, user_id) VALUES ('s1', now(), now(), '2001:db8::1', 1);
INSERT INTO backups (user_id, dump_file_name, created_at, updated_at) VALUES (1, 'archive.zip', now(), now());
INSERT INTO instances_cache VALUES ('remote1.example', 34);
REFRESH MATERIALIZED VIEW instances;
