#!/usr/bin/env bash
# Benchmark of issue 16: a scheduled migration's downtime. The admin's bucket holds ten times
# bench/migrate.sh's media (30,000 files, about 3 GB); the database comes as an archive of its
# own (env + ~1 GB plain dump). Before the date, the pre-sync moves the media; at the date only
# the database and what changed since (100 new files) move. Compared in the same run with the
# restore of the database alone (`fedimon restore` of the same archive, no media):
#   downtime = from the date to "ready to start"      target: <= 1.2 x the restore alone
# DATE_IN (default 300) seconds between the request and the date: the pre-sync must end before.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
source "$BENCH_DIR/restore-data.sh" # plain.sql, fresh(), drop(); cd's into $OUT/restore
PLAIN="$PWD/plain.sql"
DATA="$OUT/scheduled"
mkdir -p "$DATA"
cd "$DATA"
PORT=${S3_PORT:-18341}
HTTP=${HTTP_PORT:-18098}
ADMIN_ROLE=fedimon_bench_tenants
DATE_IN=${DATE_IN:-300}

if [[ ! -d media ]]; then
  echo "making the admin's media (once): 30,000 files, about 3 GB..." >&2
  for i in $(seq 1 30000); do
    d=$(printf 'media/media_attachments/files/%03d/%03d/%03d/original' $((i / 1000000)) $((i / 1000 % 1000)) $((i % 1000)))
    mkdir -p "$d"
    head -c $((60000 + (i * 7919) % 80000)) /dev/urandom > "$d/$i.jpg"
  done
fi
if [[ ! -f database.tar.zst ]]; then
  dump_of_a_release "$PLAIN" database.sql
  printf 'LOCAL_DOMAIN=bench.example\nSECRET_KEY_BASE=%s\nOTP_SECRET=%s\n' \
    "$(head -c 32 /dev/urandom | xxd -p -c 64)" "$(head -c 32 /dev/urandom | xxd -p -c 64)" > .env.production
  tar -chf - .env.production database.sql | zstd -q -T2 -3 -o database.tar.zst
fi
$PSQL -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ADMIN_ROLE') THEN CREATE ROLE $ADMIN_ROLE LOGIN CREATEROLE CREATEDB; END IF; END \$\$" postgres > /dev/null

rm -rf objects
start_s3proxy "$PORT" "$DATA/objects"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
unset AWS_CA_BUNDLE
aws s3 mb s3://admin > /dev/null
aws s3 mb s3://fedimon > /dev/null
echo "filling the admin's bucket (untimed)..." >&2
aws s3 sync --only-show-errors media s3://admin/

seconds_since() { printf '%.2f' "$(echo "$(date +%s.%N) - $1" | bc -l)"; }

# the reference: the database alone, restored by the same engine
warm_up "java -jar $JAR version"
db=$(fresh)
start=$(date +%s.%N)
java ${FEDIMON_JAVA_OPTS:-} -jar "$JAR" restore database.tar.zst \
  --database-url "postgresql://$TENANT@127.0.0.1:5432/$db" > /dev/null 2>&1
alone=$(seconds_since "$start")
drop "$db"

api() { local method="$1" path="$2"; shift 2; curl -sf -X "$method" "http://127.0.0.1:$HTTP/api/v1$path" "$@"; }
platform=bench_platform_scheduled
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
  FEDIMON_BACKUP_ALLOW_HTTP=true FEDIMON_BACKUP_ALLOW_ADDRESSES=127.0.0.1/32 \
  FEDIMON_TASKS_PRESYNC_INTERVAL=1h \
  java ${FEDIMON_JAVA_OPTS:-} -jar "$JAR" serve > var/serve.log 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2> /dev/null || true; kill $S3PID 2> /dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$HTTP/actuator/health" > /dev/null 2>&1 && break; sleep 0.5; done

