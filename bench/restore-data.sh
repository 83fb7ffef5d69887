# Shared by bench/restore.sh and bench/restore-schedule.sh: the benchmark's data, made once under
# $OUT/restore (a Mastodon-shaped database of about 1 GB, dumped plain and custom), and fresh
# databases to restore into. Sourced after lib.sh; leaves the shell in the data folder.
DATA="$OUT/restore"
mkdir -p "$DATA"
cd "$DATA"
PSQL="psql -X -q -h 127.0.0.1 -U postgres"
TENANT=bench_tenant

if [[ ! -f custom.dump ]]; then
  echo "making the data (once): a Mastodon-shaped database of about 1 GB..." >&2
  $PSQL -c "DROP DATABASE IF EXISTS bench_source" postgres
  $PSQL -c "CREATE DATABASE bench_source" postgres
  $PSQL -v ON_ERROR_STOP=1 -f "$REPO/fedimon-engine/src/test/resources/social/fedimon/engine/testing/mastodon-schema.sql" bench_source
  # The test schema's expression GIN index on statuses.text is not Mastodon's (it searches statuses
  # through Elasticsearch); both tools would spend ~100 s of one core in that single CREATE INDEX.
  $PSQL -c "DROP INDEX index_statuses_text_gin" bench_source
  $PSQL -v ON_ERROR_STOP=1 bench_source <<'SQL'
INSERT INTO schema_migrations SELECT v::text FROM generate_series(20160220174730, 20160220174930) v;
INSERT INTO accounts (id, username, domain, public_key, created_at, updated_at, note, display_name, uri, fields)
  SELECT g, 'user' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'host' || (g % 997) || '.example' END, md5(g::text),
         now(), now(), 'Bio of user ' || g || E' with\ttabs and ünïcödé 🐘', 'User ' || g,
         'https://example.social/users/user' || g, jsonb_build_array(jsonb_build_object('name', 'site', 'value', 'x' || g))
  FROM generate_series(1, 200000) g;
INSERT INTO account_stats (account_id, statuses_count, created_at, updated_at) SELECT id, id % 1000, now(), now() FROM accounts;
INSERT INTO statuses (id, uri, text, created_at, updated_at, account_id, visibility, language, local, reply)
  SELECT g, 'https://example.social/statuses/' || g,
         'Toot number ' || g || ': ' || md5(g::text) || ' ' || repeat('lorem ipsum dolor ', 6 + g % 8) || E'\nsecond line',
         now() - (g || ' seconds')::interval, now(), 1 + g % 200000, g % 4, 'en', g % 2 = 0, g % 9 = 0
  FROM generate_series(1, 2800000) g;
INSERT INTO status_stats (status_id, favourites_count, created_at, updated_at) SELECT id, id % 50, now(), now() FROM statuses WHERE id % 3 = 0;
INSERT INTO follows (created_at, updated_at, account_id, target_account_id)
  SELECT now(), now(), 1 + g % 200000, 1 + (g::bigint * 7919) % 200000 FROM generate_series(1, 1500000) g ON CONFLICT DO NOTHING;
INSERT INTO favourites (created_at, updated_at, account_id, status_id)
  SELECT now(), now(), 1 + g % 200000, 1 + (g::bigint * 31) % 2800000 FROM generate_series(1, 1500000) g ON CONFLICT DO NOTHING;
INSERT INTO media_attachments (id, status_id, file_file_name, file_content_type, file_file_size, created_at, updated_at, shortcode, account_id, description)
  SELECT g, 1 + g * 5, 'photo' || g || '.jpg', 'image/jpeg', 100000 + g, now(), now(), md5(g::text), 1 + g % 200000, 'Alt text ' || g
  FROM generate_series(1, 400000) g;
INSERT INTO notifications (activity_id, activity_type, created_at, updated_at, account_id, from_account_id, type)
  SELECT g, 'Favourite', now(), now(), 1 + g % 200000, 2, 'favourite' FROM generate_series(1, 1000000) g;
SQL
  $PSQL -c "SELECT pg_size_pretty(sum(pg_table_size(c.oid))) AS table_data, pg_size_pretty(pg_database_size('bench_source')) AS database FROM pg_class c WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'" bench_source >&2
  pg_dump -h 127.0.0.1 -U postgres -f plain.sql bench_source
  pg_dump -h 127.0.0.1 -U postgres -Fc -f custom.dump bench_source
fi
$PSQL -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$TENANT') THEN CREATE ROLE $TENANT LOGIN; END IF; END \$\$" postgres

n=0
fresh() { # a new empty database owned by the tenant role, after a checkpoint; prints its name
  n=$((n + 1)); local db="bench_restore_${$}_$n"
  $PSQL -c "CREATE DATABASE $db OWNER $TENANT TEMPLATE template0" postgres > /dev/null
  # the previous run's dirty buffers are written now, not during the next timed run
  $PSQL -c "CHECKPOINT" postgres > /dev/null
  echo "$db"
}
drop() { $PSQL -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" postgres > /dev/null; }
