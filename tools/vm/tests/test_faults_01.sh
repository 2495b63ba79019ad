#!/bin/bash
# ublk-s3 on a faulty store: the embedded S3 endpoint (ublk-s3 local-s3) injects 10% faults (HTTP 500, 503
# SlowDown, 503 ServiceUnavailable, GET bodies cut short, TCP resets mid-response): fio with crc32c verification
# (random 4 KiB writes into 64 KiB objects = read-modify-write, and sequential 1 MiB writes) sees no error and no
# corruption, and the server's fault counters show the faults happened. Then the store goes down: a direct read
# and a direct write fail with EIO once the retry budget (here 15 s, add --retry-time; 1 minute by default) is
# spent, without hanging; the store comes back up and the device works again; del is clean. (Stalls past the client's timeouts are covered by the
# host tests, with short timeouts: here each would cost 20 s.)
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_need_fio

_prep_ublks3
_local_s3_vars 19100
FAULTS=500=0.03,slowdown=0.02,503=0.02,truncate=0.02,reset=0.01

start_faulty_s3() { _start_local_s3 "$PORT" faults --faults "$FAULTS" --fault-seed 6 --control "$CTL"; }

add() { # the start-up probe is one request without retries: a drawn fault fails it, so try again (no device is left)
  local i
  for i in 1 2 3 4; do
    # --retry-time: the device's retry budget, EIO after 15 s of a down store (plus one attempt)
    _add_fg "$TEST_DIR/dev" --endpoint-url "$EP" --bucket faults --key disk --size 64M --object-size 64K --queues 2 \
      --depth 32 --retry-time 15s && return 0
  done
  return 1
}

fio_verify() { # NAME RW BS SIZE
  fio --name="$1" --filename="$DEV" --ioengine=io_uring --direct=1 --rw="$2" --bs="$3" --iodepth=32 \
    --size="$4" --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 --output="$TEST_DIR/$1.fio" &&
    grep -q "err= 0" "$TEST_DIR/$1.fio" && grep -E "^ +(write|read):" "$TEST_DIR/$1.fio"
}

faults_were_injected() { # prints the counters; at least 10 faults, of 3 kinds or more
  local json
  json=$(_ctl faults | head -n 1) && echo "$json" &&
    [ "$(echo "$json" | sed 's/.*"total":\([0-9]*\).*/\1/')" -ge 10 ] &&
    [ "$(echo "$json" | sed 's/.*"injected":{\([^}]*\)}.*/\1/' | tr ',' '\n' | grep -cv ':0$')" -ge 3 ]
}

no_eio_yet() { ! grep -q 'EIO to the kernel' "/run/ublk-s3/${DEV#/dev/ublkb}.log"; }

down_gives_eio_without_hanging() { # a read and a write at once; each must fail EIO, not hang (3 x the budget)
  local start end rc_r rc_w
  _ctl down >/dev/null || return 1
  start=$SECONDS
  # a block the sequential job wrote
  timeout 45 dd if="$DEV" of=/dev/null bs=64K count=1 skip=40 iflag=direct status=none 2>"$TEST_DIR/dd-r.err" &
  local pid_r=$!
  head -c 64K /dev/urandom | timeout 45 dd of="$DEV" bs=64K count=1 seek=200 oflag=direct status=none 2>"$TEST_DIR/dd-w.err" &
  local pid_w=$!
  wait $pid_r; rc_r=$?
  wait $pid_w; rc_w=$?
  end=$SECONDS
  cat "$TEST_DIR/dd-r.err" "$TEST_DIR/dd-w.err"
  echo "read exit $rc_r, write exit $rc_w after $((end - start)) s; $(_ctl faults | head -n 1)"
  [ "$rc_r" -ne 0 ] && [ "$rc_r" -ne 124 ] && [ "$rc_w" -ne 0 ] && [ "$rc_w" -ne 124 ] &&
    grep -q "Input/output error" "$TEST_DIR/dd-r.err" && grep -q "Input/output error" "$TEST_DIR/dd-w.err"
}

up_works_again() {
  _ctl up >/dev/null && head -c 1M /dev/urandom >"$TEST_DIR/after" &&
    dd if="$TEST_DIR/after" of="$DEV" bs=1M seek=10 oflag=direct status=none &&
    cmp "$TEST_DIR/after" <(dd if="$DEV" bs=1M skip=10 count=1 iflag=direct status=none)
}

_check "local-s3 --faults $FAULTS" start_faulty_s3
_check "add on the faulty endpoint, 2 queues x 32" add
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
# list's view of a live device is config_01's check (a retry time from the config file); here in the long variant
[ -z "${UBLKS3_VM_LONG:-}" ] || _check "list shows the retry time, 15s" bash -c "'$UBLKS3' list | tee /dev/stderr | grep -E '^$DEV .* 15s +LIVE '"
# the long variant (UBLKS3_VM_LONG=1, tools/bin/test-long) moves twice the data through the faults
RAND_SIZE=512K SEQ_SIZE=4M
[ -z "${UBLKS3_VM_LONG:-}" ] || RAND_SIZE=1M SEQ_SIZE=8M
_check "fio random 4K writes, crc32c verify, 10% faults" fio_verify rand4k randwrite 4k "$RAND_SIZE"
_check "fio sequential 1M writes, crc32c verify, 10% faults" fio_verify seq1m write 1M "$SEQ_SIZE"
_check "faults were injected (server counters)" faults_were_injected
echo "  server: $(_ctl faults | head -n 1)"
_check "no read/write error reached the kernel" no_eio_yet
_check "store down: read and write fail EIO, no hang" down_gives_eio_without_hanging
_check "store up: the device works again" up_works_again
_check "del" "$UBLKS3" del -n "${DEV#/dev/ublkb}"
# its EIOs were wanted: a later device of the same number appends to the same log, and tests look for EIO in it
rm -f "/run/ublk-s3/${DEV#/dev/ublkb}.log"
kill "$(cat "$TEST_DIR/local-s3.pid")" 2>/dev/null
_show_result "$TID" "$ERR_CODE"
