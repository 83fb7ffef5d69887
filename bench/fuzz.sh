#!/usr/bin/env bash
# Runs the engine's @FuzzTest methods in fuzzing mode (CI only replays their seeds).
#
#   bench/fuzz.sh                     every fuzz test, 600 s each, one after the other
#   SECONDS_EACH=60 bench/fuzz.sh     a shorter run
#   bench/fuzz.sh DumpFuzzTest#customArchiveFilesAreReadOrRefused AgeDecryptionFuzzTest
#   JOBS=2 bench/fuzz.sh              two at a time (each fuzzer uses one core)
#
# Each test runs under Jazzer's own driver (libFuzzer), started from its seeds (the committed
# src/test/resources/<package>/<Class>Inputs/<method>/) and the corpus it grew on earlier runs
# (bench/out/fuzz/corpus/, not committed). A finding stops that test: its input is written to
# bench/out/fuzz/findings/<Class>.<method>/ and the script ends with status 1. Copy a finding into
# the seed folder once it is fixed, so CI replays it for ever.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ENGINE="$REPO/fedimon-engine"
FUZZ="$OUT/fuzz"
SECONDS_EACH="${SECONDS_EACH:-600}"
JOBS="${JOBS:-1}"
mkdir -p "$FUZZ"

echo "fuzz: compiling the engine's tests" >&2
(cd "$REPO" && ./mvnw -q -B -pl fedimon-engine -am test-compile \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$FUZZ/classpath.txt" \
  -Dspotless.check.skip=true > "$FUZZ/build.log" 2>&1) || { cat "$FUZZ/build.log" >&2; exit 1; }
# a copy of the classes, so that a build during a long run does not change them under the fuzzer
rm -rf "$FUZZ/classes" && mkdir -p "$FUZZ/classes"
cp -r "$ENGINE/target/classes" "$FUZZ/classes/main"
cp -r "$ENGINE/target/test-classes" "$FUZZ/classes/test"
CLASSPATH_ALL="$FUZZ/classes/test:$FUZZ/classes/main:$(cat "$FUZZ/classpath.txt")"

# every Class#method annotated @FuzzTest, or the ones asked for (a bare class means all of its)
all_tests() {
  grep -rl --include='*.java' '@.*FuzzTest' "$ENGINE/src/test/java" | sort | while read -r file; do
    local class
    class="$(basename "$file" .java)"
    grep -A2 -E '@(com\.code_intelligence\.jazzer\.junit\.)?FuzzTest' "$file" \
      | grep -oE 'void [A-Za-z0-9_]+' | awk -v c="$class" '{print c "#" $2}'
  done
}
mapfile -t known < <(all_tests)
wanted=()
if (($# == 0)); then
  wanted=("${known[@]}")
else
  for arg in "$@"; do
    matched=0
    for t in "${known[@]}"; do
      if [[ "$t" == "$arg" || "${t%%#*}" == "$arg" ]]; then wanted+=("$t"); matched=1; fi
    done
    ((matched)) || { echo "fuzz: no @FuzzTest named $arg" >&2; exit 2; }
  done
fi

fuzz_one() {
  local test="$1" class="${1%%#*}" method="${1##*#}" file package seeds corpus findings log
  file="$(grep -rl --include="$class.java" "class $class" "$ENGINE/src/test/java" | head -1)"
  package="$(sed -n 's/^package \(.*\);/\1/p' "$file")"
  seeds="$ENGINE/src/test/resources/${package//.//}/${class}Inputs/$method"
  corpus="$FUZZ/corpus/$class.$method"
  findings="$FUZZ/findings/$class.$method"
  log="$FUZZ/$class.$method.log"
  mkdir -p "$corpus" "$findings"
  local dirs=("$corpus")
  [[ -d "$seeds" ]] && dirs+=("$seeds")
  local status=0
  java -Xmx2g -cp "$CLASSPATH_ALL" com.code_intelligence.jazzer.Jazzer \
    --target_class="$package.$class" --target_method="$method" \
    --instrumentation_includes='social.fedimon.**:org.apache.commons.compress.**:org.tukaani.**:org.bouncycastle.**:org.pgpainless.**' \
    -max_total_time="$SECONDS_EACH" -timeout=60 -rss_limit_mb=3072 \
    -artifact_prefix="$findings/" "${dirs[@]}" > "$log" 2>&1 || status=$?
  local execs cov
  execs="$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')"
  cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')"
  printf '%-70s %s  runs %s  coverage %s  corpus %s\n' "$test" \
    "$([[ $status == 0 ]] && echo ok || echo "FINDING (status $status, see $log)")" \
    "${execs:-?}" "${cov:-?}" "$(find "$corpus" -type f | wc -l)"
  return "$status"
}

echo "fuzz: ${#wanted[@]} tests, $SECONDS_EACH s each, $JOBS at a time; logs in $FUZZ" >&2
failed=0
running=0
for test in "${wanted[@]}"; do
  fuzz_one "$test" &
  running=$((running + 1))
  if ((running >= JOBS)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
