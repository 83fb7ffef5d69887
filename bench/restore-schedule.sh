#!/usr/bin/env bash
# Where a custom-dump restore spends its time, next to pg_restore's: restores bench/restore.sh's
# custom dump with `pg_restore -j2` and `fedimon restore --jobs 2` (A B B A by default), each into a
# fresh database with log_min_duration_statement = 0 set on it, then lays the server's log of the
# two schedules side by side (bench/RestoreSchedule.java): statements at once, idle connections,
# each kind of work and each statement of half a second or more.
#   bench/restore-schedule.sh                   ORDER="pg_restore fedimon fedimon pg_restore"
#   PGLOG=/path/to/server.log bench/restore-schedule.sh
# Needs to read the server's log (default: Debian's /var/log/postgresql/postgresql-<v>-main.log).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
source "$BENCH_DIR/restore-data.sh"
version=$($PSQL -tA -c "SHOW server_version_num" postgres)
PGLOG="${PGLOG:-/var/log/postgresql/postgresql-$((version / 10000))-main.log}"
[[ -r "$PGLOG" ]] || { echo "restore-schedule: cannot read the server's log $PGLOG (set PGLOG)" >&2; exit 2; }
ORDER="${ORDER:-pg_restore fedimon fedimon pg_restore}"
LOGS="$OUT/restore-schedule"
rm -rf "$LOGS" && mkdir -p "$LOGS"
db=$(fresh)
warm_up "FEDIMON_SKIP_BUILD=1 FEDIMON_JAVA_OPTS=-Xmx512m $REPO/bin/fedimon restore custom.dump --database-url postgresql://$TENANT@127.0.0.1:5432/$db --jobs 2"
drop "$db"
args=()
i=0
for tool in $ORDER; do
  i=$((i + 1))
  db=$(fresh)
  $PSQL -c "ALTER DATABASE $db SET log_min_duration_statement = 0" postgres > /dev/null
  offset=$(stat -c %s "$PGLOG")
  start=$(date +%s.%N)
  case "$tool" in
    pg_restore) pg_restore -h 127.0.0.1 -U postgres -j2 --no-owner -d "$db" custom.dump ;;
    fedimon) FEDIMON_SKIP_BUILD=1 FEDIMON_JAVA_OPTS=-Xmx512m "$REPO/bin/fedimon" restore custom.dump \
      --database-url "postgresql://$TENANT@127.0.0.1:5432/$db" --jobs 2 > /dev/null 2>&1 ;;
    *) echo "restore-schedule: unknown tool $tool" >&2; exit 2 ;;
  esac
  end=$(date +%s.%N)
  sleep 1 # the server writes its log lines after the statements end
  tail -c +"$((offset + 1))" "$PGLOG" > "$LOGS/$i-$tool.log"
  printf '%s run %d: %.2f s\n' "$tool" "$i" "$(echo "$end - $start" | bc -l)" | tee -a "$LOGS/times.txt" >&2
  args+=("$tool#$i=$LOGS/$i-$tool.log=$db")
  drop "$db"
done
java "$BENCH_DIR/RestoreSchedule.java" "${args[@]}" | tee "$LOGS/schedule.md"
