#!/bin/bash
# ublk-driver with a file system: mkfs.ext4, mount, write, sync, umount, fsck on a RAM disk; and creates that
# fail (an id in use: ADD_DEV EEXIST; a queue that cannot map its buffers after ADD_DEV) leave no device behind.
# It runs beside another test: the failing creates name their device number (its own, 60), and "nothing added" is
# of those numbers.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_prep_java

ext4() {
  mkfs.ext4 -q -F "$UBLK_DEV" && mkdir -p "$TEST_DIR/mnt" && mount -t ext4 "$UBLK_DEV" "$TEST_DIR/mnt" &&
    head -c 6M /dev/urandom >"$TEST_DIR/data" && cp "$TEST_DIR/data" "$TEST_DIR/mnt/data" &&
    mkdir "$TEST_DIR/mnt/dir" && for i in $(seq 50); do echo "file $i" >"$TEST_DIR/mnt/dir/$i"; done &&
    sync && umount "$TEST_DIR/mnt" && fsck.ext4 -f -n "$UBLK_DEV" &&
    mount -t ext4 -o ro "$UBLK_DEV" "$TEST_DIR/mnt" && cmp "$TEST_DIR/data" "$TEST_DIR/mnt/data" &&
    [ "$(cat "$TEST_DIR/mnt/dir/50")" = "file 50" ] && umount "$TEST_DIR/mnt"
}

SPARE=60 # a number no neighbour takes (the kernel gives the lowest free one to an add without -n)
nodes() { ls /dev/ublk[bc]{$UBLK_ID,$SPARE} 2>/dev/null; stat -c %z "/dev/ublkc$UBLK_ID"; } # the change time: not made again

fails_cleanly() { # EXPECTED ARGS...: UblkRamdisk ARGS fails with a one-line error containing EXPECTED; nodes unchanged
  local expected=$1 before
  shift
  before=$(nodes)
  ! _java dev.ublks3.ublk.tool.UblkRamdisk "$@" </dev/null >"$TEST_DIR/fail.out" 2>"$TEST_DIR/fail.err" || return 1
  cat "$TEST_DIR/fail.err"
  grep -qF "$expected" "$TEST_DIR/fail.err" && [ "$(wc -l <"$TEST_DIR/fail.err")" -eq 1 ] &&
    [ ! -s "$TEST_DIR/fail.out" ] && [ "$(nodes)" = "$before" ]
}

_check "async RAM disk 64M, 2 queues" _add_ramdisk --size 64M --queues 2 --depth 32 --unit 128K --async
_check "mkfs.ext4, mount, write, sync, umount, fsck, read back" ext4
_check "create on the id in use: ADD_DEV EEXIST, nothing added" \
  fails_cleanly "ADD_DEV: EEXIST (device $UBLK_ID already exists): pick another -n or leave it out" -n "$UBLK_ID" --null
_check "queue cannot map 4096 x 32 MiB buffers: torn down after ADD_DEV" \
  fails_cleanly "ENOMEM" -n "$SPARE" --null --queues 2 --depth 4096 --max-io 32M
_check "the first device still serves" dd if="$UBLK_DEV" of=/dev/null bs=1M count=8 iflag=direct status=none
_check "stopped and deleted" _del_ramdisk
_check "no device of this test left" _none_left
_show_result "$TID" "$ERR_CODE"
