#!/bin/bash
# Clean shutdown (issue 6 item 2): SIGTERM (alone, and SIGINT: long variant) to the serving process, 'ublk-s3 del', and a machine
# shutdown (SIGTERM to every process at once, the writer included, then a grace period before SIGKILL) all
# leave every acknowledged write in the bucket. A writer puts 64 KiB blocks of random data with O_DIRECT, one
# object each, and records each block once dd returned (acknowledged); buffered writes made durable by 'sync'
# count as acknowledged too. The signal lands while the writer runs; afterwards every acknowledged block's
# object must hold exactly its data (read from the --local folder's files), the server must have exited on its
# own within the grace period, with no write failed towards the kernel, and no device or run file may be left.
# Then SIGTERM lands while a PUT is surely in flight (a separate endpoint that answers after 2 s): the stop must
# wait for its answer and store it (a stop run from the JVM's shutdown hooks never got it: the CRT delivers no
# completion once the JVM shuts down, and the write failed with EIO after the 120 s request timeout).
. "$(dirname "$0")/test_common.sh"
_prep_test ublk

_prep_ublks3
S3=$TEST_DIR/s3
OBJ=65536
BLOCKS=256
GRACE=${UBLKS3_SHUTDOWN_GRACE:-90} # systemd's default stop timeout
mkdir -p "$S3"
head -c $((OBJ * BLOCKS)) /dev/urandom >"$TEST_DIR/pattern"
# each block's hash, by the object name it gets ({blockno:016x}): a run's check is then one sha256sum over the objects,
# where a cmp per block cost two processes each (seconds per run under emulation)
split -b $OBJ -d -a 4 "$TEST_DIR/pattern" "$TEST_DIR/blk." &&
  (cd "$TEST_DIR" && sha256sum blk.*) | awk '{ sub(/^blk\./, "", $2); printf "%016x %s\n", $2 + 0, $1 }' >"$TEST_DIR/expected" &&
  rm "$TEST_DIR"/blk.*

start() { # KEY: a device on the --local bucket; sets DEV, N, PID (the serving process)
  _add_fg "$TEST_DIR/dev" --local "$S3" --bucket shutdown --key "$1" --size $((OBJ * BLOCKS)) --object-size 64K --queues 2 &&
    N=${DEV#/dev/ublkb} && PID=$(sed -n 's/^pid=//p' "/run/ublk-s3/$N.properties") && [ -n "$PID" ]
}

writer() { # blocks 16.. in order with O_DIRECT; appends each acknowledged block number to $TEST_DIR/done
  local i
  for i in $(seq 16 $((BLOCKS - 1))); do
    timeout 60 dd if="$TEST_DIR/pattern" of="$DEV" bs=64K skip="$i" seek="$i" count=1 oflag=direct conv=notrunc,nocreat \
      status=none 2>/dev/null || return 0
    echo "$i" >>"$TEST_DIR/done"
  done
}

# run KEY HOW: writes blocks 0..15 buffered + sync, starts the writer, stops the server HOW once 8 more blocks
# are acknowledged, waits for the server; then checks the bucket against what was acknowledged.
run() {
  local key=$1 how=$2 wpid t0 waited i bad=0 missing
  : >"$TEST_DIR/done"
  start "$key" || return 1
  dd if="$TEST_DIR/pattern" of="$DEV" bs=64K count=16 conv=notrunc,nocreat status=none && sync && seq 0 15 >>"$TEST_DIR/done" || return 1
  writer &
  wpid=$!
  for i in $(seq 600); do [ "$(wc -l <"$TEST_DIR/done")" -ge 24 ] && break; sleep 0.1; done
  t0=$EPOCHREALTIME
  case $how in
    TERM|INT) kill "-$how" "$PID" ;;
    del) "$UBLKS3" del --force -n "$N" >"$TEST_DIR/del.out" 2>&1 || { cat "$TEST_DIR/del.out"; echo "del failed"; bad=1; } ;;
    shutdown) kill -TERM "$PID" "$wpid" $(pgrep -P "$wpid") 2>/dev/null ;; # everything at once, like a shutdown's SIGTERM
  esac
  while ! _dead "$PID" && awk -v a="$t0" -v b="$EPOCHREALTIME" -v g="$GRACE" 'BEGIN { exit !(b - a < g) }'; do
    sleep 0.1
  done
  waited=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  if ! _dead "$PID"; then
    echo "the server is still running ${GRACE} s after SIG$how: a shutdown would SIGKILL it now"
    kill -KILL "$PID"; bad=1
  fi
  wait "$wpid" 2>/dev/null
  echo "server gone $waited s after $how; $(wc -l <"$TEST_DIR/done") blocks acknowledged"
  grep -E "flushing|removed|every acknowledged" "/run/ublk-s3/$N.log" 2>/dev/null | tail -n 3
  # every acknowledged block is in the bucket as written
  awk '{ printf "%016x\n", $1 }' "$TEST_DIR/done" | sort -u >"$TEST_DIR/acked"
  (cd "$S3/shutdown/$key" 2>/dev/null && xargs -r sha256sum <"$TEST_DIR/acked" 2>/dev/null) >"$TEST_DIR/stored"
  awk 'FILENAME == ARGV[1] { want[$1] = $2; next } FILENAME == ARGV[2] { got[$2] = $1; next }
       got[$1] != want[$1] { print "block " $1 " acknowledged but not in the bucket"; n++ }
       END { print n + 0 " acknowledged blocks missing or different" }' \
    "$TEST_DIR/expected" "$TEST_DIR/stored" "$TEST_DIR/acked" | tee "$TEST_DIR/missing"
  missing=$(tail -n 1 "$TEST_DIR/missing" | cut -d' ' -f1)
  ! grep "EIO to the kernel" "/run/ublk-s3/$N.log" || { echo "a write failed towards the kernel"; bad=1; }
  [ ! -e "$DEV" ] || { echo "$DEV still exists"; bad=1; }
  ! ls "/run/ublk-s3/$N.sock" "/run/ublk-s3/$N.properties" 2>/dev/null || { echo "run files left"; bad=1; }
  [ "$missing" -eq 0 ] && [ "$bad" -eq 0 ]
}

