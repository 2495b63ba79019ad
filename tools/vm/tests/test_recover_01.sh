#!/bin/bash
# Server crash recovery (ublk user recovery, in-flight I/O re-issued), ext4 on a ublk-s3 device. In CI, one kill
# with both kinds of request in flight: fio (io_uring, O_DIRECT, random 16 KiB writes, iodepth 16, an fsync every
# 4 writes: FLUSHes among them, crc32c verify) runs; the server is SIGKILLed once writes and flushes flow; the
# device stays and holds the I/O; 'ublk-s3 recover -n N' takes it over; fio ends with no error and its verify
# passes. The long variant (UBLKS3_VM_LONG=1, tools/bin/test-long) kills twice, with twice the data:
# 1. mid-write: the O_DIRECT job without fsyncs; 2. during flushes: buffered writes, fsync every 2 (a FLUSH after
# each pair). Then every job verifies again, read from the store; fsck clean; a device whose server was killed
# (quiesced) is removed by del. (recover's refusals are host tests: RecoverCommandTest.)
. "$(dirname "$0")/test_common.sh"
. "$(dirname "$0")/recover_common.sh"

writing_and_flushing() { # KIB FLUSHES: fio runs, and has written KIB and flushed FLUSHES times since it started
  fio_writing "$1" && [ "$(dev_stat 16)" -ge $((FLUSHES0 + $2)) ]
}

del_after_kill() { # a quiesced device whose server is gone: del removes it (acknowledged writes are in the store)
  OLD_PID=$(server_pid) && kill -9 "$OLD_PID" && wait_for "the server to die" 10 _dead "$OLD_PID" && del
}

_check "add --local, ext4, mounted" add_fs
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"

if [ -z "${UBLKS3_VM_LONG:-}" ]; then
  FLUSHES0=$(dev_stat 16)
  start_fio mixed --ioengine=io_uring --direct=1 --iodepth=16 --rw=randwrite --bs=16k --fsync=4 --size=3M
  _check "fio O_DIRECT writes + fsyncs running (512 KiB, 4 flushes)" wait_for "512 KiB and 4 flushes" 120 writing_and_flushing 512 4
  _check "kill -9 the server mid-write, flushes in flight: device stays" kill_server
  _check "ublk-s3 recover -n N: live again, new server" recover
  _check "fio ends with no I/O error, verify passes" fio_done
  _check "verify again, read from the store" verify_from_store
else
  start_fio direct --ioengine=io_uring --direct=1 --iodepth=16 --rw=randwrite --bs=16k --size=6M
  _check "fio direct random writes running (1 MiB written)" wait_for "1 MiB written" 120 fio_writing 1024
  _check "kill -9 the server mid-write: device stays, fio waits" kill_server
  _check "ublk-s3 recover -n N: live again, new server" recover
  _check "fio ends with no I/O error, verify passes" fio_done
  DIRECT_ARGS=("${FIO_ARGS[@]}")

  FLUSHES0=$(dev_stat 16)
  start_fio fsync --ioengine=psync --rw=randwrite --bs=16k --fsync=2 --size=4M
  _check "fio buffered writes + fsync running (8 flushes)" wait_for "8 flushes" 120 writing_and_flushing 0 8
  _check "kill -9 the server during flushes" kill_server
  _check "ublk-s3 recover -n N" recover
  _check "fio ends with no I/O error, verify passes" fio_done

  _check "fsync job: verify again, read from the store" verify_from_store
  FIO_ARGS=("${DIRECT_ARGS[@]}")
  _check "direct job: verify again, read from the store" verify_from_store
fi
_check "no I/O error in the kernel log or the server's" no_io_error
_check "umount, fsck clean" fsck_clean
_check "kill -9 again, then del removes the quiesced device" del_after_kill
_check "no device, record or socket left" nothing_left
_show_result "$TID" "$ERR_CODE"
