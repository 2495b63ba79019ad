#!/bin/bash
# ublk-driver on the real kernel: a RAM disk comes up as /dev/ublkbN with the queue limits that keep requests
# inside one I/O unit (chunk_sectors = unit), a write-back cache (FLUSH is sent), then stops and is deleted
# (by closing stdin, then by SIGTERM), leaving no /dev/ublkb or /dev/ublkc behind.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
_prep_java

q() { cat "/sys/block/ublkb$UBLK_ID/queue/$1"; }

limits_64k() { # unit 64K, logical 512, requests up to 1 MiB, 2 queues of depth 32, 64 MiB
  [ "$(q chunk_sectors)" = 128 ] && [ "$(q max_hw_sectors_kb)" = 1024 ] && [ "$(q max_sectors_kb)" = 1024 ] &&
    [ "$(q discard_granularity)" = 65536 ] && [ "$(q write_cache)" = "write back" ] && [ "$(q fua)" = 1 ] &&
    [ "$(q logical_block_size)" = 512 ] && [ "$(q physical_block_size)" = 65536 ] &&
    [ "$(q minimum_io_size)" = 65536 ] && [ "$(q optimal_io_size)" = 65536 ] &&
    [ "$(q write_zeroes_max_bytes)" -gt 0 ] && [ "$(q discard_max_hw_bytes)" = $((64 << 20)) ] &&
    [ "$(cat /sys/block/ublkb$UBLK_ID/size)" = $((64 << 11)) ] &&
    [ "$(ls /sys/block/ublkb$UBLK_ID/mq | wc -l)" = 2 ] && [ -c "/dev/ublkc$UBLK_ID" ] ||
    { grep -H . /sys/block/ublkb$UBLK_ID/queue/* 2>/dev/null | grep -v "^Binary"; return 1; }
}

limits_32m_4k() { # unit 32M, logical 4096, requests up to 32 MiB
  [ "$(q chunk_sectors)" = 65536 ] && [ "$(q max_hw_sectors_kb)" = 32768 ] &&
    [ "$(q logical_block_size)" = 4096 ] && [ "$(q physical_block_size)" = $((32 << 20)) ] &&
    [ "$(q minimum_io_size)" = $((32 << 20)) ] && [ "$(q discard_granularity)" = $((32 << 20)) ] ||
    { grep -H . /sys/block/ublkb$UBLK_ID/queue/* 2>/dev/null; return 1; }
}

direct_io() { # 4 MiB written with O_DIRECT in 1 MiB requests at an offset, read back equal
  head -c 4M /dev/urandom >"$TEST_DIR/data" &&
    dd if="$TEST_DIR/data" of="$UBLK_DEV" bs=1M seek=3 oflag=direct status=none &&
    dd if="$UBLK_DEV" of="$TEST_DIR/back" bs=1M skip=3 count=4 iflag=direct status=none &&
    cmp "$TEST_DIR/data" "$TEST_DIR/back"
}

features() { # GET_FEATURES decoded by name; 6.12 has ioctl-encoded commands and user recovery
  _java dev.ublks3.ublk.tool.UblkRamdisk --features | tee "$TEST_DIR/features" &&
    grep -q "CMD_IOCTL_ENCODE" "$TEST_DIR/features" && grep -q "|USER_RECOVERY|" "$TEST_DIR/features"
}

_check "GET_FEATURES" features
echo "       $(cat "$TEST_DIR/features" 2>/dev/null)"
_check "RAM disk 64M, 2 queues x 32, unit 64K is live" _add_ramdisk --size 64M --queues 2 --depth 32 --unit 64K
_check "limits: chunk 64K, max 1M, write back, FUA, discard" limits_64k
_check "O_DIRECT 1 MiB writes read back equal" direct_io
_check "stdin closed: stopped, DEL_DEV done, nodes gone" _del_ramdisk
_check "RAM disk -n 5, logical 4K, unit 32M, max I/O 32M" _add_ramdisk -n 5 --size 64M --queues 1 --depth 4 --unit 32M --max-io 32M --logical 4096
_check "it is /dev/ublkb5" test "$UBLK_DEV" = /dev/ublkb5
_check "limits: chunk 32M, 4K logical, physical = unit" limits_32m_4k
_check "O_DIRECT 1 MiB writes read back equal" direct_io
_check "SIGTERM: stopped, DEL_DEV done, nodes gone" _del_ramdisk TERM
_check "no device of this test left" _none_left
_show_result "$TID" "$ERR_CODE"
