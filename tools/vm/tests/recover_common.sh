# Sourced by test_recover_*.sh (after test_common.sh): ext4 on a ublk-s3 device (--local on the guest's tmpfs),
# fio with crc32c verification writing files on it, the server killed with SIGKILL mid-I/O, and the helpers to
# take the device over again and check that nothing was lost. Sizes are small: every JVM start and every MiB
# costs seconds under emulation.
_prep_test ublk
_need_fio
_prep_ublks3
S3_DIR=$TEST_DIR/s3
MNT=$TEST_DIR/mnt
RUN=/run/ublk-s3
mkdir -p "$S3_DIR" "$MNT"

# add_fs [ADD-ARGS...]: a 64 MiB device of 64 KiB objects, ext4 on it (no discard pass; the journal not zeroed:
# a new device reads as zeros, and zeroing it costs 4 MiB of writes), mounted on $MNT.
# Sets DEV, ID and DMESG0 (the kernel log's length: earlier messages are not this device's).
add_fs() {
  local args=(--local "$S3_DIR" --bucket rec --key vm/disk --size 64M --object-size 64K --queues 2 --depth 32 "$@")
  if [ "${1:-}" = --restart ]; then # a supervisor in the background, and it the server
    "$UBLKS3" add "${args[@]}" >"$TEST_DIR/dev" && DEV=$(cat "$TEST_DIR/dev")
  else
    _add_fg "$TEST_DIR/dev" "${args[@]}"
  fi && ID=${DEV#/dev/ublkb} && [ -b "$DEV" ] &&
    DMESG0=$(dmesg | wc -l) && mkfs.ext4 -q -F -E nodiscard,lazy_journal_init=1 "$DEV" && mount "$DEV" "$MNT"
}

server_pid() { sed -n 's/^pid=//p' "$RUN/$ID.properties"; }

# dev_stat FIELD: a counter of /sys/block/ublkbN/stat (7 = sectors written, 12 = discards, 16 = flushes)
dev_stat() { awk -v f="$1" '{ print $f }' "/sys/block/ublkb$ID/stat"; }

# fio JOB [FIO-ARGS...]: a crc32c-verified job writing 2 files on the file system, in the background (FIO_PID);
# the same arguments with --verify_only check it again later (verify_from_store)
start_fio() {
  FIO_JOB=$1
  shift
  FIO_ARGS=(--name="$FIO_JOB" --directory="$MNT" --nrfiles=2 --verify=crc32c --do_verify=1 --verify_fatal=1
    --verify_state_save=0 "$@")
  fio "${FIO_ARGS[@]}" --output="$TEST_DIR/$FIO_JOB.out" >/dev/null 2>"$TEST_DIR/$FIO_JOB.err" &
  FIO_PID=$!
  WRITTEN0=$(dev_stat 7)
}

# wait_for WHAT SECONDS CMD...: polls CMD every 0.2 s
wait_for() {
  local what=$1 i n=$(($2 * 5))
  shift 2
  for i in $(seq "$n"); do "$@" && return 0; sleep 0.2; done
  echo "timed out waiting for $what"
  return 1
}

# fio_writing KIB: fio still runs and the device has seen KIB more KiB written since it started
fio_writing() {
  kill -0 "$FIO_PID" 2>/dev/null && [ "$(dev_stat 7)" -ge $((WRITTEN0 + $1 * 2)) ]
}


# kill_server: SIGKILL, no flush, no STOP_DEV; the device must stay (user recovery) and hold fio's I/O
kill_server() {
  OLD_PID=$(server_pid)
  echo "server pid $OLD_PID; $(( ($(dev_stat 7) - WRITTEN0) / 2 )) KiB written since fio started," \
    "$(dev_stat 12) discards, $(dev_stat 16) flushes; in flight: $(cat "/sys/block/ublkb$ID/inflight")"
  kill -9 "$OLD_PID" && wait_for "the server to die" 10 _dead "$OLD_PID" &&
    sleep 1 && [ -b "$DEV" ] && kill -0 "$FIO_PID"
}

recover() {
  "$UBLKS3" recover -n "$ID" >"$TEST_DIR/recover.out" && cat "$TEST_DIR/recover.out" &&
    [ "$(cat "$TEST_DIR/recover.out")" = "$DEV" ] && [ "$(server_pid)" != "$OLD_PID" ] || { tail -n 20 "$RUN/$ID.log"; return 1; }
}

diagnose() { # what a hang looks like, for the test's output
  echo "device stat: $(cat "/sys/block/ublkb$ID/stat"); in flight: $(cat "/sys/block/ublkb$ID/inflight")"
  tail -n 15 "$RUN/$ID.log"
  tail -n 5 "$TEST_DIR/$FIO_JOB.err"
}

fio_done() { # fio ends (within 300 s) with no I/O error and its verify phase passed
  wait_for "fio to end" 300 bash -c "! kill -0 $FIO_PID 2>/dev/null" || { diagnose; return 1; }
  wait "$FIO_PID"
  local rc=$?
  cat "$TEST_DIR/$FIO_JOB.err"
  grep -E "err=|^ +(write|read):" "$TEST_DIR/$FIO_JOB.out"
  [ "$rc" -eq 0 ] && grep -q "err= 0" "$TEST_DIR/$FIO_JOB.out"
}

verify_from_store() { # every block the job wrote, read back through the device from the store (no page cache)
  sync && echo 3 >/proc/sys/vm/drop_caches &&
    fio "${FIO_ARGS[@]}" --verify_only --output="$TEST_DIR/$FIO_JOB.verify" && grep -q "err= 0" "$TEST_DIR/$FIO_JOB.verify"
}

no_io_error() { # nothing failed towards the kernel or the file system
  # this device's lines only: a test beside this one may fail I/O on purpose
  ! dmesg | tail -n +$((DMESG0 + 1)) | grep -E "I/O error|EXT4-fs error|Buffer I/O" | grep -E "ublkb$ID([^0-9]|$)" &&
    ! grep -h "EIO to the kernel" "$RUN/$ID.log"
}

fsck_clean() { umount "$MNT" && fsck.ext4 -f -n "$DEV"; }

del() { "$UBLKS3" del -n "$ID" && [ ! -e "$DEV" ]; }

nothing_left() { _gone "$ID"; }
