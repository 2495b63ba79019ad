#!/bin/bash
# Server crash recovery (ublk user recovery, in-flight I/O re-issued), ext4 on a ublk-s3 device:
# 1. kill mid-write: fio (io_uring, O_DIRECT, random 16 KiB writes, iodepth 16, crc32c verify) runs; the server
#    is SIGKILLed; the device stays and holds the I/O; 'ublk-s3 recover -n N' takes it over; fio ends with no
#    error and its verify passes.
# 2. kill during flushes: fio (buffered, fsync every 2 writes: a FLUSH after each pair) runs; SIGKILL once
#    flushes flow; recover; fio ends clean and verifies.
# Then both jobs verify again, read from the store; fsck clean; a device whose server was killed (quiesced) is
# removed by del. (recover's refusals are host tests: RecoverCommandTest.)
. "$(dirname "$0")/test_common.sh"
. "$(dirname "$0")/recover_common.sh"

flushing() { kill -0 "$FIO_PID" 2>/dev/null && [ "$(dev_stat 16)" -ge $((FLUSHES0 + 8)) ]; }

del_after_kill() { # a quiesced device whose server is gone: del removes it (acknowledged writes are in the store)
  OLD_PID=$(server_pid) && kill -9 "$OLD_PID" && wait_for "the server to die" 10 dead "$OLD_PID" && del
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
_check "fio buffered writes + fsync running (8 flushes)" wait_for "8 flushes" 120 flushing
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
