#!/bin/bash
# Bad input that needs the real kernel, complementing s3_04 (store errors: missing bucket, wrong credentials,
# endpoint not listening; del of a mounted device): a missing and a read-only --local folder, add as a non-root
# user, a device number that does not exist (del, stats), a device number already taken, and del of a device
# that is mounted or that a program holds open (in the long variant also add over objects written with another
# object size). Each failure is one line on stderr naming the problem and the fix, a non-zero exit,
# nothing on stdout, and after it no new /dev/ublk*, no new run file, no new object in the bucket.
# (Usage errors of every option are host tests: BadInputMatrixTest, MissingDriverTest.)
# It runs beside another test: every add of this test names its device number (50 for the one it keeps, 51 for
# each refused one), so "no new device or run file" is of those numbers, and "no server" of its bucket's.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk

_prep_ublks3
S3=$TEST_DIR/s3
mkdir -p "$S3"
KEPT=50 REFUSED=51 # device numbers no neighbour takes (the kernel gives the lowest free one to an add without -n)
ADD=(add --bucket bad --size 16M --object-size 64K --queues 1)
REFUSED_ADD=("${ADD[@]}" -n "$REFUSED")

servers() { pgrep -f 'UblkS3 (add|supervise) .*--bucket bad( |$)' || true; } # this test's servers, by their bucket

state() { # this test's devices, run files, servers and objects
  ls /dev/ublk[bc]{$KEPT,$REFUSED} /run/ublk-s3/{$KEPT,$REFUSED}.{sock,properties} 2>/dev/null
  servers
  find "$S3" -type f 2>/dev/null | sort
}

fails() { # EXPECTED ARGS...: ublk-s3 ARGS fails with one line containing EXPECTED; nothing left behind
  local expected=$1 before
  shift
  before=$(state)
  ! "${RUNAS[@]}" "$UBLKS3" "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || { echo "exit 0: $*"; return 1; }
  cat "$TEST_DIR/err"
  grep -qF -- "$expected" "$TEST_DIR/err" || { echo "expected: $expected"; return 1; }
  [ "$(wc -l <"$TEST_DIR/err")" -eq 1 ] || { echo "not one line"; return 1; }
  [ ! -s "$TEST_DIR/out" ] || { echo "stdout:"; cat "$TEST_DIR/out"; return 1; }
  [ "$(state)" = "$before" ] || { echo "left behind:"; diff <(echo "$before") <(state); return 1; }
}
RUNAS=()

readonly_local() {
  mkdir -p "$TEST_DIR/ro" && mount --bind "$TEST_DIR/ro" "$TEST_DIR/ro" && mount -o remount,bind,ro "$TEST_DIR/ro" &&
    fails "--local $TEST_DIR/ro is not writable" "${REFUSED_ADD[@]}" --local "$TEST_DIR/ro"
}

not_root() { # as nobody: add says to run as root
  RUNAS=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent)
  chmod 711 "$TEST_DIR" && mkdir -p "$TEST_DIR/open" && chmod 777 "$TEST_DIR/open"
  local rc=0
  fails "run as root" "${REFUSED_ADD[@]}" --local "$TEST_DIR/open" --foreground || rc=1
  fails "run as root" "${REFUSED_ADD[@]}" --local "$TEST_DIR/open" || rc=1 # the background add (the default) too
  RUNAS=()
  [ -z "$(find "$TEST_DIR/open" -mindepth 1)" ] || { echo "objects written:"; find "$TEST_DIR/open"; rc=1; }
  return $rc
}

other_object_size() { # an object of 128K under the key: add with --object-size 64K is refused, the object kept whole
  mkdir -p "$S3/bad/sized" && head -c 131072 /dev/urandom >"$S3/bad/sized/0000000000000000" || return 1
  local sum
  sum=$(md5sum <"$S3/bad/sized/0000000000000000")
  fails "has 131072 bytes, not the object size 65536: it was written with object-size 128K; use --object-size 128K" \
    "${REFUSED_ADD[@]}" --local "$S3" --key sized &&
    [ "$(md5sum <"$S3/bad/sized/0000000000000000")" = "$sum" ]
}

DEV=""
add_ok() { # ARGS...: a device on the --local bucket; sets DEV and N
  _add_fg "$TEST_DIR/dev" "${ADD[@]:1}" --local "$S3" "$@" && N=${DEV#/dev/ublkb}
}

number_taken() { # the device stays for held_open (every add costs a server's start-up)
  add_ok --key first -n "$KEPT" && [ "$DEV" = "/dev/ublkb$KEPT" ] &&
    fails "device $KEPT already exists): pick another -n" "${ADD[@]}" --local "$S3" --key second -n "$KEPT"
}

mounted() { # ext4 on it, mounted: del refuses (the device and its data stay), then works once unmounted
  [ -b "$DEV" ] || add_ok --key mounted -n "$KEPT" || return 1
  mkfs.ext4 -q -F -E lazy_journal_init=1 "$DEV" && mkdir -p "$TEST_DIR/mnt" && mount "$DEV" "$TEST_DIR/mnt" || return 1
  local rc=0
  # not through fails: the mounted ext4 may write (its journal) meanwhile, so the bucket's objects can change
  ! "$UBLKS3" del -n "$N" 2>"$TEST_DIR/err" && cat "$TEST_DIR/err" && grep -q "is in use" "$TEST_DIR/err" &&
    [ "$(wc -l <"$TEST_DIR/err")" -eq 1 ] && [ -b "$DEV" ] || rc=1
  umount "$TEST_DIR/mnt" || rc=1
  return $rc
}

held_open() { # a program holds /dev/ublkbN open (no mount, no O_EXCL): del refuses, naming it; then it works
  local holder rc=0
  [ -b "$DEV" ] || add_ok --key held -n "$KEPT" || return 1
  sleep 600 <"$DEV" &
  holder=$!
  sleep 1
  fails "is open in $holder (sleep): close it there first" del -n "$N" || rc=1
  kill "$holder"; wait "$holder" 2>/dev/null
  "$UBLKS3" del -n "$N" && [ ! -e "$DEV" ] || rc=1
  return $rc
}

nothing_left() { # a server's JVM may still be ending a moment after its del returned
  local i
  for i in $(seq 300); do [ -n "$(servers)" ] || break; sleep 0.1; done
  [ -z "$(state | grep -v "^$S3/")" ]
}

_check "--local folder that does not exist" fails "--local $TEST_DIR/nope is not a directory: create it" "${REFUSED_ADD[@]}" --local "$TEST_DIR/nope"
_check "--local folder on a read-only mount" readonly_local
_check "add as a non-root user" not_root
_check "del -n 77 (no such device)" fails "there is no ublk device 77: see 'ublk-s3 list'" del -n 77
_check "stats -n 77 (no such device)" fails "no ublk-s3 server serves /dev/ublkb77: see 'ublk-s3 list'" stats -n 77
# the long variant (tools/bin/test-long); the host test StoreProbeTest checks the refusal itself
[ -z "${UBLKS3_VM_LONG:-}" ] || _check "add over objects of another object size: refused" other_object_size
_check "add -n $KEPT twice: the second is refused" number_taken
_check "del of a mounted device: refused" mounted
_check "del of a device a program holds open: refused, then done" held_open
_check "no device, run file or server left" nothing_left
_show_result "$TID" "$ERR_CODE"
