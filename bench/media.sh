#!/usr/bin/env bash
# Benchmark of issue 5: media into object storage (S3Proxy on loopback, filesystem backend),
# all in the same run:
#   aws s3 sync folder s3://a                 vs  fedimon media sync --from folder --to s3://b
#   the same two commands again, nothing changed (the incremental case; target: <= 5% of the first)
#   the same two commands on a folder of one file, nothing changed (what any sync costs: its start)
#   fedimon restore archive.tar.zst (database only) vs fedimon restore archive.tar.zst --media-to s3://c
# Each command runs once untimed first (warm_up: its class-data archive); the second sync is the
# median of three, the restores the medians of RESTORE_RUNS alternating pairs (default 3).
# The media: 3000 files, about 300 MB, in Mastodon's layout. Prints a Markdown table.
# SYNC_ONLY=1 runs the sync rows alone (the restore rows need bench/restore.sh's data to mean much).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
DATA="$OUT/media"
mkdir -p "$DATA"
cd "$DATA"
PSQL="psql -X -q -h 127.0.0.1 -U postgres"
TENANT=bench_tenant
PORT=${S3_PORT:-18321}

if [[ ! -d system ]]; then
  echo "making the media (once): 3000 files, about 300 MB..." >&2
  for i in $(seq 1 3000); do
    d=$(printf 'system/media_attachments/files/000/%03d/%03d/original' $((i / 1000)) $((i % 1000)))
    mkdir -p "$d"
    head -c $((60000 + (i * 7919) % 80000)) /dev/urandom > "$d/$i.jpg"
  done
fi
if [[ ! -f archive.tar.zst ]]; then
  # the database of bench/restore.sh when it exists, else the test schema alone
  dump="$OUT/restore/custom.dump"
  if [[ ! -f "$dump" ]]; then
    $PSQL -c "DROP DATABASE IF EXISTS bench_media_source" postgres
    $PSQL -c "CREATE DATABASE bench_media_source" postgres
    $PSQL -v ON_ERROR_STOP=1 -f "$REPO/fedimon-engine/src/test/resources/social/fedimon/engine/testing/mastodon-schema.sql" bench_media_source > /dev/null
    pg_dump -h 127.0.0.1 -U postgres -Fc -f schema.dump bench_media_source
    dump=schema.dump
  fi
  cp "$dump" backup.dump
  printf 'LOCAL_DOMAIN=bench.example\n' > .env.production
  tar -cf - .env.production backup.dump system | zstd -q -T2 -3 -o archive.tar.zst
  rm backup.dump
fi
$PSQL -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$TENANT') THEN CREATE ROLE $TENANT LOGIN; END IF; END \$\$" postgres > /dev/null

# S3Proxy, fresh buckets each run
rm -rf objects
start_s3proxy "$PORT" "$DATA/objects"

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
export FEDIMON_S3_CHECKSUMS_WHEN_REQUIRED=true
for b in aws-sync fedimon-sync; do aws s3 mb "s3://$b" > /dev/null; done

