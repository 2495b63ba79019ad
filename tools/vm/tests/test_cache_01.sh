#!/bin/bash
# The persistent cache (add --cache, writeback) on the real driver: 8 MiB of 4 KiB random writes (fio, crc32c
# verify) reach the store as whole-object PUTs, at least 10x fewer requests per MiB than nbdkit's 574 (counted by
# the endpoint, after 'ublk-s3 sync'); kill -9 of the server during a verified write run, 'ublk-s3 recover', and fio
# ends with no error; a second device on the cache directory is refused; with the store down longer than the retry
# time, writes below the dirty cap complete with no EIO and 'sync' drains once it is back; another file fills the
# cache's file system (a tmpfs of its own): a checkpoint makes room, what the device acknowledged reads back, and
# writes work once the file is gone; after 'sync' the bucket's objects (files of the endpoint's folder) hold what
# the device reads. (Replay, torn records, identity checks, the drain's refusal and the ways a full disk fails
# writes: host tests, storage.cache and tools.)
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_need_fio

_prep_ublks3
_local_s3_vars 19600
CACHE_FS=$TEST_DIR/cachefs # 8 MiB beyond the cache's 32M: room for its WAL, and room to fill
CACHE=$CACHE_FS/cache
GEOMETRY=(--bucket cache --size 64M --object-size 64K --queues 2 --depth 32 --retry-time 5s)

counts() { _ctl counts | head -n 1; }
count_of() { counts | sed -n "s/.*\"requests\":{[^}]*\"$1\":\([0-9]*\).*/\1/p"; } # KIND: served since reset

add_cached() { # [ADD-ARGS...]
  mkdir -p "$CACHE_FS" && mount -t tmpfs -o size=40M tmpfs "$CACHE_FS" && mkdir "$CACHE" &&
  _add_fg "$TEST_DIR/dev" --endpoint-url "$EP" "${GEOMETRY[@]}" --key disk --cache "$CACHE" --cache-size 32M "$@"
}

fio_verify() { # NAME SIZE [FIO-ARGS...]: 4 KiB random writes over the first SIZE, crc32c verified
  local name=$1 size=$2
  shift 2
  fio --name="$name" --filename="$DEV" --ioengine=io_uring --direct=1 --rw=randwrite --bs=4k --iodepth=16 \
    --size="$size" --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
    --output="$TEST_DIR/$name.fio" "$@"
}

small_writes_coalesce() { # 4 MiB of 4 KiB writes: requests per MiB after sync, against nbdkit's 574
  local puts gets total
  _ctl reset >/dev/null && fio_verify small 4M && grep -q "err= 0" "$TEST_DIR/small.fio" &&
    "$UBLKS3" sync -n "${DEV#/dev/ublkb}" || return 1
  puts=$(count_of PUT) gets=$(count_of GET)
  total=$((puts + gets + $(count_of LIST)))
  echo "4 MiB of 4 KiB random writes (1024, verified): $puts PUT, $gets GET, $total requests in all:" \
    "$((total / 4)) per MiB (nbdkit + nbd: 574)" | tee "$TEST_DIR/requests.txt"
  [ "$total" -le $((4 * 57)) ] # at least 10x fewer
}

