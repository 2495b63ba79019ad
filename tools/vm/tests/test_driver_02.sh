#!/bin/bash
# ublk-driver data path under load: fio with crc32c verification (random 4 KiB and sequential 1 MiB writes,
# iodepth 32) on a 2-queue RAM disk that completes half its requests from executor threads (the lock-free queue
# and eventfd path back to the queue threads); discard and write-zeroes read back as zeros.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_prep_java
command -v fio >/dev/null || _skip "no fio: apt-get install fio on the host (tools/bin/test does it)"

fio_verify() { # NAME RW BS
  fio --name="$1" --filename="$UBLK_DEV" --ioengine=io_uring --direct=1 --rw="$2" --bs="$3" --iodepth=32 \
    --size=32M --verify=crc32c --do_verify=1 --verify_fatal=1 --output="$TEST_DIR/$1.fio" &&
    grep -q "err= 0" "$TEST_DIR/$1.fio" && grep -E "^ +(write|read):" "$TEST_DIR/$1.fio"
}

zeros_after() { # CMD...: writes 2 MiB of data at 1 MiB, runs CMD on that range, expects zeros there
  head -c 2M /dev/urandom | dd of="$UBLK_DEV" bs=1M seek=1 oflag=direct status=none &&
    "$@" -o $((1 << 20)) -l $((2 << 20)) "$UBLK_DEV" &&
    cmp <(dd if="$UBLK_DEV" bs=1M skip=1 count=2 iflag=direct status=none) <(head -c 2M /dev/zero)
}

executor_completions() { # the RAM disk counted completions made on executor threads
  grep -E "stopped and deleted \([1-9][0-9]* completions from executor threads\)" "$TEST_DIR/ramdisk.err"
}

_check "async RAM disk 32M, 2 queues x 32" _add_ramdisk --size 32M --queues 2 --depth 32 --unit 64K --async
_check "fio random 4K writes, crc32c verify, iodepth 32" fio_verify rand4k randwrite 4k
_check "fio sequential 1M writes, crc32c verify, iodepth 32" fio_verify seq1m write 1M
_check "blkdiscard range reads back zeros" zeros_after blkdiscard
_check "blkdiscard -z (write zeroes) range reads back zeros" zeros_after blkdiscard -z
_check "stopped and deleted" _del_ramdisk
_check "completions came from executor threads" executor_completions
_show_result "$TID" "$ERR_CODE"
