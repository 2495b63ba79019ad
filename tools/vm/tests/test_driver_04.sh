#!/bin/bash
# ublk-driver when things go wrong: a target's -EIO reaches the reader; stopping the device during fio drains
# the in-flight requests and ends cleanly; a server killed (SIGKILL) during fio leaves a disk that fails I/O
# instead of hanging, and another process deletes what is left (STOP_DEV + DEL_DEV).
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_prep_java
_need_fio

eio() { # the 1 MiB around byte 5 MiB fails with EIO, the rest of the device still reads
  ! dd if="$UBLK_DEV" of=/dev/null bs=1M skip=5 count=1 iflag=direct 2>"$TEST_DIR/dd.err" &&
    grep -q "Input/output error" "$TEST_DIR/dd.err" &&
    dd if="$UBLK_DEV" of=/dev/null bs=1M count=5 iflag=direct status=none
}

fio_start() { # random 4K reads and writes (past the bad block) for up to 2 minutes in the background; returns
  # once 2000 reads are done. fio must not inherit fd 8: the ramdisk stops when the last writer of its stdin closes
  local i n
  fio --name=bg --filename="$UBLK_DEV" --ioengine=io_uring --direct=1 --rw=randrw --bs=4k --iodepth=32 \
    --offset=8M --size=24M --time_based --runtime=120 --output="$TEST_DIR/bg.fio" >/dev/null 2>&1 8>&- &
  FIO_PID=$!
  for i in $(seq 600); do
    read -r n _ <"/sys/block/ublkb$UBLK_ID/stat" && [ "$n" -gt 2000 ] && return 0
    sleep 0.1
  done
  return 1
}

fio_ends() { # fio stops within 60 s once its device is gone (its I/O fails)
  local i
  for i in $(seq 600); do
    kill -0 "$FIO_PID" 2>/dev/null || { wait "$FIO_PID"; return 0; }
    sleep 0.1
  done
  kill -9 "$FIO_PID"
  return 1
}

kill_server() { # SIGKILL: no shutdown hook, no STOP_DEV; the kernel aborts the queues when their rings go
  # the I/O the dead server held fails at the block layer's timeout (30 s by default): 5 s here, same path
  echo 5000 >"/sys/block/ublkb$UBLK_ID/queue/io_timeout" || return 1
  kill -9 "$RAMDISK_PID"
  wait "$RAMDISK_PID"
  exec 8>&-
  ! kill -0 "$RAMDISK_PID" 2>/dev/null
}

delete_leftover() { # another process removes the dead server's device
  _java dev.ublks3.ublk.tool.UblkRamdisk --del "$UBLK_ID" && _ramdisk_gone "$UBLK_ID"
}

_check "RAM disk with a bad block at 5 MiB" _add_ramdisk --size 32M --queues 2 --depth 32 --async --fail-at 5M
_check "target -EIO reaches dd as an I/O error" eio
_check "fio randrw running" fio_start
_check "stdin closed during fio: drained, stopped, deleted" _del_ramdisk
_check "fio ends" fio_ends
_check "async RAM disk again" _add_ramdisk --size 32M --queues 2 --depth 32 --async
_check "fio randrw running" fio_start
_check "server SIGKILLed during fio" kill_server
_check "fio ends (I/O fails, nothing hangs)" fio_ends
_check "another process deletes the leftover device" delete_leftover
_check "no device of this test left" _none_left
_show_result "$TID" "$ERR_CODE"