kill_during_writeback() { # kill -9 while fio writes (and verifies), recover, fio ends with no error
  local pid n=${DEV#/dev/ublkb}
  fio_verify crash 4M --runtime=60 >/dev/null 2>&1 &
  local fio=$!
  sleep 3
  pid=$(sed -n 's/^pid=//p' "/run/ublk-s3/$n.properties") && kill -9 "$pid" || return 1
  for _ in $(seq 100); do _dead "$pid" && break; sleep 0.1; done
  "$UBLKS3" recover -n "$n" >/dev/null || { tail -n 5 "/run/ublk-s3/$n.log"; return 1; }
  wait "$fio"
  grep -E "err=|^ +(write|read):" "$TEST_DIR/crash.fio"
  grep -q "err= 0" "$TEST_DIR/crash.fio"
}

bucket_holds_what_was_written() { # sync; the bucket's files (local-s3 --dir), absent ones as zeros, are the device
  local n=${DEV#/dev/ublkb}
  "$UBLKS3" sync -n "$n" && dd if="$DEV" of="$TEST_DIR/device.img" bs=1M count=8 iflag=direct status=none &&
    /usr/bin/python3 - "$TEST_DIR/s3/cache/disk" "$TEST_DIR/bucket.img" <<'PY' && cmp "$TEST_DIR/device.img" "$TEST_DIR/bucket.img"
import os, sys
with open(sys.argv[2], "wb") as out:
    for block in range(128):  # 8 MiB of 64 KiB objects
        path = os.path.join(sys.argv[1], "%016x" % block)
        out.write(open(path, "rb").read() if os.path.exists(path) else bytes(65536))
PY
}

store_down_writes_go_on() { # store down past the retry time: 2 MiB of writes complete, no EIO; up: sync drains
  local n=${DEV#/dev/ublkb}
  _ctl down >/dev/null && head -c 2M /dev/urandom >"$TEST_DIR/down.img" &&
    timeout 60 dd if="$TEST_DIR/down.img" of="$DEV" bs=64K seek=512 oflag=direct status=none &&
    sleep 6 && ! grep -q "EIO to the kernel" "/run/ublk-s3/$n.log" || return 1
  _ctl up >/dev/null && timeout 120 "$UBLKS3" sync -n "$n" &&
    cmp "$TEST_DIR/down.img" <(dd if="$DEV" bs=64K skip=512 count=32 iflag=direct status=none)
}

cache_disk_full() { # another file fills the cache's file system, then 2 MiB of new objects are written: a checkpoint
  # makes room (said in the log), a write that still does not fit fails; every write acknowledged reads back; once
  # the file is gone, all of them work
  local n=${DEV#/dev/ublkb} done
  dd if=/dev/zero of="$CACHE_FS/filler" bs=64K status=none 2>/dev/null
  df -k "$CACHE_FS" | tail -n 1
  head -c 2M /dev/urandom >"$TEST_DIR/full.img"
  dd if="$TEST_DIR/full.img" of="$DEV" bs=64K seek=64 oflag=direct 2>"$TEST_DIR/full.err"
  done=$(sed -n 's/^\([0-9]*\)+0 records out$/\1/p' "$TEST_DIR/full.err")
  echo "${done:-?} of 32 writes of 64 KiB acknowledged with the cache disk full"
  grep -h "to make room" "/run/ublk-s3/$n.log" | tail -n 1
  grep -q "to make room" "/run/ublk-s3/$n.log" && [ -n "$done" ] &&
    cmp -n $((done * 65536)) "$TEST_DIR/full.img" <(dd if="$DEV" bs=64K skip=64 count="$done" iflag=direct status=none) &&
    rm "$CACHE_FS/filler" &&
    dd if="$TEST_DIR/full.img" of="$DEV" bs=64K seek=64 oflag=direct status=none &&
    cmp "$TEST_DIR/full.img" <(dd if="$DEV" bs=64K skip=64 count=32 iflag=direct status=none)
}

second_server_refused() { # another key on the same cache directory: refused in one line, nothing made
  ! "$UBLKS3" add --endpoint-url "$EP" "${GEOMETRY[@]}" --key other --cache "$CACHE" 2>"$TEST_DIR/err" &&
    cat "$TEST_DIR/err" && grep -q "is the cache of $DEV" "$TEST_DIR/err" && [ "$(wc -l <"$TEST_DIR/err")" -eq 1 ]
}

_check "local-s3 with a control socket" _start_local_s3 "$PORT" cache --control "$CTL"
_check "add --cache (writeback), 32M of cache" add_cached
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
_check "4 KiB random writes: 10x fewer requests than nbdkit" small_writes_coalesce
[ ! -f "$TEST_DIR/requests.txt" ] || sed 's/^/       /' "$TEST_DIR/requests.txt"
_check "kill -9 during writeback, recover: fio verifies" kill_during_writeback
_check "a second server on the cache is refused" second_server_refused
_check "store down past the retry time: writes go on, then drain" store_down_writes_go_on
_check "the cache disk full: room made, acknowledged writes read back" cache_disk_full
_check "sync: the bucket holds what the device reads" bucket_holds_what_was_written
_check "del" "$UBLKS3" del -n "${DEV#/dev/ublkb}"
_check "no device of this test left" _gone "${DEV#/dev/ublkb}"
umount "$CACHE_FS" 2>/dev/null
_show_result "$TID" "$ERR_CODE"
