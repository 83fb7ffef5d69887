#!/usr/bin/env bash
# What a small PUT costs the engine's process through the AWS SDK alone and through the lean
# signed requests, in one long-lived JVM (a server's situation), against S3Proxy on loopback.
#   bench/s3-requests.sh        N=3000 PUTs of 100 KiB per path (after as many to warm up)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N="${N:-3000}"
ensure_jar
LIB="$REPO/fedimon-cli/target/fedimon-run/lib"
WORK="$OUT/s3-requests"
rm -rf "$WORK" && mkdir -p "$WORK/data/bench"
cd "$WORK"
PORT=$((20000 + RANDOM % 20000))
start_s3proxy "$PORT" "$WORK/data"
java ${JAVA_OPTS:-} -cp "$LIB/*" "$BENCH_DIR/S3RequestCost.java" "http://127.0.0.1:$PORT" bench "$N"
