# Sourced by tools/vm/tests/test_*.sh, in the style of the kernel's selftests (tools/testing/selftests/ublk):
# a test exits 0 = PASS, 4 = SKIP (kselftest's ksft_skip), anything else = FAIL, and prints
# "TID : [PASS]" (or SKIP, FAIL) as its last line. TID is the file's name less "test_" and ".sh".
# The tests run as root inside the VM (tools/vm/run-tests); /tmp there is a fresh tmpfs.

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
  if [ "$2" -eq 0 ]; then
    echo "$1 : [PASS]"
  elif [ "$2" -eq "$UBLK_SKIP_CODE" ]; then
    echo "$1 : [SKIP]"
  else
    echo "$1 : [FAIL]"
  fi
  exit "$2"
}
