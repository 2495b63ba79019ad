#!/bin/bash
# Server crash recovery (ublk user recovery, in-flight I/O re-issued), ext4 on a ublk-s3 device, with 'ublk-s3
# recover -n N': the long variant's only (tools/bin/test-long). In CI, recover_02 (the supervisor, under fio and
# trims) and cache_01 (recover under fio) kill and take over a server within the suite's budget. Two kills, each
# while fio (io_uring, crc32c verify) runs and the device holds its I/O: 1. mid-write: O_DIRECT random 16 KiB
# writes, iodepth 16; 2. during flushes: buffered writes, fsync every 2 (a FLUSH after each pair). fio ends with no
# error and verifies; every job verifies again, read from the store; fsck clean; a device whose server was killed
# (quiesced) is removed by del. (recover's refusals are host tests: RecoverCommandTest.)
. "$(dirname "$0")/test_common.sh"
[ -n "${UBLKS3_VM_LONG:-}" ] || _skip "the long variant's (tools/bin/test-long)"
. "$(dirname "$0")/recover_common.sh"

writing_and_flushing() { # KIB FLUSHES: fio runs, and has written KIB and flushed FLUSHES times since it started
  fio_writing "$1" && [ "$(dev_stat 16)" -ge $((FLUSHES0 + $2)) ]
}

del_after_kill() { # a quiesced device whose server is gone: del removes it (acknowledged writes are in the store)
  OLD_PID=$(server_pid) && kill -9 "$OLD_PID" && wait_for "the server to die" 10 _dead "$OLD_PID" && del
}

_check "add --local, ext4, mounted" add_fs
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"

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
_check "no I/O error in the kernel log or the server's" no_io_error
_check "umount, fsck clean" fsck_clean
_check "kill -9 again, then del removes the quiesced device" del_after_kill
_check "no device, record or socket left" nothing_left
_show_result "$TID" "$ERR_CODE"
