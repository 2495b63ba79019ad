#!/bin/bash
# Automatic restart (add --restart) and a kill during trims: ext4 on a ublk-s3 device, fio (O_DIRECT random
# writes, crc32c verify) runs while a loop writes and removes a scratch file and runs fstrim (DISCARD, i.e.
# scoped LIST + DeleteObjects); the server is SIGKILLed while fstrim runs; the supervisor takes the device over
# by itself (a new server pid, logged in N.log); fio ends with no error and verifies, every fstrim succeeded,
# the data verifies again from the store, fsck clean; del stops it for good (the supervisor ends, no restart).
. "$(dirname "$0")/test_common.sh"
. "$(dirname "$0")/recover_common.sh"
command -v fstrim >/dev/null || _skip "no fstrim (util-linux)"

trim_loop() { # until $TEST_DIR/trimming goes; one line per fstrim in trim.log, "FAIL" when one failed
  while [ -f "$TEST_DIR/trimming" ]; do
    dd if=/dev/urandom of="$MNT/scratch" bs=256k count=8 conv=fsync status=none && rm "$MNT/scratch" &&
      if fstrim "$MNT"; then echo ok; else echo FAIL; fi
  done >>"$TEST_DIR/trim.log" 2>&1
}

trimming() { kill -0 "$FIO_PID" 2>/dev/null && [ "$(dev_stat 12)" -gt "$DISCARDS0" ] && pgrep -x fstrim >/dev/null; }

restarted() { # a new live server: the record names another pid, alive, and the device answers
  local pid
  pid=$(server_pid 2>/dev/null)
  [ -n "$pid" ] && [ "$pid" != "$OLD_PID" ] && ! _dead "$pid" && grep -q "^pid=$pid" "$RUN/$ID.properties"
}

trims_ok() {
  rm -f "$TEST_DIR/trimming"
  wait "$TRIM_PID"
  echo "$(grep -c ok "$TEST_DIR/trim.log") fstrim runs; $(dev_stat 12) discards"
  ! grep -v '^ok$' "$TEST_DIR/trim.log" && grep -q ok "$TEST_DIR/trim.log"
}

# this test's supervisor, by its bucket: a test beside this one may run one too ([s]: not this pattern's own shell)
supervisor_pid() { pgrep -f 'dev.ublks3.tools.UblkS3 [s]upervise .*--bucket rec( |$)'; }
supervisor_runs() { SUPERVISOR=$(supervisor_pid) && [ -n "$SUPERVISOR" ]; }
no_supervisor() { _dead "$SUPERVISOR"; }

supervisor_gone() { # del is a clean stop: the supervisor ends and does not restart anything
  wait_for "the supervisor to end" 60 no_supervisor &&
    sleep 2 && [ ! -e "$DEV" ] && grep -E "recovered|supervisor done" "$RUN/$ID.log"
}

_check "add --local --restart, ext4, mounted" add_fs --restart
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
_check "a supervisor runs" supervisor_runs

touch "$TEST_DIR/trimming"
trim_loop &
TRIM_PID=$!
DISCARDS0=$(dev_stat 12)
start_fio trim --ioengine=io_uring --direct=1 --iodepth=16 --rw=randwrite --bs=16k --size="$([ -n "${UBLKS3_VM_LONG:-}" ] && echo 6M || echo 3M)"
_check "fio writing and fstrim running" wait_for "fstrim during fio" 180 trimming
_check "kill -9 the server during a trim: device stays, fio waits" kill_server
_check "the supervisor recovers the device by itself" wait_for "a new server" 300 restarted
_check "fio ends with no I/O error, verify passes" fio_done
_check "every fstrim succeeded" trims_ok
_check "verify again, read from the store" verify_from_store
_check "no I/O error in the kernel log or the server's" no_io_error
_check "umount, fsck clean" fsck_clean
_check "del: a clean stop" del
_check "the supervisor ended without a restart" supervisor_gone
_check "no device, record or socket left" nothing_left
_show_result "$TID" "$ERR_CODE"
