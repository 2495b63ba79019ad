#!/bin/bash
# The guest half of tools/vm/jvm-check: RUNS times, a JIT-heavy JVM (JitLoop.java, compiled by javac in that JVM,
# SECONDS of hashing, copying and comparing on 2 threads) and a start of the S3 server as the tests start it
# (ublk-s3 local-s3 from SNAPSHOT, a copy of the build with its AOT cache; a few requests). Every JVM writes its crash report, if any,
# into OUT. Prints one line per run and a last line "runs R jvms J crashed C wrong W".
set -uo pipefail
runs=${1:?RUNS} seconds=${2:?SECONDS} out=${3:?OUT} snap=${4:?SNAPSHOT}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tools/bin/find-jdk.sh"
mkdir -p "$out"
# the guest's options (run-in-vm), then --java-opts: later options win
opts="${UBLKS3_JAVA_OPTS:-} -XX:ErrorFile=$out/hs_err_%p.log -XX:ReplayDataFile=$out/replay_%p.log ${JVM_CHECK_OPTS:-}"
export UBLKS3_JAVA_OPTS="$opts"
work=$(mktemp -d /tmp/jvm-check.XXXXXX)
jvms=0 failed=0 wrong=0
for r in $(seq "$runs"); do
  start=$EPOCHREALTIME
  # shellcheck disable=SC2086 # options are words
  "$JAVA_HOME/bin/java" $opts "$here/JitLoop.java" "$seconds" 2 >"$work/jit.out" 2>&1
  jit=$?
  jit_s=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
  jvms=$((jvms + 1))
  [ $jit -eq 0 ] || failed=$((failed + 1))
  [ $jit -ne 3 ] || wrong=$((wrong + 1))
  s3=skipped
  if [ -x "$snap/ublk-s3" ]; then
    rm -f "$work/s3.out"
    "$snap/ublk-s3" local-s3 --memory --port 19300 >"$work/s3.out" 2>"$work/s3.err" &
    pid=$!
    jvms=$((jvms + 1))
    for _ in $(seq 600); do
      grep -q '^http://' "$work/s3.out" 2>/dev/null && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.1
    done
    if grep -q '^http://' "$work/s3.out"; then
      for i in $(seq 20); do curl -s -o /dev/null -X PUT --data-binary "@$here/JitLoop.java" "http://127.0.0.1:19300/b/k$i"; done
      kill $pid; wait $pid; s3=$?
      # killed by our SIGTERM (143) is its normal end
      [ $s3 -eq 143 ] && s3=0
    else
      wait $pid; s3=$?; [ $s3 -ne 0 ] || s3=1
    fi
    [ "$s3" -eq 0 ] || failed=$((failed + 1))
  fi
  printf 'run %d: JitLoop exit %d (%s) %s s, local-s3 %s, %.0f s\n' "$r" $jit "$(tail -n 1 "$work/jit.out")" "$jit_s" "$s3" \
    "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
done
crashed=$(find "$out" -name 'hs_err_*.log' | wc -l)
for f in "$out"/hs_err_*.log; do
  [ -f "$f" ] || continue
  echo "crash: $(basename "$f"): $(grep -m1 -E '^# +(SIG|Internal Error)' "$f" | sed 's/^# *//'); $(grep -m1 -E '^# (J|j|V|C) +\[?' "$f" | sed 's/^# *//' | cut -c1-150)"
done
echo "runs $runs jvms $jvms crashed $crashed failed $failed wrong $wrong"
rm -rf "$work"
