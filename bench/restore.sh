#!/usr/bin/env bash
# Benchmark of issue 4: restoring a Mastodon-shaped database of about 1 GB of table data, dumped
# by pg_dump, against the same local server, each run into a fresh database, in the same run:
#   psql -X -q -v ON_ERROR_STOP=1 -f plain.sql   vs  fedimon restore plain.sql
#   pg_restore -j2                                 vs  fedimon restore --jobs 2 custom.dump
#   pg_restore -l custom.dump                      vs  fedimon inspect custom.dump
# fedimon runs with -Xmx512m (the heap target). Prints a Markdown table.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
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
timed() { # seconds of one run of a command
  local start end; start=$(date +%s.%N)
  bash -o pipefail -c "$1" > /dev/null 2>&1 || { echo "FAILED: $1" >&2; return 1; }
  end=$(date +%s.%N); printf '%.2f' "$(echo "$end - $start" | bc -l)"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
fedimon() { echo "FEDIMON_SKIP_BUILD=1 FEDIMON_JAVA_OPTS=-Xmx512m $REPO/bin/fedimon $*"; }
# one restore into a fresh database: $1 = command with DB where the database name goes
restore_once() {
  local db t; db=$(fresh); t=$(timed "${1//DB/$db}"); drop "$db"; echo "$t"
}
RUNS=${RUNS:-3}
# Each kind of restore runs once untimed first (warm_up), as a user's first restore would: the first
# run of a command with a new jar writes its class list, and a later run that loads many classes
# outside it (a custom dump after a plain one) grows the class-data archive; either dump runs in the
# background, on the same 2 cores as the timed runs that followed before this warm-up existed.
for dump in plain.sql custom.dump; do
  db=$(fresh)
  warm_up "$(fedimon restore $dump --database-url postgresql://$TENANT@127.0.0.1:5432/$db --jobs 2)"
  drop "$db"
done

echo "Dump: plain $(numfmt --to=iec "$(stat -c %s plain.sql)"), custom $(numfmt --to=iec "$(stat -c %s custom.dump)"); PostgreSQL $($PSQL -tA -c 'SHOW server_version' postgres); $(java -version 2>&1 | head -1)"
echo
echo "Each figure is the median of $RUNS runs, reference and fedimon alternating."
echo
echo "| run | reference | reference s | fedimon | fedimon s | fedimon / reference |"
echo "|---|---|---|---|---|---|"
rp=(); fp=(); rc=(); fc=()
for _ in $(seq 1 "$RUNS"); do
  rp+=("$(restore_once "$PSQL -v ON_ERROR_STOP=1 -f plain.sql DB")")
  fp+=("$(restore_once "$(fedimon restore plain.sql --database-url postgresql://$TENANT@127.0.0.1:5432/DB --jobs 2)")")
  rc+=("$(restore_once "pg_restore -h 127.0.0.1 -U postgres -j2 --no-owner -d DB custom.dump")")
  fc+=("$(restore_once "$(fedimon restore custom.dump --database-url postgresql://$TENANT@127.0.0.1:5432/DB --jobs 2)")")
  echo "runs: psql ${rp[*]} | fedimon plain ${fp[*]} | pg_restore ${rc[*]} | fedimon custom ${fc[*]}" >&2
done
r=$(median "${rp[@]}"); f=$(median "${fp[@]}")
echo "| plain | \`psql -X -q -v ON_ERROR_STOP=1 -f plain.sql\` | $r | \`fedimon restore plain.sql --jobs 2\` | $f | $(ratio "$f" "$r") |"
r=$(median "${rc[@]}"); f=$(median "${fc[@]}")
echo "| custom | \`pg_restore -j2 --no-owner\` | $r | \`fedimon restore custom.dump --jobs 2\` | $f | $(ratio "$f" "$r") |"
r=$(timed "pg_restore -l custom.dump")
f=$(timed "$(fedimon inspect --format json custom.dump) || true")
echo "| inspect | \`pg_restore -l custom.dump\` | $r | \`fedimon inspect custom.dump\` | $f | $(ratio "$f" "$r") |"
echo
echo "Ratios are time: below 1.0 means FédiMon is faster. fedimon ran with -Xmx512m."
