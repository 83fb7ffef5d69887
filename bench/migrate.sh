#!/usr/bin/env bash
# Benchmark of issue 16: a migration and an export through `serve`, each against what an operator
# runs by hand on the same machine, in the same run:
#   by hand:  zstd -dc archive.tar.zst | tar -x; psql -f database.sql; aws s3 sync system s3://...
#   fedimon:  PUT the archive to the API, then the task until "ready to start" (approval, DNS and the
#             admin's go given before, so the task never waits for a person)
#   by hand:  pg_dump -Fc -Z0 tenant | zstd -T0 > file
#   fedimon:  POST .../exports, until the link is offered (the read-back check included)
# The archive: bench/restore.sh's database as a plain dump (~1 GB), media.sh's 3000 files
# (~300 MB) and an env file, in one tar.zst. S3Proxy on loopback holds both targets; the platform
# and tenant databases are the machine's PostgreSQL. RUNS pairs (default 1), alternating.
# Prints a Markdown table.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
source "$BENCH_DIR/restore-data.sh" # plain.sql, fresh(), drop(); cd's into $OUT/restore
PLAIN="$PWD/plain.sql"
DATA="$OUT/migrate"
mkdir -p "$DATA"
cd "$DATA"
PORT=${S3_PORT:-18331}
HTTP=${HTTP_PORT:-18088}
ADMIN_ROLE=fedimon_bench_tenants

if [[ ! -d system ]]; then
  echo "making the media (once): 3000 files, about 300 MB..." >&2
  for i in $(seq 1 3000); do
    d=$(printf 'system/media_attachments/files/000/%03d/%03d/original' $((i / 1000)) $((i % 1000)))
    mkdir -p "$d"
    head -c $((60000 + (i * 7919) % 80000)) /dev/urandom > "$d/$i.jpg"
  done
fi
if [[ ! -f archive.tar.zst ]]; then
  echo "making the archive (once)..." >&2
  dump_of_a_release "$PLAIN" database.sql
  printf 'LOCAL_DOMAIN=bench.example\nSECRET_KEY_BASE=%s\nOTP_SECRET=%s\nDB_HOST=old-host\n' \
    "$(head -c 32 /dev/urandom | xxd -p -c 64)" "$(head -c 32 /dev/urandom | xxd -p -c 64)" > .env.production
  tar -chf - .env.production database.sql system | zstd -q -T2 -3 -o archive.tar.zst
fi
$PSQL -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ADMIN_ROLE') THEN CREATE ROLE $ADMIN_ROLE LOGIN CREATEROLE CREATEDB; END IF; END \$\$" postgres > /dev/null

rm -rf objects
start_s3proxy "$PORT" "$DATA/objects"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
unset AWS_CA_BUNDLE
aws s3 mb s3://manual > /dev/null
aws s3 mb s3://fedimon > /dev/null

seconds_since() { printf '%.2f' "$(echo "$(date +%s.%N) - $1" | bc -l)"; }

by_hand_migration() {
  local db; db=$(fresh)
  rm -rf unpacked && mkdir unpacked
  local start; start=$(date +%s.%N)
  zstd -dc archive.tar.zst | tar -x -C unpacked
  psql -X -q -h 127.0.0.1 -U "$TENANT" -d "$db" -f unpacked/database.sql > /dev/null 2>&1
  aws s3 sync --only-show-errors unpacked/system "s3://manual/run$1/system"
  seconds_since "$start"
  drop "$db"
  rm -rf unpacked
}

api() { # method path [curl args...]
  local method="$1" path="$2"; shift 2
  curl -sf -X "$method" "http://127.0.0.1:$HTTP/api/v1$path" "$@"
}

serve_pid=""
start_serve() { # a fresh platform database each run; prints nothing
  local platform="bench_platform_$1"
  $PSQL -c "DROP DATABASE IF EXISTS $platform WITH (FORCE)" postgres > /dev/null
  $PSQL -c "CREATE DATABASE $platform" postgres > /dev/null
  rm -rf var && mkdir var
  FEDIMON_PORT=$HTTP FEDIMON_DATA_DIR="$DATA/var" \
    FEDIMON_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$platform" \
    FEDIMON_TENANT_DATABASE_URL="postgresql://$ADMIN_ROLE@127.0.0.1:5432/postgres" \
    FEDIMON_MASTER_KEY="$(head -c 32 /dev/zero | base64)" \
    FEDIMON_S3_ENDPOINT="http://127.0.0.1:$PORT" FEDIMON_S3_BUCKET=fedimon \
    FEDIMON_S3_ACCESS_KEY=bench FEDIMON_S3_SECRET_KEY=bench-secret \
    FEDIMON_S3_CHECKSUMS_WHEN_REQUIRED=true FEDIMON_OPERATORS=ops@bench.example \
    java ${FEDIMON_JAVA_OPTS:-} -jar "$JAR" serve > var/serve.log 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$HTTP/actuator/health" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "serve did not start: $DATA/var/serve.log" >&2
  return 1
}
stop_serve() { kill "$serve_pid" 2> /dev/null || true; wait "$serve_pid" 2> /dev/null || true; }