timed() { # seconds of one run of a command
  local start end; start=$(date +%s.%N)
  bash -o pipefail -c "$1" > /dev/null 2>&1 || { echo "FAILED: $1" >&2; return 1; }
  end=$(date +%s.%N); printf '%.2f' "$(echo "$end - $start" | bc -l)"
}
FEDIMON="FEDIMON_SKIP_BUILD=1 FEDIMON_JAVA_OPTS=-Xmx512m $REPO/bin/fedimon"
n=0
fresh() {
  n=$((n + 1)); local db="bench_media_${$}_$n"
  $PSQL -c "CREATE DATABASE $db OWNER $TENANT TEMPLATE template0" postgres > /dev/null
  $PSQL -c "CHECKPOINT" postgres > /dev/null
  echo "$db"
}
drop() { $PSQL -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" postgres > /dev/null; }

echo "Media: $(find system -type f | wc -l) files, $(du -sh --apparent-size system | cut -f1); archive $(numfmt --to=iec "$(stat -c %s archive.tar.zst)"); $(aws --version 2>&1 | head -1); $(java -version 2>&1 | head -1)"
echo
echo "| run | reference | reference s | fedimon | fedimon s | fedimon / reference |"
echo "|---|---|---|---|---|---|"
# each command's first run with this jar trains its class-data archive (bin/fedimon): done here,
# untimed, on a few files and on a small archive, so that the rows time what users' later runs do
aws s3 mb s3://warm-up > /dev/null
warm_up "$FEDIMON media sync --from system/media_attachments/files/000/000 --to s3://warm-up/sync/"
if [[ "${SYNC_ONLY:-0}" != 1 ]]; then
  if [[ ! -f warm-up.tar.zst ]]; then
    $PSQL -c "DROP DATABASE IF EXISTS bench_media_warm" postgres
    $PSQL -c "CREATE DATABASE bench_media_warm" postgres
    $PSQL -v ON_ERROR_STOP=1 -f "$REPO/fedimon-engine/src/test/resources/social/fedimon/engine/testing/mastodon-schema.sql" bench_media_warm > /dev/null
    pg_dump -h 127.0.0.1 -U postgres -Fc -f warm-up.dump bench_media_warm
    $PSQL -c "DROP DATABASE bench_media_warm" postgres
    [[ -f .env.production ]] || printf 'LOCAL_DOMAIN=bench.example\n' > .env.production
    tar -cf - .env.production warm-up.dump system/media_attachments/files/000/000 | zstd -q -o warm-up.tar.zst
    rm warm-up.dump
  fi
  db0=$(fresh)
  warm_up "$FEDIMON restore warm-up.tar.zst --jobs 2 --media-to s3://warm-up/restore/ --database-url postgresql://$TENANT@127.0.0.1:5432/$db0"
  drop "$db0"
  # and once on the real archive: the small one has no table data, so the first timed restore
  # would load the COPY path's classes, grow the archive, and dump it during the next timed run
  db0=$(fresh)
  warm_up "$FEDIMON restore archive.tar.zst --jobs 2 --database-url postgresql://$TENANT@127.0.0.1:5432/$db0"
  drop "$db0"
fi
r1=$(timed "aws s3 sync system s3://aws-sync/")
f1=$(timed "$FEDIMON media sync --from system --to s3://fedimon-sync/")
echo "| first sync | \`aws s3 sync\` | $r1 | \`fedimon media sync\` | $f1 | $(ratio "$f1" "$r1") |"
# nothing changed: every later sync is a second sync, so this row is the median of three of each
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# again LABEL FOLDER AWS_BUCKET FEDIMON_BUCKET: three alternating syncs of the folder by each tool
# (in this shell, so that a failed run stops the script); sets r and f to their medians
again() {
  local aws_runs=() fedimon_runs=()
  for _ in 1 2 3; do
    aws_runs+=("$(timed "aws s3 sync $2 s3://$3/")")
    fedimon_runs+=("$(timed "$FEDIMON media sync --from $2 --to s3://$4/")")
  done
  echo "runs: $1 aws ${aws_runs[*]} | fedimon ${fedimon_runs[*]}" >&2
  r=$(median "${aws_runs[@]}") f=$(median "${fedimon_runs[@]}")
}
again "3000 files," system aws-sync fedimon-sync
r2=$r f2=$f
echo "| second sync, nothing changed (median of 3) | \`aws s3 sync\` | $r2 | \`fedimon media sync\` | $f2 | $(ratio "$f2" "$r2") |"
echo "| second / first | | $(ratio "$r2" "$r1") | | $(ratio "$f2" "$f1") | |"
# what a sync costs before its first file (the command's start, the record's GET): a second sync
# of a folder holding one file, median of three of each tool. The second sync above is this fixed
# cost plus the walk of 3000 files and their comparison with the record
mkdir -p one/a && printf 'x' > one/a/1.txt
for b in aws-one fedimon-one; do aws s3 mb "s3://$b" > /dev/null; done
aws s3 sync one s3://aws-one/ > /dev/null
timed "$FEDIMON media sync --from one --to s3://fedimon-one/" > /dev/null
again "one file," one aws-one fedimon-one
r0=$r f0=$f
echo "| second sync of a one-file folder (the fixed cost, median of 3) | \`aws s3 sync\` | $r0 | \`fedimon media sync\` | $f0 | $(ratio "$f0" "$r0") |"
echo "| one-file / first | | $(ratio "$r0" "$r1") | | $(ratio "$f0" "$f1") | |"
if [[ "${SYNC_ONLY:-0}" != 1 ]]; then
# RESTORE_RUNS pairs (default 3), alone and with media alternating, each into a fresh database
# and the media into a fresh bucket; the row gives each side's median
alone=() with=()
rm -f "$DATA"/gc-restore-*.log
for i in $(seq 1 "${RESTORE_RUNS:-3}"); do
  aws s3 mb "s3://restore-media-$i" > /dev/null
  db1=$(fresh); alone+=("$(timed "$FEDIMON restore archive.tar.zst --jobs 2 --database-url postgresql://$TENANT@127.0.0.1:5432/$db1")"); drop "$db1"
  # the heap target: -Xmx512m, and the collector's log says how full the heap got
  db2=$(fresh); with+=("$(timed "FEDIMON_SKIP_BUILD=1 FEDIMON_JAVA_OPTS='-Xmx512m -Xlog:gc:file=$DATA/gc-restore-$i.log' $REPO/bin/fedimon restore archive.tar.zst --jobs 2 --media-to s3://restore-media-$i/ --database-url postgresql://$TENANT@127.0.0.1:5432/$db2")"); drop "$db2"
  echo "runs: alone ${alone[*]} | with media ${with[*]}" >&2
done
d=$(median "${alone[@]}"); m=$(median "${with[@]}")
echo "| restore with media (median of ${#alone[@]}) | \`fedimon restore\` (database only) | $d | \`fedimon restore --media-to\` | $m | $(ratio "$m" "$d") |"
# heap in use before and after each collection of those runs, the highest of each
peaks=$(cat "$DATA"/gc-restore-*.log | grep -oE '[0-9]+M->[0-9]+M' | tr -d M | awk -F'->' '$1 > b {b = $1} $2 > a {a = $2} END {print b + 0, a + 0}')
heap_note="Restore with media at -Xmx512m: the heap held at most ${peaks% *} MB before a collection and ${peaks#* } MB after one (young collections: garbage of the old generation counts as in use)."
fi
echo
echo "Objects: aws $(find objects/aws-sync -type f | wc -l), fedimon $(find objects/fedimon-sync -type f | wc -l), restore $(find objects/restore-media-1 -type f 2> /dev/null | wc -l)."
echo "Ratios are time: below 1.0 means FédiMon is faster. fedimon ran with -Xmx512m."
echo "${heap_note:-}"
