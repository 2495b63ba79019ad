#!/bin/bash
# ublk-driver data path under load: fio with crc32c verification (random 4 KiB and sequential 1 MiB writes,
# iodepth 32) on a 2-queue RAM disk that completes half its requests from worker threads (the lock-free queue
# and eventfd path back to the queue threads); discard and write-zeroes read back as zeros; once warm, the queue
# threads allocate no object per request.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_prep_java
_need_fio

fio_verify() { # NAME RW BS
  fio --name="$1" --filename="$UBLK_DEV" --ioengine=io_uring --direct=1 --rw="$2" --bs="$3" --iodepth=32 \
    --size=32M --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 --output="$TEST_DIR/$1.fio" &&
    grep -q "err= 0" "$TEST_DIR/$1.fio" && grep -E "^ +(write|read):" "$TEST_DIR/$1.fio"
}

zeros_after() { # CMD...: writes 2 MiB of data at 1 MiB, runs CMD on that range, expects zeros there
  head -c 2M /dev/urandom | dd of="$UBLK_DEV" bs=1M seek=1 oflag=direct status=none &&
    "$@" -o $((1 << 20)) -l $((2 << 20)) "$UBLK_DEV" &&
    cmp <(dd if="$UBLK_DEV" bs=1M skip=1 count=2 iflag=direct status=none) <(head -c 2M /dev/zero)
}

worker_completions() { # the RAM disk counted completions made on its worker threads
  grep -E "stopped and deleted \([1-9][0-9]* completions from worker threads\)" "$TEST_DIR/ramdisk.err"
}

# After a warm-up, what the queue threads allocate while serving a random 4K fio run. The driver allocates
# nothing per request; under C1 (the tests' quick-start JVM) FFM slices its errno capture segment on every
# downcall: 40 bytes per io_uring_enter (0 once C2 compiles the loop: measured on the host). How many requests
# share one enter depends on timing: 8.6 bytes per request under load, 33.6 on a quiet machine (CI), and at
# worst two enters per request (wait, then commit) = 80 bytes. The bound is that worst case: a per-request
# CompletableFuture with a whenComplete callback (the usual way to leak objects per request) is about 100
# bytes on top. Removing the capture itself (a syscall path without errno capture) is left for later.
no_allocation() {
  local a b n bytes
  a=($(_ramdisk_stats)) && fio_verify rand4k-measured randwrite 4k >/dev/null && b=($(_ramdisk_stats)) || return 1
  n=$((b[0] - a[0])) bytes=$((b[1] - a[1]))
  echo "$n requests in the measured run, $bytes bytes allocated by the queue threads" \
    "(since live: ${b[0]} requests, ${b[1]} bytes)" | tee "$TEST_DIR/alloc.txt"
  [ "$n" -gt 8000 ] && [ "$bytes" -lt $((n * 96)) ]
}

_check "async RAM disk 32M, 2 queues x 32" _add_ramdisk --size 32M --queues 2 --depth 32 --unit 64K --async
_check "fio random 4K writes, crc32c verify, iodepth 32" fio_verify rand4k randwrite 4k
_check "fio sequential 1M writes, crc32c verify, iodepth 32" fio_verify seq1m write 1M
_check "blkdiscard range reads back zeros" zeros_after blkdiscard
_check "blkdiscard -z (write zeroes) range reads back zeros" zeros_after blkdiscard -z
_check "warm: queue threads allocate < 96 bytes/request (fio)" no_allocation
echo "       $(cat "$TEST_DIR/alloc.txt" 2>/dev/null)"
_check "stopped and deleted" _del_ramdisk
_check "completions came from worker threads" worker_completions
_show_result "$TID" "$ERR_CODE"
