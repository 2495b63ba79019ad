#!/bin/bash
# Bad input that needs the real kernel (usage errors are host tests: UblkS3CommandTest): each failed
# 'ublk-s3 add' prints one line naming the problem and the fix, exits non-zero, and leaves no device, run file
# or server process behind (run in the foreground: one JVM start less under emulation; s3_01 covers a failing
# background add): a missing bucket, wrong credentials and an endpoint that does not listen. Long variant only. (del of a mounted device: badinput_01.)
# run-tests: alone
. "$(dirname "$0")/test_common.sh"
_prep_test ublk

# the long variant only (tools/bin/test-long): badinput_01 checks failed adds on the real kernel in CI, and the
# host tests every store refusal's message (S3ObjectStoreErrorsTest); a suite within its budget wants its 14 s
[ -n "${UBLKS3_VM_LONG:-}" ] || _skip "the long variant's (tools/bin/test-long)"
_prep_ublks3
PORT=19001
EP=http://127.0.0.1:$PORT

state() { ls /dev/ublkb* /dev/ublkc* /run/ublk-s3/*.sock /run/ublk-s3/*.properties 2>/dev/null; pgrep -f 'UblkS3 add' || true; }

fails() { # EXPECTED ARGS...: ublk-s3 ARGS fails with one line containing EXPECTED; nothing left behind
  local expected=$1 before
  shift
  before=$(state)
  ! "$UBLKS3" "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || { echo "exit 0: $*"; return 1; }
  cat "$TEST_DIR/err"
  grep -qF -- "$expected" "$TEST_DIR/err" && [ "$(wc -l <"$TEST_DIR/err")" -eq 1 ] && [ ! -s "$TEST_DIR/out" ] &&
    [ "$(state)" = "$before" ]
}

creds() { AWS_ACCESS_KEY_ID=${1:-local} AWS_SECRET_ACCESS_KEY=${2:-local-secret} "${@:3}"; }

_check "S3 endpoint (ublk-s3 local-s3) on 127.0.0.1:$PORT" _start_local_s3 "$PORT" exists
_check "missing bucket" creds local local-secret fails "bucket 'nope' does not exist" \
  add --endpoint-url "$EP" --bucket nope --size 16M --object-size 64K --foreground
# the same kind of case (the store refuses the start-up probe), each a server's start: in the long variant only
# (tools/bin/test-long); the host tests check every message (S3ObjectStoreErrorsTest)
if [ -n "${UBLKS3_VM_LONG:-}" ]; then
  _check "wrong credentials" fails "with credentials from access key 'local'" \
    add --endpoint-url "$EP" --bucket exists --size 16M --object-size 64K --access-key local --secret-key wrong --foreground
  _check "endpoint not listening" creds local local-secret fails "cannot connect to http://127.0.0.1:1" \
    add --endpoint-url http://127.0.0.1:1 --bucket exists --size 16M --object-size 64K --foreground
fi
_stop_local_s3
_show_result "$TID" "$ERR_CODE"
