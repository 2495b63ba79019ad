#!/bin/bash
# Interoperability on a real kernel: a device written by ublk-s3 (aligned and unaligned writes through
# /dev/ublkbN) reads back byte for byte through nbdkit's S3 plugin, and what nbdkit writes reads back through
# ublk-s3; both on one bucket of the embedded S3 endpoint (ublk-s3 local-s3) on 127.0.0.1.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
command -v nbdkit >/dev/null && command -v nbdcopy >/dev/null ||
  _skip "no nbdkit/nbdcopy: apt-get install nbdkit nbdkit-plugin-python python3-boto3 libnbd-bin (tools/bin/test does it)"

_prep_ublks3
_local_s3_vars 19000
SOCK=$TEST_DIR/nbdkit.sock

add() { # KEY
  _add_fg "$TEST_DIR/dev" --endpoint-url "$EP" --bucket interop --key "$1" --size 2M --object-size 64K --queues 1
}

nbdkit_on() { # KEY: nbdkit's S3 plugin on the same bucket, on a Unix socket on the guest's tmpfs
  rm -f "$SOCK"
  nbdkit --unix "$SOCK" --pidfile "$TEST_DIR/nbdkit.pid" S3 size=2M bucket=interop key="$1" object-size=64K \
    endpoint-url="$EP" && local i && for i in $(seq 300); do [ -S "$SOCK" ] && return 0; sleep 0.1; done; return 1
}
nbdkit_off() { kill "$(cat "$TEST_DIR/nbdkit.pid")"; rm -f "$TEST_DIR/nbdkit.pid"; }

# One key both ways, one device and one nbdkit: nbdkit writes the whole disk, ublk-s3 reads it back and writes over
# part of it (aligned and unaligned to the objects), nbdkit reads the result. (nbdkit's plugin keeps no cache: it
# reads every object from the bucket, so it may stay up while ublk-s3 writes.)
nbdkit_writes_ublk_reads() {
  head -c 2M /dev/urandom >"$TEST_DIR/expected.img" && nbdkit_on both &&
    nbdcopy "$TEST_DIR/expected.img" "nbd+unix:///?socket=$SOCK" &&
    add both && cmp <(dd if="$DEV" bs=1M iflag=direct status=none) "$TEST_DIR/expected.img"
}

ublk_writes_nbdkit_reads() {
  local img=$TEST_DIR/expected.img
  head -c 512K /dev/urandom >"$TEST_DIR/a" && head -c 100K /dev/urandom >"$TEST_DIR/b" &&
    dd if="$TEST_DIR/a" of="$DEV" bs=512K seek=2 oflag=direct status=none &&
    dd if="$TEST_DIR/b" of="$DEV" bs=4K seek=301 oflag=direct status=none && # unaligned to the objects
    dd if="$TEST_DIR/a" of="$img" bs=512K seek=2 conv=notrunc status=none &&
    dd if="$TEST_DIR/b" of="$img" bs=4K seek=301 conv=notrunc status=none &&
    "$UBLKS3" del -n "${DEV#/dev/ublkb}" &&
    nbdcopy "nbd+unix:///?socket=$SOCK" "$TEST_DIR/via-nbdkit.img" && nbdkit_off &&
    cmp "$img" "$TEST_DIR/via-nbdkit.img"
}

keys_identical_layout() {
  find "$TEST_DIR/s3/interop" -type f | sed "s|$TEST_DIR/s3/interop/||" | sort >"$TEST_DIR/keys" &&
    head -3 "$TEST_DIR/keys" && ! grep -Ev '^both/[0-9a-f]{16}$' "$TEST_DIR/keys"
}

_check "S3 endpoint (ublk-s3 local-s3) on 127.0.0.1:$PORT" _start_local_s3 "$PORT" interop
_check "written by nbdkit's S3 plugin, read by ublk-s3: identical" nbdkit_writes_ublk_reads
_check "written over by ublk-s3, read by nbdkit's S3 plugin: identical" ublk_writes_nbdkit_reads
_check "every key is {key}/{blockno:016x}" keys_identical_layout
[ -f "$TEST_DIR/nbdkit.pid" ] && nbdkit_off
_stop_local_s3
_show_result "$TID" "$ERR_CODE"
