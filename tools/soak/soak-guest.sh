#!/bin/bash
# The guest half of tools/bin/soak: runs as root inside the VM (tools/vm/run-in-vm). Starts the embedded S3
# endpoint (ublk-s3 local-s3 on the guest's tmpfs) with a low rate of injected faults and a control socket, then
# tools/soak/soak.py in device mode: it adds the device (add --restart), runs the workers, kills the server,
# takes the store down now and then, and ends with del + add + a full compare. Logs go to $RESULTS.
#
# Environment (set by tools/bin/soak): RESULTS, SEED, SOAK_SECONDS, UBLKS3_SNAPSHOT (tools/bin/snapshot),
# and optionally SOAK_SIZE (64M), SOAK_OBJECT_SIZE (64K), SOAK_FAULTS (local-s3 --faults), SOAK_WORKERS (8),
# SOAK_KILL_INTERVAL (45:90 s), SOAK_DOWN_INTERVAL (100:160 s), SOAK_DOWN_SECONDS (3:8 s); SOAK_CACHE_SIZE (a
# writeback cache of that size on the guest's tmpfs; half the device by default: evictions and the dirty cap happen).
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tools/bin/find-jdk.sh"

RESULTS=${RESULTS:?RESULTS must name the results folder}
SEED=${SEED:?SEED must be set}
SOAK_SECONDS=${SOAK_SECONDS:-600}
UBLKS3_SNAPSHOT=${UBLKS3_SNAPSHOT:?UBLKS3_SNAPSHOT must name a snapshot of the command (tools/bin/snapshot)}
SIZE=${SOAK_SIZE:-64M}
OBJECT_SIZE=${SOAK_OBJECT_SIZE:-64K}
FAULTS=${SOAK_FAULTS:-500=0.006,slowdown=0.004,503=0.004,truncate=0.003,reset=0.003} # 2% of requests
PORT=19300

log() { printf '[%(%H:%M:%S)T] soak-guest: %s\n' -1 "$*"; }

# a private copy of the command on the guest's tmpfs: the servers started again and again by kills and
# recoveries all run the same build, whatever the host builds meanwhile
work=$(mktemp -d /tmp/soak.XXXXXX)
cp -a "$UBLKS3_SNAPSHOT" "$work/cmd" || { log "cannot copy the command"; exit 2; }
UBLKS3=$work/cmd/ublk-s3
# JVMs start quickly under emulation with the serial GC (and C1 only, as every JVM in the guest: run-in-vm), as in
# the VM tests: every kill costs a start
export UBLKS3_JAVA_OPTS="-XX:+UseSerialGC${UBLKS3_JAVA_OPTS:+ $UBLKS3_JAVA_OPTS}"
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

CTL=$work/s3.sock
mkdir -p "$work/s3"
log "local-s3 on 127.0.0.1:$PORT, objects in guest tmpfs, faults $FAULTS (seed $SEED)"
"$UBLKS3" local-s3 --dir "$work/s3" --port "$PORT" --bucket soak --faults "$FAULTS" --fault-seed "$SEED" \
  --control "$CTL" >"$work/local-s3.out" 2>"$RESULTS/local-s3.log" &
s3_pid=$!
for _ in $(seq 1200); do
  grep -q "^http://127.0.0.1:$PORT" "$work/local-s3.out" 2>/dev/null && [ -S "$CTL" ] && break
  kill -0 "$s3_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "^http://127.0.0.1:$PORT" "$work/local-s3.out" 2>/dev/null || { log "local-s3 did not start:"; cat "$RESULTS/local-s3.log"; exit 2; }

cache_args=""
if [ -n "${SOAK_CACHE_SIZE:-}" ]; then
  # tmpfs outlives every kill -9 of the server (what a crash of the process leaves), not a power cut (tools/vm/power-cut)
  mkdir -p "$work/cache"
  cache_args="--cache $work/cache --cache-size $SOAK_CACHE_SIZE --cache-mode writeback"
  log "the device's cache: $cache_args"
fi

dmesg0=$(dmesg | wc -l)
/usr/bin/python3 "$top/tools/soak/soak.py" --ublk-s3 "$UBLKS3" \
  --add-args "--endpoint-url http://127.0.0.1:$PORT --bucket soak --key disk --size $SIZE --object-size $OBJECT_SIZE --queues 2 --depth 32" \
  ${cache_args:+--cache-args "$cache_args"} --object-size "$(numfmt --from=iec "$OBJECT_SIZE")" --control "$CTL" --seconds "$SOAK_SECONDS" --seed "$SEED" \
  --workers "${SOAK_WORKERS:-8}" --kill-interval "${SOAK_KILL_INTERVAL:-45:90}" \
  --down-interval "${SOAK_DOWN_INTERVAL:-100:160}" --down-seconds "${SOAK_DOWN_SECONDS:-3:8}" --results "$RESULTS"
rc=$?

# what the kernel and the servers said
dmesg | tail -n +$((dmesg0 + 1)) >"$RESULTS/dmesg.txt"
cp /run/ublk-s3/*.log "$RESULTS/" 2>/dev/null
if grep -E "I/O error|blk_update_request|Buffer I/O" "$RESULTS/dmesg.txt"; then
  log "the kernel logged I/O errors (above; $RESULTS/dmesg.txt)"
  [ "$rc" -ne 0 ] || rc=2
fi
if grep -h "EIO to the kernel" /run/ublk-s3/*.log 2>/dev/null | head -n 5 | grep .; then
  log "a server returned EIO to the kernel (above)"
  [ "$rc" -ne 0 ] || rc=2
fi
if [ "$rc" -ne 0 ]; then # the bucket as it is, for the post-mortem
  tar -C "$work/s3" -czf "$RESULTS/bucket.tar.gz" . && log "bucket saved in $RESULTS/bucket.tar.gz"
  timeout 120 "$UBLKS3" del --all --force >/dev/null 2>&1
fi
kill "$s3_pid" 2>/dev/null
wait "$s3_pid" 2>/dev/null
log "soak.py exit $rc"
exit "$rc"
