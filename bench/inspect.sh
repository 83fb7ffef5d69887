#!/usr/bin/env bash
# Benchmark of issue 3: fedimon inspect against the reference command-line pipelines that decode
# the same layers, in the same run, on one archive of more than 1 GB expanded (a pg_dump of a
# generated database plus incompressible media). Also: a 20 GiB-expanding bomb, and the heap cap.
#
#   bench/inspect.sh                 JDK 17 (the default java)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/inspect.sh
#
# Prints a Markdown table; BENCHMARKS.md keeps the figures.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_jar
JAVA="${JAVA:-java}"
HEAP="${HEAP:--Xmx256m}"
DATA="$OUT/inspect"
mkdir -p "$DATA"
cd "$DATA"

if [[ ! -f b.tar ]]; then
  echo "making the data (once): a ~1 GB dump and ~350 MB of media..." >&2
  db="bench_inspect_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
  psql -q -h 127.0.0.1 -U postgres "$db" <<'SQL'
CREATE TABLE statuses AS
  SELECT g AS id, md5(g::text) || ' ' || md5((g * 7)::text) || ' ' || repeat('toot ', 10 + g % 20) AS text,
         now() - (g || ' seconds')::interval AS created_at, g % 100000 AS account_id
  FROM generate_series(1, 4500000) g;
SQL
  pg_dump -h 127.0.0.1 -U postgres "$db" > dump.sql
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db" postgres
  mkdir -p live/public/system/media_attachments/files
  for i in $(seq 1 350); do
    d="live/public/system/media_attachments/files/000/$(printf %03d $((i / 100)))/$(printf %03d $((i % 100)))/original"
    mkdir -p "$d"; head -c 1000000 /dev/urandom > "$d/f$i.jpg"
  done
  printf 'LOCAL_DOMAIN=bench.example\nSECRET_KEY_BASE=x\n' > live/.env.production
  tar -cf b.tar live dump.sql
fi
# each archive is made when first needed
make_archive() {
  [[ -f "$1" ]] && return 0
  echo "making $1 (once)..." >&2
  case "$1" in
    b.tar.zst) zstd -q -T2 -3 b.tar -o b.tar.zst ;;
    b.tar.gz) gzip -6 -c b.tar > b.tar.gz ;;
    b.tar.bz2) bzip2 -9 -c b.tar > b.tar.bz2 ;;
    b.tar.xz) xz -6 -T2 -c b.tar > b.tar.xz ;;
    b.tar.zst.gpg) make_archive b.tar.zst
      GNUPGHOME=$(mktemp -d) gpg -q --batch --pinentry-mode loopback --passphrase bench -c -o b.tar.zst.gpg b.tar.zst ;;
    b.tar.zst.age) make_archive b.tar.zst
      age-keygen -o age.key 2>/dev/null
      age -r "$(grep -o 'age1[a-z0-9]*' age.key)" -o b.tar.zst.age b.tar.zst ;;
    b.7z) 7zz a -mx1 b.7z live dump.sql > /dev/null ;;
    # PPMd is 7-Zip's coder for text, and slow on anything else: the first 200 MB of the dump
    # (whole lines, and the end of the COPY block, so that inspect reads a complete dump)
    b.ppmd.7z) { head -c 200M dump.sql | head -n -1; printf '\\.\n'; } > dump-200M.sql
      7zz a -m0=PPMd b.ppmd.7z dump-200M.sql > /dev/null && rm dump-200M.sql ;;
    bomb.zst) head -c 64M /dev/zero | zstd -q > zero.zst
      for _ in $(seq 1 320); do cat zero.zst; done > bomb.zst ;;  # 20 GiB expanded
  esac
}

# the launcher users run, on the chosen JDK, with the heap capped
fedimon() { echo "JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")") FEDIMON_SKIP_BUILD=1 FEDIMON_JAVA_OPTS=$HEAP $REPO/bin/fedimon inspect --format json $*"; }
expanded=$(stat -c %s b.tar)
echo "Archive: $(numfmt --to=iec "$expanded") expanded (dump $(numfmt --to=iec "$(stat -c %s dump.sql)"), media 350 MB); $("$JAVA" -version 2>&1 | head -1)"
echo
LIB="$REPO/fedimon-cli/target/fedimon-run/lib"
mkdir -p "$OUT/classes"
"$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac" -d "$OUT/classes" -cp "$LIB/*" "$BENCH_DIR/LayerThroughput.java"
# the reader as bin/fedimon runs it: on Java 22+ with multi-release jars read at their base classes
# (zstd-jni's JNI binding rather than its FFM one; see bin/fedimon)
MR=""
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/../release")
if [[ "${major:-0}" -ge 22 ]]; then MR="-Djdk.util.jar.enableMultiRelease=false --enable-native-access=ALL-UNNAMED"; fi
layers() { echo "$JAVA $HEAP $MR -cp '$OUT/classes:$LIB/*' LayerThroughput $*"; }
echo "Columns: the reference pipeline's time; FédiMon's layers alone (bench/LayerThroughput.java: decode"
echo "and read every entry, as the archive targets mean); the whole \`fedimon inspect\` (also reads the"
echo "dump through the SQL guard and counts every row, sorts media, and starts a JVM). Ratios are"
echo "throughput: reference time / FédiMon time."
echo
echo "| archive | reference pipeline | reference s | layers s | layers ratio | inspect s | inspect ratio |"
echo "|---|---|---|---|---|---|---|"
# ONLY="b.tar.bz2 b.tar.xz" runs just those rows
row() {
  local archive=$1 reference=$2 extra=${3:-} secret=${4:-}
  local r l f
  if [[ -n "${ONLY:-}" && " $ONLY " != *" $archive "* ]]; then return 0; fi
  make_archive "$archive"
  # each kind of archive once untimed: the class-data archive grows with the classes its reader
  # loads (bin/fedimon), as it does for a user's first run of that kind
  warm_up "$(fedimon "$extra" "$archive")"
  r=$(best_time "$reference")
  l=$(best_time "$(layers "$archive" "$secret")")
  f=$(best_time "$(fedimon "$extra" "$archive")")
  echo "| $archive | \`$reference\` | $r | $l | $(ratio "$r" "$l")× | $f | $(ratio "$r" "$f")× |"
}
row b.tar.zst "zstd -dc b.tar.zst | tar -xO > /dev/null"
row b.tar.gz "gzip -dc b.tar.gz | tar -xO > /dev/null"
row b.tar.bz2 "bzip2 -dc b.tar.bz2 | tar -xO > /dev/null"
row b.tar.xz "xz -dc b.tar.xz | tar -xO > /dev/null"
row b.tar.zst.gpg "GNUPGHOME=\$(mktemp -d) gpg -q --batch --pinentry-mode loopback --passphrase bench -d b.tar.zst.gpg | zstd -dc | tar -xO > /dev/null" "--password bench" bench
row b.tar.zst.age "age -d -i age.key b.tar.zst.age | zstd -dc | tar -xO > /dev/null" "--identity age.key" age.key
row b.7z "7zz x -so b.7z > /dev/null"
row b.ppmd.7z "7zz x -so b.ppmd.7z > /dev/null"
row b.tar "tar -xOf b.tar > /dev/null"
echo
[[ -n "${ONLY:-}" ]] && exit 0
make_archive bomb.zst
bomb=$(RUNS=1 best_time "($(fedimon "" bomb.zst) || true) | grep -q size-limit")
echo "Bomb: zstd, 20 GiB once expanded, rejected with size-limit in $bomb s (target < 5 s)."
echo "Heap: every fedimon run above used $HEAP."
