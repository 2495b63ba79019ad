#!/bin/bash
# ublk-driver user recovery (UBLK_F_USER_RECOVERY + REISSUE): the server of a file-backed RAM disk is killed;
# the device stays, I/O issued meanwhile waits instead of failing; another process takes the device over
# (START_USER_RECOVERY, fetch, END_USER_RECOVERY) and the held read completes with the data written before.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_prep_java

write_data() {
  head -c 4M /dev/urandom >"$TEST_DIR/data" &&
    dd if="$TEST_DIR/data" of="$UBLK_DEV" bs=1M seek=2 oflag=direct conv=fsync status=none
}

kill_server() { # SIGKILL: no STOP_DEV; with user recovery the kernel quiesces the device and keeps it
  local id=$UBLK_ID
  kill -9 "$RAMDISK_PID"
  wait "$RAMDISK_PID"
  exec 8>&-
  ! kill -0 "$RAMDISK_PID" 2>/dev/null && [ -b "/dev/ublkb$id" ] && [ -c "/dev/ublkc$id" ]
}

read_held() { # a read while no server runs: still waiting 2 s later (not failed)
  dd if="/dev/ublkb$UBLK_ID" of="$TEST_DIR/held" bs=1M skip=2 count=4 iflag=direct status=none 8>&- &
  DD_PID=$!
  sleep 2
  kill -0 "$DD_PID"
}

held_read_done() { # once the new server is there, the held read completes with the data
  wait "$DD_PID" && cmp "$TEST_DIR/data" "$TEST_DIR/held"
}

_check "RAM disk with user recovery, backed by a file" \
  _add_ramdisk --size 32M --queues 2 --depth 16 --async --user-recovery --backing "$TEST_DIR/disk.img"
_check "write 4 MiB" write_data
_check "server SIGKILLed: the device stays" kill_server
_check "a read issued meanwhile waits" read_held
_check "another process takes over (--recover)" _add_ramdisk --recover "$UBLK_ID" --async --backing "$TEST_DIR/disk.img"
_check "the held read completes with the data" held_read_done
_check "stopped and deleted" _del_ramdisk
_check "no device of this test left" _none_left
_show_result "$TID" "$ERR_CODE"
