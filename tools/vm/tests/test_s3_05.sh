#!/bin/bash
# ublk-s3 on a slow link: the embedded S3 endpoint (ublk-s3 local-s3 --bandwidth) carries 16 MB/s each way, and
# fio writes 72 MiB in 4 MiB requests at depth 32 into 1 MiB objects: all of it in the device's queue at once, more
# than the S3 client's 64 MiB of PUT bodies in flight. The client queues the rest for the link instead of sharing
# the link so thinly that requests time out: fio sees no error, the data reads back (crc32c verify), the server's
# log has no retry and no EIO, and the server received each object once (72 PUTs, 72 MiB in). (That requests
# which outrun their timeout are not failed early is a host test, S3SlowLinkTest: with the 120 s attempt timeout
# it would take minutes here.) In the long variant (tools/bin/test-long) also the largest objects with the
# defaults: add --local --object-size 32M on this 2 GiB guest (the default depth of 128 mapped 4 GiB of buffers per
# queue and failed ENOMEM), a whole object and a 4 KiB write into another read back.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_need_fio

_prep_ublks3
_local_s3_vars 19500
MIB=72

stop() { # SIGTERM to the server flushes and removes the device, as del does (one client JVM less under emulation)
  local n=${DEV#/dev/ublkb} pid i
  pid=$(sed -n 's/^pid=//p' "/run/ublk-s3/$n.properties") && kill -TERM "$pid" || return 1
  for i in $(seq 600); do _dead "$pid" && break; sleep 0.1; done
  _dead "$pid" && _gone "$n"
}

add() { _add_fg "$TEST_DIR/dev" --endpoint-url "$EP" --bucket slow --key disk --size 128M --object-size 1M --queues 1; }

write_and_verify() {
  fio --name=slow --filename="$DEV" --ioengine=io_uring --direct=1 --rw=write --bs=4M --iodepth=32 \
    --size="${MIB}M" --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
    --output="$TEST_DIR/slow.fio" && grep -q "err= 0" "$TEST_DIR/slow.fio" && grep -E "^ +(write|read):" "$TEST_DIR/slow.fio"
}

no_retry_or_eio() { # the server's log (a 'stats' would cost a JVM's start), this server's alone (_add_fg)
  local log=/run/ublk-s3/${DEV#/dev/ublkb}.log
  [ -s "$log" ] && grep -q "$DEV" "$log" && ! grep -E "retrying in|EIO to the kernel" "$log"
}

each_object_sent_once() {
  local json
  json=$(_ctl counts | head -n 1) && echo "$json" | cut -c1-200 &&
    echo "$json" | grep -q "\"PUT\":$MIB," && echo "$json" | grep -q "\"bytesIn\":$((MIB << 20)),"
}

_check "local-s3 --bandwidth 16M" _start_local_s3 "$PORT" slow --bandwidth 16M --control "$CTL"
_check "add: 1M objects, 1 queue of the default depth (128)" add
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
_check "reset the server's counts (add's probes are not the write's)" _ctl reset
_check "fio: ${MIB} MiB of 4M writes at depth 32, crc32c verify" write_and_verify
_check "no store call was retried, no EIO (server log)" no_retry_or_eio
_check "the server got each object once (counts)" each_object_sent_once
_check "SIGTERM: the device flushed and gone" stop
_stop_local_s3

add_32m() {
  mkdir -p "$TEST_DIR/s3-32m" &&
    _add_fg "$TEST_DIR/dev" --local "$TEST_DIR/s3-32m" --bucket big --size 96M --object-size 32M || return 1
  grep -o "queues, depth [0-9]*" "/run/ublk-s3/${DEV#/dev/ublkb}.log"
}

whole_and_partial_read_back() { # object 0 whole, 4 KiB at 4 KiB into object 1
  head -c 32M /dev/urandom >"$TEST_DIR/whole" && head -c 4K /dev/urandom >"$TEST_DIR/part" &&
    dd if="$TEST_DIR/whole" of="$DEV" bs=32M oflag=direct status=none &&
    dd if="$TEST_DIR/part" of="$DEV" bs=4K seek=$(((32 << 20) / 4096 + 1)) oflag=direct status=none &&
    cmp "$TEST_DIR/whole" <(dd if="$DEV" bs=32M count=1 iflag=direct status=none) &&
    cmp "$TEST_DIR/part" <(dd if="$DEV" bs=4K skip=$(((32 << 20) / 4096 + 1)) count=1 iflag=direct status=none) &&
    cmp <(head -c 4K /dev/zero) <(dd if="$DEV" bs=4K skip=$(((32 << 20) / 4096)) count=1 iflag=direct status=none)
}

if [ -n "${UBLKS3_VM_LONG:-}" ]; then
  _check "add --local --object-size 32M with the default depth" add_32m
  [ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
  _check "a whole 32M object and 4K into another read back" whole_and_partial_read_back
  _check "SIGTERM: the 32M device flushed and gone" stop
fi
_show_result "$TID" "$ERR_CODE"
