# Sourced by tools/vm/tests/test_*.sh, in the style of the kernel's selftests (tools/testing/selftests/ublk):
# a test exits 0 = PASS, 4 = SKIP (kselftest's ksft_skip), anything else = FAIL, and prints
# "TID : [PASS]" (or SKIP, FAIL) as its last line. TID is the file's name less "test_" and ".sh".
# The tests run as root inside the VM (tools/vm/run-tests); /tmp there is a fresh tmpfs.
# run-tests runs two tests at once, except those with a line "# run-tests: alone" (they compare the whole
# machine's devices, run files or servers before and after a command): a test checks its own devices (_gone), not
# that the machine has none.

UBLK_SKIP_CODE=4
ERR_CODE=0
TID=$(basename "$0" .sh)
TID=${TID#test_}
UBLKS3_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

# _prep_test [ublk]: a scratch folder $TEST_DIR on the guest's tmpfs, removed at exit; with "ublk", skips
# the test when the kernel has no ublk driver (/dev/ublk-control).
_prep_test() {
  [ "$(id -u)" -eq 0 ] || _skip "needs root"
  if [ "${1:-}" = ublk ] && [ ! -c /dev/ublk-control ]; then
    _skip "no /dev/ublk-control: run it in the VM (tools/vm/run-tests) or 'modprobe ublk_drv'"
  fi
  TEST_DIR=$(mktemp -d "/tmp/ublks3-$TID.XXXXXX")
  trap _cleanup_test EXIT
}

# _gone N...: devices N... are gone: no /dev/ublkbN, /dev/ublkcN, run file or socket of theirs
_gone() {
  local n rc=0
  for n in "$@"; do
    ! ls "/dev/ublkb$n" "/dev/ublkc$n" "/run/ublk-s3/$n.sock" "/run/ublk-s3/$n.properties" 2>/dev/null || rc=1
  done
  return $rc
}

# _small_files DIR COUNT MAX_BYTES FOLDERS: COUNT files of 1..MAX_BYTES random bytes, spread over folders DIR/d1..
# DIR/dFOLDERS, written by one process (under emulation a process per file costs ~0.1 s each)
_small_files() {
  python3 - "$@" <<'PY'
import os, random, sys
top, count, most, folders = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(count):
    d = os.path.join(top, "d%d" % (i % folders + 1))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%d" % (i // folders + 1)), "wb") as f:
        f.write(os.urandom(random.randint(1, most)))
PY
}

# _none_left: every RAM disk this test made (_add_ramdisk) is gone. A device number is reused as soon as it is
# free, by the test running beside this one too: a device is this test's only while its char device is the one
# _add_ramdisk saw (the same change time, to the nanosecond).
_none_left() {
  local id made rc=0
  [ -f "$TEST_DIR/ids" ] || return 0
  while read -r id made; do
    _made_gone "$id" "$made" || rc=1
  done <"$TEST_DIR/ids"
  return $rc
}

# _made_gone ID MADE: the device ID whose char device was made at MADE (its change time) is gone; else lists it.
_made_gone() {
  [ "$(stat -c %z "/dev/ublkc$1" 2>/dev/null)" != "$2" ] || { ls -l "/dev/ublkb$1" "/dev/ublkc$1" 2>/dev/null; return 1; }
}

# _ramdisk_gone ID: the RAM disk this test added as ID is gone. Not "no device ID": tests run side by side, and
# the kernel gives a freed number to the next device at once. The char device goes last (after the disk), so the
# one made at add (its change time, in $TEST_DIR/ids) being gone means all of it is.
_ramdisk_gone() {
  local made
  made=$(awk -v id="$1" '$1 == id { $1 = ""; sub(/^ /, ""); m = $0 } END { print m }' "$TEST_DIR/ids")
  [ -n "$made" ] || { echo "no RAM disk $1 was added by this test"; return 1; }
  _made_gone "$1" "$made"
}

_cleanup_test() {
  local m
  for m in $(awk -v d="$TEST_DIR" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do umount "$m"; done
  rm -rf "$TEST_DIR"
}

# _skip REASON: prints why and ends the test as SKIP (exit 4).
_skip() {
  echo "$TID: skipped: $*"
  _show_result "$TID" "$UBLK_SKIP_CODE"
}

# _need_fio: skips the test when there is no fio
_need_fio() {
  command -v fio >/dev/null || _skip "no fio: apt-get install fio on the host (tools/bin/test does it)"
}

# _check DESCRIPTION CMD [ARGS...]: runs one check, prints its outcome and time; a failure sets ERR_CODE=1
# and the test goes on with the next check.
_check() {
  local what=$1 start rc
  shift
  start=$EPOCHREALTIME
  "$@" >"$TEST_DIR/check.out" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    awk -v w="$what" -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "  ok   %-48s %6.2f s\n", w, b - a }'
  else
    printf '  FAIL %-48s (exit %d)\n' "$what" "$rc"
    sed 's/^/       | /' "$TEST_DIR/check.out" | tail -n 20
    ERR_CODE=1
  fi
  return 0
}

# _show_result TID CODE: prints "TID : [PASS|SKIP|FAIL]" and exits with CODE.
_show_result() {
  [ -z "${UBLKS3_SHOWN:-}" ] || echo "$1" >>"$UBLKS3_SHOWN" # tells run-tests the line is printed
  if [ "$2" -eq 0 ]; then
    echo "$1 : [PASS]"
  elif [ "$2" -eq "$UBLK_SKIP_CODE" ]; then
    echo "$1 : [SKIP]"
  else
    echo "$1 : [FAIL]"
  fi
  exit "$2"
}

# ---- the ublk driver's Java side (dev.ublks3.ublk), built on the host before the VM boots ----

# _prep_java: the driver's RAM disk (dev.ublks3.ublk.tool.UblkRamdisk) runs from the command's snapshot (see
# _prep_ublks3: its jars and AOT cache hold the driver too); sets JAVA_HOME to the project's JDK.
_prep_java() {
  _prep_ublks3
  . "$UBLKS3_TOP/tools/bin/find-jdk.sh" || _skip "no JDK 22+"
}

# _java_cmd MAIN: sets JAVA_CMD to java running the class MAIN from the snapshot, tuned for a quick start under
# emulation (UBLKS3_JAVA_OPTS, see _prep_ublks3).
_java_cmd() {
  . /tmp/ublks3-cmd/launch.sh
  ublks3_jvm /tmp/ublks3-cmd "$1" server
  JAVA_CMD=("${UBLKS3_JVM[@]}")
}

# _java MAIN ARGS...: runs java (see _java_cmd) in the foreground.
_java() {
  _java_cmd "$1"
  shift
  "${JAVA_CMD[@]}" "$@"
}

# _add_ramdisk ARGS...: starts dev.ublks3.ublk.tool.UblkRamdisk ARGS in the background with its stdin on a fifo
# held open by fd 8; returns once it printed /dev/ublkbN and that device opens (up to 60 s). Sets UBLK_DEV
# (/dev/ublkbN), UBLK_ID (N), RAMDISK_PID (the JVM's pid); its stderr goes to $TEST_DIR/ramdisk.err.
_add_ramdisk() {
  local i
  rm -f "$TEST_DIR/ramdisk.in" "$TEST_DIR/ramdisk.out"
  mkfifo "$TEST_DIR/ramdisk.in"
  _java_cmd dev.ublks3.ublk.tool.UblkRamdisk # a simple command in the background: $! is the JVM (signals reach it)
  "${JAVA_CMD[@]}" "$@" <"$TEST_DIR/ramdisk.in" >"$TEST_DIR/ramdisk.out" \
    2>"$TEST_DIR/ramdisk.err" &
  RAMDISK_PID=$!
  exec 8>"$TEST_DIR/ramdisk.in"
  UBLK_DEV=""
  for i in $(seq 600); do
    UBLK_DEV=$(head -n 1 "$TEST_DIR/ramdisk.out" 2>/dev/null)
    [ -n "$UBLK_DEV" ] && [ -b "$UBLK_DEV" ] && { : <"$UBLK_DEV"; } 2>/dev/null && break
    kill -0 "$RAMDISK_PID" 2>/dev/null || { cat "$TEST_DIR/ramdisk.err"; return 1; }
    UBLK_DEV=""
    sleep 0.1
  done
  [ -n "$UBLK_DEV" ] || { echo "no device after 60 s"; cat "$TEST_DIR/ramdisk.err"; return 1; }
  UBLK_ID=${UBLK_DEV#/dev/ublkb}
  echo "$UBLK_ID $(stat -c %z "/dev/ublkc$UBLK_ID")" >>"$TEST_DIR/ids"
  cat "$TEST_DIR/ramdisk.err"
}

# _ramdisk_stats: asks the running ramdisk for its counters; prints "REQUESTS ALLOCATED_BYTES" (since it went live).
_ramdisk_stats() {
  local before i line
  before=$(grep -c "served " "$TEST_DIR/ramdisk.err")
  echo stats >&8
  for i in $(seq 100); do
    [ "$(grep -c "served " "$TEST_DIR/ramdisk.err")" -gt "$before" ] && break
    sleep 0.1
  done
  line=$(grep "served " "$TEST_DIR/ramdisk.err" | tail -n 1)
  [ -n "$line" ] && echo "$line" | sed -n 's/.*served \([0-9]*\) requests; queue threads allocated \([0-9]*\) bytes.*/\1 \2/p'
}

# _del_ramdisk [SIGNAL]: stops the ramdisk by closing its stdin (or sending SIGNAL), waits for it; fails unless
# it ended cleanly and the device it made is gone (_ramdisk_gone).
_del_ramdisk() {
  local rc
  if [ -n "${1:-}" ]; then kill "-$1" "$RAMDISK_PID"; fi
  exec 8>&-
  wait "$RAMDISK_PID"
  rc=$?
  cat "$TEST_DIR/ramdisk.err"
  if [ -n "${1:-}" ]; then # the JVM ends with 128 + the signal after its shutdown hook ran
    [ "$rc" -eq 0 ] || [ "$rc" -eq $((128 + $(kill -l "$1"))) ] || { echo "exit $rc after SIG$1"; return 1; }
  else
    [ "$rc" -eq 0 ] || { echo "exit $rc"; return 1; }
  fi
  grep -q "stopped and deleted" "$TEST_DIR/ramdisk.err" || return 1
  _ramdisk_gone "$UBLK_ID"
}

# ---- the ublk-s3 command (tools/bin/ublk-s3, built on the host before the VM boots) ----

# _prep_ublks3: sets UBLKS3 to the command: a snapshot of the build (tools/bin/snapshot: its jars and AOT cache)
# made once per VM boot in the guest's /tmp, so that a build on the host meanwhile cannot swap classes under the
# servers a test starts; its JVMs start quickly under emulation with the serial GC (and C1 only, as every JVM in the
# guest: run-in-vm) unless UBLKS3_JAVA_OPTS says otherwise.
_prep_ublks3() {
  local cmd=/tmp/ublks3-cmd
  if [ ! -f "$UBLKS3_TOP/tools/target/tools.jar" ]; then # a failure, not a skip: a skipped suite hides regressions
    echo "$TID: the ublk-s3 command is not built: run 'tools/bin/mvn -pl tools -am package' first"
    _show_result "$TID" 1
  fi
  ( # two tests may start at once: one makes the snapshot, the other waits for it
    flock 9
    if [ ! -x "$cmd/ublk-s3" ]; then
      "$UBLKS3_TOP/tools/bin/snapshot" "$cmd" || { echo "$TID: cannot copy the ublk-s3 command into $cmd"; exit 1; }
      [ -f "$cmd/aot/stamp" ] || echo "$TID: the build has no AOT caches (tools/bin/aot-cache): every command starts slower"
    fi
  ) 9>/tmp/ublks3-cmd.lock || _show_result "$TID" 1
  UBLKS3=$cmd/ublk-s3
  if [ -n "${UBLKS3_VM_TRACE:-}" ]; then # a line per command into that file: test, seconds, exit code, arguments
    cat >"$cmd/traced" <<EOF
#!/bin/bash
s=\$EPOCHREALTIME; "$cmd/ublk-s3" "\$@"; rc=\$?
echo "\${TID:-?} \$(awk -v a=\$s -v b=\$EPOCHREALTIME 'BEGIN { printf "%.2f", b - a }') \$rc \$*" >>"$UBLKS3_VM_TRACE"
exit \$rc
EOF
    chmod 755 "$cmd/traced"
    UBLKS3=$cmd/traced
    export TID
  fi
  export UBLKS3_JAVA_OPTS="-XX:+UseSerialGC${UBLKS3_JAVA_OPTS:+ $UBLKS3_JAVA_OPTS}"
}

# _start_local_s3 PORT BUCKET [OPTIONS...]: the embedded S3 endpoint (ublk-s3 local-s3) over $TEST_DIR/s3 on 127.0.0.1:PORT
# with BUCKET created, in the background until the test ends; waits until it answers (up to 60 s).
_start_local_s3() {
  local i port=$1 bucket=$2
  shift 2
  mkdir -p "$TEST_DIR/s3"
  "$UBLKS3" local-s3 --dir "$TEST_DIR/s3" --port "$port" --bucket "$bucket" "$@" >"$TEST_DIR/local-s3.out" 2>"$TEST_DIR/local-s3.err" &
  echo $! >"$TEST_DIR/local-s3.pid"
  for i in $(seq 600); do
    grep -q "^http://127.0.0.1:$port" "$TEST_DIR/local-s3.out" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$TEST_DIR/local-s3.err"
  return 1
}

_stop_local_s3() { kill "$(cat "$TEST_DIR/local-s3.pid")"; }

# _local_s3_vars PORT: what a test of the embedded S3 endpoint on 127.0.0.1:PORT names: PORT, EP (its URL), CTL (a
# control socket for local-s3 --control, see _ctl) and its credentials, exported for the ublk-s3 commands.
_local_s3_vars() {
  PORT=$1
  EP=http://127.0.0.1:$PORT
  CTL=$TEST_DIR/local-s3.sock
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret AWS_REGION=us-east-1
}

# _ctl COMMAND: COMMAND on the endpoint's control socket $CTL; prints the answer lines, fails unless OK
_ctl() { /usr/bin/python3 "$UBLKS3_TOP/tools/bin/control" "$CTL" "$1"; }

# _dead PID: the process is gone, or a zombie (a foreground add this shell started and has not reaped yet)
_dead() { # one read of the stat file: it may vanish between two
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  case ${st##*) } in Z* | X*) return 0 ;; esac
  return 1
}

# _add_fg OUT ADD-ARGS...: 'ublk-s3 add ADD-ARGS --foreground' in the background: the server a detached add would
# start, one JVM start less (2-5 s under emulation). Its device path goes to OUT, its log to /run/ublk-s3/N.log as a
# detached server's does (it moves the log named by UBLKS3_SERVER_LOG there). Sets DEV and ADD_PID; on a failed
# start prints the server's log and fails.
_add_fg() {
  local out=$1 log i
  shift
  mkdir -p /run/ublk-s3
  log=/run/ublk-s3/add-fg-$BASHPID-$RANDOM.log
  : >"$out"
  UBLKS3_SERVER_LOG=$log "$UBLKS3" add "$@" --foreground </dev/null >"$out" 2>>"$log" &
  ADD_PID=$!
  for i in $(seq 1200); do
    grep -q '^/dev/ublkb' "$out" && break
    kill -0 "$ADD_PID" 2>/dev/null || break
    sleep 0.1
  done
  DEV=$(grep -m1 '^/dev/ublkb' "$out") && [ -b "$DEV" ] && return 0
  kill -0 "$ADD_PID" 2>/dev/null && kill "$ADD_PID"
  wait "$ADD_PID" 2>/dev/null
  tail -n 5 "$log"
  rm -f "$log"
  return 1
}