token_for() { # email: signs up, follows the mail's link, prints a token
  local email="$1"
  api POST /accounts -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"correct horse battery\"}" > /dev/null
  local link
  # the newest mail to that address, its quoted-printable body decoded
  link=$(grep -l "^To: $email" var/outbox/*.eml | sort | tail -1 |
    { read -r file; mail_text "$file"; } |
    grep -o 'http://[^ ]*/accounts/verify?token=[A-Za-z0-9_-]*' | tail -1)
  curl -sf "$link" > /dev/null
  api POST /tokens -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"correct horse battery\"}" | jq -r .token
}

await_task() { # token task: waits until the task has ended; fails unless it succeeded
  [[ -n "$1" && -n "$2" && "$2" != null ]] || { echo "no token or task to wait for" >&2; return 1; }
  local state
  for _ in $(seq 1 7200); do
    state=$(api GET "/tasks/$2" -H "Authorization: Bearer $1" | jq -r .state)
    case "$state" in
      succeeded) return 0 ;;
      failed | cancelled)
        api GET "/tasks/$2" -H "Authorization: Bearer $1" >&2
        return 1 ;;
    esac
    sleep 0.2
  done
  return 1
}

fedimon_migration() { # run: prints "total task export by-hand-export"
  start_serve "$1"
  local admin operator instance task
  admin=$(token_for admin@bench.example)
  operator=$(token_for ops@bench.example)
  instance=$(api POST /instances -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"localDomain": "bench.example"}' | jq -r .id)
  task=$(api GET "/instances/$instance" -H "Authorization: Bearer $admin" | jq -r '.tasks[0].id')
  api POST "/operator/instances/$instance/approve" -H "Authorization: Bearer $operator" > /dev/null
  api POST "/operator/instances/$instance/dns-verified" -H "Authorization: Bearer $operator" > /dev/null
  api POST "/instances/$instance/confirm" -H "Authorization: Bearer $admin" > /dev/null
  $PSQL -c "CHECKPOINT" postgres > /dev/null
  local start sent; start=$(date +%s.%N)
  api PUT "/instances/$instance/backup" -H "Authorization: Bearer $admin" \
    --data-binary @archive.tar.zst -H 'Content-Type: application/octet-stream' > /dev/null
  sent=$(date +%s.%N)
  await_task "$admin" "$task" || { stop_serve; return 1; }
  local total task_only
  total=$(seconds_since "$start"); task_only=$(seconds_since "$sent")
  local tenant="tenant_${instance//-/}"; tenant=${tenant:0:27}
  # exports: by hand, then fedimon's (the same database, just restored)
  $PSQL -c "CHECKPOINT" postgres > /dev/null
  local hand_start hand; hand_start=$(date +%s.%N)
  pg_dump -Fc -Z0 -h 127.0.0.1 -U postgres "$tenant" | zstd -q -T0 > by-hand.dump.zst
  hand=$(seconds_since "$hand_start")
  local export_start export_task exported
  export_start=$(date +%s.%N)
  export_task=$(api POST "/instances/$instance/exports" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"encrypt": false}' | jq -r .id)
  await_task "$admin" "$export_task" || { stop_serve; return 1; }
  exported=$(seconds_since "$export_start")
  echo "$total $task_only $exported $hand"
  stop_serve
  $PSQL -c "DROP DATABASE IF EXISTS $tenant WITH (FORCE)" postgres > /dev/null
  $PSQL -c "DROP ROLE IF EXISTS $tenant" postgres > /dev/null
  rm -f by-hand.dump.zst
}

warm_up "java -jar $JAR version"
hand_runs=() total_runs=() task_runs=() export_runs=() hand_export_runs=()
for run in $(seq 1 "${RUNS:-1}"); do
  hand_runs+=("$(by_hand_migration "$run")")
  read -r total task_only exported hand_export <<< "$(fedimon_migration "$run")"
  [[ -n "${hand_export:-}" ]] || { echo "the fedimon run failed: see $DATA/var/serve.log" >&2; exit 1; }
  total_runs+=("$total"); task_runs+=("$task_only"); export_runs+=("$exported"); hand_export_runs+=("$hand_export")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
H=$(median "${hand_runs[@]}"); T=$(median "${total_runs[@]}"); K=$(median "${task_runs[@]}")
E=$(median "${export_runs[@]}"); R=$(median "${hand_export_runs[@]}")
size=$(du -h archive.tar.zst | cut -f1)
echo
echo "| what (archive $size: ~1 GB plain dump, 3000 media files ~300 MB) | by hand | fedimon | ratio | target |"
echo "|---|---|---|---|---|"
echo "| migration until ready to start, upload by PUT included | $H s | $T s | $(ratio "$T" "$H") | <= 0.6 |"
echo "| the same, from the archive in the store (the task alone) | $H s | $K s | $(ratio "$K" "$H") | |"
echo "| export until the link is offered (read-back check included) | $R s | $E s | $(ratio "$E" "$R") | <= 1.2 |"
