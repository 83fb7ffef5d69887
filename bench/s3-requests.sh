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
S3JAR=$(ls "$REPO"/fedimon-engine/target/tools/s3proxy.jar 2> /dev/null || ls ~/.m2/repository/org/gaul/s3proxy/*/s3proxy-*-jar-with-dependencies.jar | head -1)
cat > s3proxy.properties << PROPS
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/data
PROPS
java -Xmx384m -jar "$S3JAR" --properties s3proxy.properties > s3proxy.log 2>&1 &
S3PID=$!
trap 'kill $S3PID 2> /dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.2
done
java ${JAVA_OPTS:-} -cp "$LIB/*" "$BENCH_DIR/S3RequestCost.java" "http://127.0.0.1:$PORT" bench "$N"
