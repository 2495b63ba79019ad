#!/bin/bash
# tools/vm/power-cut's guest side. PHASE write: a file system on the virtio disk (/dev/vda) for the cache, the
# device added with it, blockgen writing until qemu is killed. PHASE check (the next boot, same disk): the device
# added again with its cache reads every FLUSHed block; then 'sync' and 'del' (the host then reads the store). WORK
# (the host's folder for this run) and S3 (the endpoint) come from run-in-vm --env.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
UBLKS3=$WORK/cmd/ublk-s3
export UBLKS3_JAVA_OPTS="-XX:+UseSerialGC${UBLKS3_JAVA_OPTS:+ $UBLKS3_JAVA_OPTS}"
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret AWS_REGION=us-east-1
BLOCKS=4096 # 16 MiB: 256 objects of 64 KiB
DEVICE=(--endpoint-url "$S3" --bucket power-cut --key disk --size 64M --object-size 64K --queues 2 --depth 32)
CACHE=(--cache /run/pc/cache --cache-size 64M --cache-mode writeback)
die() { echo "power-cut: $*"; exit 1; }
blockgen() { /usr/bin/python3 "$here/blockgen.py" "$1" "$2" "$WORK/state" "$BLOCKS"; }

for _ in $(seq 100); do [ -b /dev/vda ] && break; sleep 0.1; done
[ -b /dev/vda ] || die "no /dev/vda: run-in-vm --disk gives it"
mkdir -p /run/pc
case $1 in
  write)
    mkfs.ext4 -q /dev/vda && mount /dev/vda /run/pc && mkdir /run/pc/cache || die "cannot make the cache's file system"
    dev=$("$UBLKS3" add "${DEVICE[@]}" "${CACHE[@]}") || die "add with the cache failed"
    echo "power-cut: $dev up with its cache on /dev/vda, writing"
    blockgen write "$dev"
    die "blockgen ended before the power cut"
    ;;
  check)
    mount /dev/vda /run/pc || die "cannot mount the cache's file system after the power cut"
    dev=$("$UBLKS3" add "${DEVICE[@]}" "${CACHE[@]}") || die "add with the cache after the power cut failed"
    "$UBLKS3" stats -n "${dev#/dev/ublkb}" | grep -i "cache" | head -n 3
    blockgen verify "$dev" || die "after the power cut, with the cache: blocks lost or wrong"
    "$UBLKS3" sync -n "${dev#/dev/ublkb}" >/dev/null && "$UBLKS3" del -n "${dev#/dev/ublkb}" >/dev/null ||
      die "sync or del after the power cut failed"
    umount /run/pc
    echo "power-cut: check passed"
    ;;
  *) die "unknown phase '$1': write or check" ;;
esac