put_in_flight() { # one O_DIRECT block written through a 2-second endpoint, SIGTERM half-way through its PUT
  local dev n pid t0 rc
  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret AWS_REGION=us-east-1 _add_fg "$TEST_DIR/dev" \
    --endpoint-url "http://127.0.0.1:$SLOW_PORT" --bucket shutdown --key slow --size 1M --object-size 64K --queues 1 &&
    dev=$DEV && n=${dev#/dev/ublkb} && pid=$(sed -n 's/^pid=//p' "/run/ublk-s3/$n.properties") || return 1
  dd if="$TEST_DIR/pattern" of="$dev" bs=64K count=1 seek=3 oflag=direct status=none &
  local writer=$!
  sleep 1
  t0=$SECONDS
  kill -TERM "$pid"
  wait "$writer"
  rc=$?
  while ! _dead "$pid" && [ $((SECONDS - t0)) -lt 60 ]; do sleep 0.2; done
  echo "dd exit $rc; server gone $((SECONDS - t0)) s after TERM"
  grep -E "stopping|flushing|removed|EIO" "/run/ublk-s3/$n.log"
  _dead "$pid" && [ "$rc" -eq 0 ] && ! grep -q "EIO to the kernel" "/run/ublk-s3/$n.log" &&
    cmp <(head -c 64K "$TEST_DIR/pattern") "$S3/shutdown/slow/0000000000000003" && [ ! -e "$dev" ]
}

SLOW_PORT=19400
# SIGTERM to the server alone, and SIGINT (the same handler): in the long variant only (tools/bin/test-long); in CI
# the shutdown case sends the server the same SIGTERM
if [ -n "${UBLKS3_VM_LONG:-}" ]; then
  _check "SIGTERM to the server while writing" run term TERM
  _check "SIGINT to the server while writing" run int INT
fi
_check "ublk-s3 del while writing" run del del
_check "shutdown: SIGTERM to server and writer at once" run shutdown shutdown
_check "an endpoint answering after 2 s (ublk-s3 local-s3)" _start_local_s3 "$SLOW_PORT" shutdown --latency 2s
_check "SIGTERM while a PUT is in flight: stored, no EIO" put_in_flight
_stop_local_s3
_show_result "$TID" "$ERR_CODE"
