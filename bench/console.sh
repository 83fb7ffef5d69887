#!/usr/bin/env bash
# Benchmark of issue 17: the console under load. The platform database holds 1,000 accounts, 1,000
# instances and 10,000 tasks; wrk on loopback, 50 connections, runs against a logged-in admin's
# dashboard (/instances) and one of their instance pages, DURATION seconds each (default 20) after
# WARM_UP seconds (default 60); then the same for an answer with no page, the bound of any page.
# Target: p95 <= 50 ms, no error. Prints a Markdown table.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
command -v wrk > /dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
DATA="$OUT/console"
HTTP=${HTTP_PORT:-18089}
PSQL="psql -X -q -h 127.0.0.1 -U postgres"
ADMIN_ROLE=fedimon_bench_tenants
platform="fedimon_bench_console"
rm -rf "$DATA" && mkdir -p "$DATA"
cd "$DATA"
$PSQL -c "DROP DATABASE IF EXISTS $platform" postgres > /dev/null
$PSQL -c "CREATE DATABASE $platform" postgres > /dev/null
$PSQL -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ADMIN_ROLE') THEN CREATE ROLE $ADMIN_ROLE LOGIN CREATEROLE CREATEDB; END IF; END \$\$" postgres > /dev/null

FEDIMON_PORT=$HTTP FEDIMON_DATA_DIR="$DATA/var" \
  FEDIMON_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$platform" \
  FEDIMON_TENANT_DATABASE_URL="postgresql://$ADMIN_ROLE@127.0.0.1:5432/postgres" \
  FEDIMON_MASTER_KEY="$(head -c 32 /dev/zero | base64)" \
  java ${FEDIMON_JAVA_OPTS:-} -jar "$JAR" serve > serve.log 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2> /dev/null || true; wait $serve_pid 2> /dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$HTTP/actuator/health" > /dev/null 2>&1 && break
  sleep 1
done

base="http://127.0.0.1:$HTTP"
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d '{"email":"admin@bench.example","password":"correct horse battery"}' "$base/api/v1/accounts"
echo "seeding 1,000 accounts, 1,000 instances, 10,000 tasks..." >&2
$PSQL -d "$platform" > /dev/null << 'SQL'
UPDATE account SET verified_at = now();
INSERT INTO account (id, email, password_hash, verified_at, created_at, language)
SELECT gen_random_uuid(), 'user' || i || '@bench.example', (SELECT password_hash FROM account LIMIT 1),
       now(), now(), 'en'
FROM generate_series(1, 999) AS i;
-- the admin has 10 instances, the others one each but 9 of them
WITH owners AS (
  SELECT id, row_number() OVER (ORDER BY email = 'admin@bench.example' DESC, email) AS n FROM account)
INSERT INTO instance (id, account_id, local_domain, created_at, approved_at, request)
SELECT gen_random_uuid(), o.id, 'instance' || g || '.bench.example', now() - (g || ' minutes')::interval,
       now(), '{"kind": "migration", "software": "mastodon", "version": "4.3.2", "media": "archive"}'
FROM generate_series(1, 1000) AS g
JOIN owners o ON o.n = CASE WHEN g <= 10 THEN 1 ELSE g - 9 END;
-- ten tasks per instance: its migration and nine exports
INSERT INTO task (id, account_id, instance_id, kind, state, steps, step_index, created_at, updated_at,
                  finished_at, result)
SELECT gen_random_uuid(), i.account_id, i.id,
       CASE WHEN t = 1 THEN 'migrate-in' ELSE 'export' END,
       'succeeded',
       CASE WHEN t = 1 THEN ARRAY['receive','inspect','wait','create-database','restore','media','env','ready']
            ELSE ARRAY['dump','verify','offer'] END,
       CASE WHEN t = 1 THEN 8 ELSE 3 END,
       now() - (t || ' hours')::interval, now(), now(),
       CASE WHEN t = 1 THEN NULL ELSE '{"bytes": 123456789, "downloadUrl": "/x"}'::jsonb END
FROM instance i, generate_series(1, 10) AS t;
ANALYZE;
SQL
read -r accounts instances tasks < <($PSQL -d "$platform" -At -F ' ' -c \
  "SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM instance), (SELECT count(*) FROM task)")
instance=$($PSQL -d "$platform" -At -c \
  "SELECT i.id FROM instance i JOIN account a ON a.id = i.account_id WHERE a.email = 'admin@bench.example' LIMIT 1")

# a session as the browser gets it: the log-in form with its CSRF token
jar="$DATA/cookies"
csrf=$(curl -sf -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -sf -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=admin@bench.example" \
  --data-urlencode "password=correct horse battery" --data-urlencode "_csrf=$csrf" "$base/login"
session=$(awk '$6 == "SESSION" {print $7}' "$jar" | tail -1)
curl -sf -o /dev/null -H "Cookie: SESSION=$session" "$base/instances" || { echo "log-in failed" >&2; exit 1; }

cat > p95.lua << 'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.1f %.1f %.1f %.1f %d %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA

measure() { # path
  # warm-up (JIT, caches), then the measured run: a server in its steady state, as it runs for
  # days. On 2 cores the JIT's compiler threads share them with the load; a 5 s warm-up measured a
  # half-compiled server (about half the pages a second it serves a minute later), and so did a
  # warm-up at the full 50 connections, which left C2 little time (the instance page gave 93 to
  # 542 pages a second from run to run). 8 connections leave the compiler a core's share.
  wrk -t2 -c"${WARM_CONNECTIONS:-8}" -d"${WARM_UP:-60}"s -H "Cookie: SESSION=$session" "$base$1" > /dev/null
  wrk -t2 -c50 -d"${DURATION:-20}"s -H "Cookie: SESSION=$session" -s p95.lua "$base$1" | grep '^RESULT'
}

alone() { # path: the median of 30 requests one at a time, in ms (the service time without a queue)
  for _ in $(seq 1 30); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: SESSION=$session" "$base$1"
  done | sort -n | sed -n 15p | awk '{printf "%.1f", $1 * 1000}'
}

echo "| page | alone, median ms | requests | req/s | p50 ms | p95 ms | p99 ms | socket errors | non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|"
# The third row is no page at all: /actuator/info answers {} through the same filters and reads
# the same session, so it shows what the stack costs on this machine before any page's own work.
for page in /instances "/instances/$instance" /actuator/info; do
  read -r _ n rate p50 p95 p99 errors status < <(measure "$page")
  single=$(alone "$page")
  label=$page; [[ $page == /instances/* ]] && label="/instances/{id}"
  [[ $page == /actuator/info ]] && label="/actuator/info (no page)"
  echo "| \`$label\` | $single | $n | $rate | $p50 | $p95 | $p99 | $errors | $status |"
done
echo
echo "Data: $accounts accounts, $instances instances, $tasks tasks; wrk -t2 -c50 on loopback, $(nproc) cores shared with the server and PostgreSQL."
