# Shared by the bench scripts: timing and the fedimon command on a chosen JDK.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
JAR="$REPO/fedimon-cli/target/fedimon.jar"
OUT="${BENCH_OUT:-$BENCH_DIR/out}"
mkdir -p "$OUT"

# seconds (wall) of a shell command, best of $RUNS (default 2)
best_time() {
  local best="" t
  for _ in $(seq 1 "${RUNS:-2}"); do
    local start end
    start=$(date +%s.%N)
    bash -o pipefail -c "$1" > /dev/null 2>&1 || { echo "FAILED: $1" >&2; return 1; }
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [[ -z "$best" ]] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
  done
  printf '%.2f' "$best"
}

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

ensure_jar() {
  # builds and extracts the jar if needed, exactly as a user's first run does
  "$REPO/bin/fedimon" version > /dev/null
}

# The first run of a command with a new jar writes its class list, and a background JVM then dumps
# the class-data archive that later runs start from (see bin/fedimon). Benchmarks measure those later
# runs: warm_up runs a command once, untimed, and waits for any dump it started.
warm_up() {
  bash -o pipefail -c "$1" > /dev/null 2>&1 || true
  for _ in $(seq 1 300); do
    pgrep -f -- '-Xshare:dump' > /dev/null || return 0
    sleep 0.5
  done
}

# Starts S3Proxy on loopback port $1 with a filesystem backend in folder $2 (identity bench,
# credential bench-secret), waits until it listens, and stops it when the script exits.
start_s3proxy() {
  local port="$1" base="$2" jar
  jar=$(ls "$REPO"/fedimon-engine/target/tools/s3proxy.jar 2> /dev/null || ls ~/.m2/repository/org/gaul/s3proxy/*/s3proxy-*-jar-with-dependencies.jar | head -1)
  mkdir -p "$base"
  cat > "$base/../s3proxy.properties" << PROPS
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.identity=bench
jclouds.credential=bench-secret
jclouds.filesystem.basedir=$base
PROPS
  java -Xmx384m -jar "$jar" --properties "$base/../s3proxy.properties" > "$base/../s3proxy.log" 2>&1 &
  S3PID=$!
  trap 'kill $S3PID 2> /dev/null || true' EXIT
  for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/"$port") 2> /dev/null && break; sleep 0.2; done
}


# The text of a mail in the outbox (an .eml file): its text/plain part, quoted-printable decoded.
mail_text() {
  python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for part in m.walk():
    if part.get_content_type() == "text/plain":
        print(part.get_payload(decode=True).decode())' "$1"
}

# Writes the plain dump $1 as $2 with a migration of Mastodon 4.3 added, so that a migration's
# deploy step knows the release (and so the image) of the benchmark's Mastodon-shaped database.
dump_of_a_release() {
  { cat "$1"; echo "INSERT INTO public.schema_migrations VALUES ('20241007071624');"; } > "$2"
}