token_for() {
  local email="$1" link
  api POST /accounts -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"correct horse battery\"}" > /dev/null
  link=$(grep -l "^To: $email" var/outbox/*.eml | sort | tail -1 |
    { read -r file; mail_text "$file"; } |
    grep -o 'http://[^ ]*/accounts/verify?token=[A-Za-z0-9_-]*' | tail -1)
  curl -sf "$link" > /dev/null
  api POST /tokens -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"correct horse battery\"}" | jq -r .token
}
admin=$(token_for admin@bench.example)
operator=$(token_for ops@bench.example)
date_epoch=$(( $(date +%s) + DATE_IN ))
date_iso=$(date -u -d "@$date_epoch" +%Y-%m-%dT%H:%M:%SZ)
instance=$(api POST /instances -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"localDomain\": \"bench.example\", \"scheduledAt\": \"$date_iso\"}" | jq -r .id)
task=$(api GET "/instances/$instance" -H "Authorization: Bearer $admin" | jq -r '.tasks[0].id')
presync_start=$(date +%s.%N)
api POST "/instances/$instance/backup" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"s3\": {\"endpoint\": \"http://127.0.0.1:$PORT\", \"bucket\": \"admin\", \"accessKey\": \"bench\", \"secretKey\": \"bench-secret\"}}" > /dev/null
presync=$(api GET "/instances/$instance" -H "Authorization: Bearer $admin" | jq -r '.tasks[] | select(.kind == "media-presync") | .id')
api PUT "/instances/$instance/backup" -H "Authorization: Bearer $admin" --data-binary @database.tar.zst > /dev/null
api POST "/operator/instances/$instance/approve" -H "Authorization: Bearer $operator" > /dev/null
api POST "/operator/instances/$instance/dns-verified" -H "Authorization: Bearer $operator" > /dev/null
api POST "/instances/$instance/confirm" -H "Authorization: Bearer $admin" > /dev/null
until [[ "$(api GET "/tasks/$presync" -H "Authorization: Bearer $admin" | jq -r '.result.syncs // 0')" -ge 1 ]]; do
  (( $(date +%s) < date_epoch )) || { echo "the pre-sync did not end before the date: raise DATE_IN" >&2; exit 1; }
  sleep 1
done
presync_seconds=$(seconds_since "$presync_start")
moved=$(api GET "/tasks/$presync" -H "Authorization: Bearer $admin" | jq -r '.result.bytesMoved')
expected=$(api GET "/tasks/$presync" -H "Authorization: Bearer $admin" | jq -r '.result.expectedDowntimeSeconds')
# the instance goes on serving until the date: 100 new attachments
mkdir -p delta && for i in $(seq 1 100); do
  d=$(printf 'delta/media_attachments/files/999/%03d/original' "$i"); mkdir -p "$d"
  head -c 100000 /dev/urandom > "$d/new.jpg"
done
aws s3 sync --only-show-errors delta s3://admin/
rm -rf delta
while (( $(date +%s) < date_epoch )); do sleep 0.2; done
until [[ "$(api GET "/tasks/$task" -H "Authorization: Bearer $admin" | jq -r .state)" =~ succeeded|failed ]]; do sleep 0.2; done
downtime=$(printf '%.2f' "$(echo "$(date +%s.%N) - $date_epoch" | bc -l)")
state=$(api GET "/tasks/$task" -H "Authorization: Bearer $admin" | jq -r .state)
[[ "$state" == succeeded ]] || { echo "the migration $state" >&2; exit 1; }
final=$(api GET "/tasks/$task/log" -H "Authorization: Bearer $admin" | jq -r '.[] | select(.step == "media") | .message' | grep "media from" || true)
$PSQL -c "DROP DATABASE IF EXISTS tenant_$(echo "${instance//-/}" | cut -c1-20) WITH (FORCE)" postgres > /dev/null

echo
echo "| what | seconds |"
echo "|---|---|"
echo "| restore of the database alone (\`fedimon restore\`, no media) | $alone |"
echo "| pre-sync before the date: $(( moved / 1000000 )) MB of media moved | $presync_seconds |"
echo "| the pre-sync's expected downtime | $expected |"
echo "| downtime: from the date to ready to start | $downtime |"
echo "| downtime / restore alone (target <= 1.2) | $(ratio "$downtime" "$alone") |"
echo
echo "the cut-over's media step: $final"
