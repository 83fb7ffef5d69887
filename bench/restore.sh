#!/usr/bin/env bash
# Benchmark of issue 4: restoring a Mastodon-shaped database of about 1 GB of table data, dumped
# by pg_dump, against the same local server, each run into a fresh database, in the same run:
#   psql -X -q -v ON_ERROR_STOP=1 -f plain.sql   vs  fedimon restore plain.sql
#   pg_restore -j2                                 vs  fedimon restore --jobs 2 custom.dump
#   pg_restore -l custom.dump                      vs  fedimon inspect custom.dump
# fedimon runs with -Xmx512m (the heap target). Prints a Markdown table.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
source "$BENCH_DIR/restore-data.sh"
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
