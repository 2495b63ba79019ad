#!/bin/bash
# ublk-s3 data path on the embedded S3 endpoint: fio with crc32c verification (random 4 KiB writes into 64 KiB
# objects = read-modify-write, and sequential 1 MiB writes, iodepth 32, 2 queues); blkdiscard deletes exactly
# the whole objects of its range; write-zeroes reads back as zeros.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_need_fio

_prep_ublks3
S3_DIR=$TEST_DIR/s3
OBJECTS=$S3_DIR/fio/disk
mkdir -p "$S3_DIR"

add() {
  _add_fg "$TEST_DIR/dev" --local "$S3_DIR" --bucket fio --key disk --size 64M --object-size 64K --queues 2 --depth 32
}

fio_verify() { # NAME RW BS SIZE
  fio --name="$1" --filename="$DEV" --ioengine=io_uring --direct=1 --rw="$2" --bs="$3" --iodepth=32 \
    --size="$4" --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 --output="$TEST_DIR/$1.fio" &&
    grep -q "err= 0" "$TEST_DIR/$1.fio" && grep -E "^ +(write|read):" "$TEST_DIR/$1.fio"
}

objects_in() { # FIRST LAST: how many objects with block numbers FIRST..LAST exist
  local n=0 b
  for b in $(seq "$1" "$2"); do [ -f "$OBJECTS/$(printf %016x "$b")" ] && n=$((n + 1)); done
  echo "$n"
}

discard_deletes_whole_objects() {
  # write 1 MiB at 32 MiB (blocks 512..527), then discard 32 MiB + 4 KiB .. 33 MiB - 4 KiB:
  # blocks 513..526 are whole inside the range and go; 512 and 527 are partial and stay
  head -c 1M /dev/urandom | dd of="$DEV" bs=1M seek=32 oflag=direct status=none &&
    [ "$(objects_in 512 527)" -eq 16 ] &&
    blkdiscard -o $(((32 << 20) + 4096)) -l $(((1 << 20) - 8192)) "$DEV" &&
    echo "after discard: blocks 512..527 $(objects_in 512 527), whole 513..526 $(objects_in 513 526)" &&
    [ "$(objects_in 513 526)" -eq 0 ] && [ "$(objects_in 512 512)" -eq 1 ] && [ "$(objects_in 527 527)" -eq 1 ]
}

zeroout_reads_zeros() { # 2 MiB of data at 40 MiB, zeroed but for its first and last 512 bytes
  head -c 2M /dev/urandom >"$TEST_DIR/z" && cp "$TEST_DIR/z" "$TEST_DIR/z.expected" &&
    dd if=/dev/zero of="$TEST_DIR/z.expected" bs=512 seek=1 count=$(((2 << 20) / 512 - 2)) conv=notrunc status=none &&
    dd if="$TEST_DIR/z" of="$DEV" bs=1M seek=40 oflag=direct status=none &&
    blkdiscard -z -o $(((40 << 20) + 512)) -l $(((2 << 20) - 1024)) "$DEV" &&
    cmp <(dd if="$DEV" bs=1M skip=40 count=2 iflag=direct status=none) "$TEST_DIR/z.expected"
}

_check "add --local, 2 queues x 32" add
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
_check "fio random 4K writes, crc32c verify, iodepth 32" fio_verify rand4k randwrite 4k 512K
_check "fio sequential 1M writes, crc32c verify, iodepth 32" fio_verify seq1m write 1M 4M
_check "blkdiscard deletes only the whole objects of its range" discard_deletes_whole_objects
_check "write-zeroes (blkdiscard -z) reads back as zeros" zeroout_reads_zeros
_check "no read/write error reached the kernel" bash -c "! grep -q 'EIO to the kernel' /run/ublk-s3/${DEV#/dev/ublkb}.log"
_check "del" "$UBLKS3" del -n "${DEV#/dev/ublkb}"
_show_result "$TID" "$ERR_CODE"
