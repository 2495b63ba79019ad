#!/bin/bash
# The guest half of benchmarks/bin/side-by-side: runs as root inside the VM (tools/vm/run-in-vm), one boot. The S3
# servers run on the host, one per condition (ublk-s3 local-s3, objects in memory, counting requests), reached over
# the run's tap device at S3_HOST; the guest's CPUs run only the stacks under test. For each condition and each
# stack in turn (ublk-s3; ublk-s3-cache: ublk-s3 with add --cache in writeback; then nbdkit's S3 plugin +
# nbd-client), the same workloads at the same object sizes. Raw results go to
# $RESULTS/runs/<condition>/<workload>/<stack>/: status, fio.json or fs.json, store.json (the server's counts for
# that run alone), cost.json (CPU seconds of the stack's serving processes and bytes moved through its devices
# during the run), client-stats.json (ublk-s3's own view: latencies per layer and per hop, and its cache's counts),
# phases/<phase>/ for the metadata walks (the server's counts and ublk-s3's stats just before and after).
#
# The cache stack's caches live in the guest's /tmp, a tmpfs: the guest has no disk of its own (its root is the
# host's, over 9p), and a cache's reads come from the page cache on any file system, so tmpfs gives what a local
# disk gives them; what it leaves out is the cost of the cache's fdatasync (a FLUSH's local sync), which is no-op
# there. A cache therefore lasts until the guest shuts down: the walk after a reboot is not measured here.
# Before each of its counts is read, the cache stack's devices are synced (the control socket's sync, what
# `ublk-s3 sync` sends): its uploads then count in the run that wrote, and a walk's requests are its own.
#
# Environment (set by benchmarks/bin/side-by-side): RESULTS, BENCH_CP (the benchmarks module's class path),
# UBLKS3_SNAPSHOT, S3_HOST, S3_SERVERS ("COND=PORT:CONTROL_PORT ..."), CONDITIONS, WORKLOADS, STACKS, and the
# sizes below.
set -uo pipefail
top=${UBLKS3_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)} # side-by-side runs a copy of this script
. "$top/tools/bin/find-jdk.sh"

RESULTS=${RESULTS:?RESULTS must name the results folder}
S3_HOST=${S3_HOST:?S3_HOST must name the address of the S3 servers}
S3_SERVERS=${S3_SERVERS:?S3_SERVERS must list COND=PORT:CONTROL_PORT}
CONDITIONS=${CONDITIONS:-local datacenter home}
STACKS=${STACKS:-ublk-s3 ublk-s3-cache nbd}
# randread-4k-qd1 first after the fill: ublk-s3's read latencies of that run are then its own (the fill only writes)
FIO_WORKLOADS="randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd1 randwrite-4k-qd32 randwrite-4k-once write-512k read-512k write-128k read-128k"
# zfs-walks walks the pool zfs left again, on the same devices: it runs only right after zfs
WORKLOADS=${WORKLOADS:-$FIO_WORKLOADS fs-backup zfs zfs-walks}
OBJECT_SIZE=${OBJECT_SIZE:-64K}      # nbdkit 1.32 takes at most 64K
SPECIAL_OBJECT_SIZE=${SPECIAL_OBJECT_SIZE:-4K} # the ZFS special vdev's device (docs/zfs.md)
DEV_SIZE=${DEV_SIZE:-2G}
SPECIAL_SIZE=${SPECIAL_SIZE:-1G}
FIO_RUNTIME=${FIO_RUNTIME:-15}       # seconds per fio job, after FIO_RAMP seconds not measured
FIO_RAMP=${FIO_RAMP:-2}
SEQ_DEPTH=${SEQ_DEPTH:-16}           # iodepth of the sequential jobs
# Per condition: the region fio works on, the tree fs-backup copies (small files, large files, MiB each), and the
# tree the ZFS pool gets
FIO_SIZE_local=${FIO_SIZE_local:-128M}
FIO_SIZE_datacenter=${FIO_SIZE_datacenter:-64M}
FIO_SIZE_home=${FIO_SIZE_home:-8M}
TREE_local=${TREE_local:-1000:2:16}  # 1000 files of 1-16 KiB, 2 files of 16 MiB
TREE_datacenter=${TREE_datacenter:-1000:1:8}
TREE_home=${TREE_home:-100:1:4}
ZTREE_local=${ZTREE_local:-2000:1:8}
ZTREE_datacenter=${ZTREE_datacenter:-700:1:4} # the user's walk: 687 files
ZTREE_home=${ZTREE_home:-700:0:0}
# randwrite-4k-once: each 4 KiB of this much of the fio region written once, in random order (size-based, not
# time-based: requests per MiB then do not depend on how fast a stack writes)
RWONCE_SIZE_local=${RWONCE_SIZE_local:-32M}
RWONCE_SIZE_datacenter=${RWONCE_SIZE_datacenter:-8M}
RWONCE_SIZE_home=${RWONCE_SIZE_home:-2M}
# zfs-walks: the stream written into the pool (one file of random bytes) before the last walk
STREAM_local=${STREAM_local:-1G}
STREAM_datacenter=${STREAM_datacenter:-1G}
STREAM_home=${STREAM_home:-1G}
# suspend: the write-heavy run (over this much of the device, wrapping around) and when the freezer test comes
SUSPEND_SIZE=${SUSPEND_SIZE:-64M}  # below the cache stack's dirty cap (half its cache): writes never wait on uploads
SUSPEND_RUNTIME=${SUSPEND_RUNTIME:-90}
SUSPEND_AFTER=${SUSPEND_AFTER:-20}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-900}  # seconds, per fs phase
STREAM_TIMEOUT=${STREAM_TIMEOUT:-3600} # seconds, per phase of the stream (1 GiB at 1 MB/s is 18 minutes)
# ublk-s3-cache: the size of each device's cache (the special vdev's holds ZFS's metadata: smaller suffices)
CACHE_SIZE=${CACHE_SIZE:-256M}
SPECIAL_CACHE_SIZE=${SPECIAL_CACHE_SIZE:-128M}
# zfs-walks' del + add and stream steps run on these stacks only: plain ublk-s3 keeps nothing across them, so its
# walks there would be its cold walk again (and the stream costs 18 minutes per stack on home)
CACHE_STEP_STACKS=${CACHE_STEP_STACKS:-ublk-s3-cache nbd}

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
# the command from the snapshot benchmarks/bin/side-by-side made of the build (tools/bin/snapshot): a build
# meanwhile cannot change it; the guest's JVM options (run-in-vm: C1 only, which TCG runs without crashing), else
# the JVM's defaults as users run them (the VM tests tune for start-up instead); a JVM that aborts leaves its crash
# report in the results
UBLKS3_SNAPSHOT=${UBLKS3_SNAPSHOT:?UBLKS3_SNAPSHOT must name a snapshot of the command (tools/bin/snapshot)}
export UBLKS3_JAVA_OPTS="${UBLKS3_JAVA_OPTS:+$UBLKS3_JAVA_OPTS }-XX:ErrorFile=$RESULTS/hs_err_%p.log"
UBLKS3=("$UBLKS3_SNAPSHOT/ublk-s3")
work=$(mktemp -d /tmp/side-by-side.XXXXXX)
MNT=$work/mnt
# the cache stack's cache directories, one per device key: on the guest's virtio disk (run-in-vm --disk), made
# afresh by the first boot and found again by the second (PHASE=reboot), else in the guest's tmpfs
CACHES=$work/cache
POOL=bench
mkdir -p "$MNT" "$CACHES" "$RESULTS/runs"
echo "side-by-side-benchmark" >"$work/passphrase" # the ZFS pools' key
CACHE_DISK=""
if [ -b /dev/vda ]; then
  CACHE_DISK=/dev/vda
  [ "${PHASE:-}" = reboot ] || mkfs.ext4 -q -F "$CACHE_DISK" || { echo "side-by-side: mkfs.ext4 $CACHE_DISK failed"; exit 1; }
  mount "$CACHE_DISK" "$CACHES" || { echo "side-by-side: cannot mount the cache disk $CACHE_DISK"; exit 1; }
fi
CLK_TCK=$(getconf CLK_TCK)

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
control() { /usr/bin/python3 "$top/tools/bin/control" "$@"; } # SOCKET|ADDR:PORT COMMAND: prints the answer lines

# ---- the S3 server of a condition: on the host, at S3_HOST ----
EP="" CTL=""
use_server() { # CONDITION: sets EP and CTL from S3_SERVERS
  local s ports
  EP="" CTL=""
  for s in $S3_SERVERS; do
    [ "${s%%=*}" = "$1" ] || continue
    ports=${s#*=}
    EP=http://$S3_HOST:${ports%%:*} CTL=$S3_HOST:${ports#*:}
  done
  [ -n "$EP" ] || { echo "side-by-side: no S3 server for condition '$1' in S3_SERVERS='$S3_SERVERS'"; return 1; }
  control "$CTL" reset >/dev/null || { echo "side-by-side: the S3 server of '$1' does not answer at $CTL"; return 1; }
}

# ---- the stacks: dev_add adds one device to DEVS (and its serving process to PIDS); devs_remove takes them all
# down, flushing first (a cache's dirty data uploaded); devs_readd serves the same devices by new servers ----
DEVS=() IDS=() PIDS=() SPECS=() NBD_NEXT=0
cached() { [ "$1" = ublk-s3-cache ]; }
dev_add() { # STACK KEY OBJECT_SIZE SIZE [CACHE_SIZE]: the cache (ublk-s3-cache) in $CACHES/KEY, kept if there
  local i dev id sock cache=()
  case $1 in
    ublk-s3|ublk-s3-cache)
      if cached "$1"; then
        mkdir -p "$CACHES/$2"
        cache=(--cache "$CACHES/$2" --cache-size "${5:-$CACHE_SIZE}" --cache-mode writeback)
      fi
      "${UBLKS3[@]}" add --endpoint-url "$EP" --bucket bench --key "$2" --size "$4" --object-size "$3" \
        ${cache[@]+"${cache[@]}"} >"$work/add.out" 2>"$work/add.err" || { cat "$work/add.err"; return 1; }
      dev=$(cat "$work/add.out"); id=${dev#/dev/ublkb}
      PIDS+=("$(sed -n 's/^pid=//p' "/run/ublk-s3/$id.properties")") ;;
    nbd)
      id=$NBD_NEXT; NBD_NEXT=$((NBD_NEXT + 1)); sock=$work/nbdkit$id.sock; dev=/dev/nbd$id
      rm -f "$sock"
      nbdkit --unix "$sock" --pidfile "$work/nbdkit$id.pid" S3 size="$4" bucket=bench key="$2" \
        object-size="$3" endpoint-url="$EP" 2>"$work/nbdkit$id.err" || { cat "$work/nbdkit$id.err"; return 1; }
      for i in $(seq 300); do [ -S "$sock" ] && [ -s "$work/nbdkit$id.pid" ] && break; sleep 0.1; done
      PIDS+=("$(cat "$work/nbdkit$id.pid")")
      nbd-client -unix "$sock" "$dev" -b 512 >"$work/nbd-client.out" 2>&1 || { cat "$work/nbd-client.out"; return 1; }
      for i in $(seq 300); do [ "$(cat "/sys/block/nbd$id/size")" -gt 0 ] && break; sleep 0.1; done ;;
  esac
  DEVS+=("$dev") IDS+=("$id") SPECS+=("$2 $3 $4 ${5:-}")
  [ -b "$dev" ]
}
devs_remove() { # STACK
  local i pid
  for i in "${!DEVS[@]}"; do
    case $1 in
      ublk-s3|ublk-s3-cache) "${UBLKS3[@]}" del -n "${IDS[$i]}" ;;
      nbd) nbd-client -d "${DEVS[$i]}" >/dev/null; pid=${PIDS[$i]}; kill "$pid"
           local k; for k in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done ;;
    esac
  done
  DEVS=() IDS=() PIDS=() SPECS=() NBD_NEXT=0
}
devs_done() { # STACK: devs_remove, and these devices' cache directories freed
  local spec keys=()
  for spec in ${SPECS[@]+"${SPECS[@]}"}; do keys+=("${spec%% *}"); done
  devs_remove "$1"
  for spec in ${keys[@]+"${keys[@]}"}; do rm -rf "${CACHES:?}/$spec"; done
}
# zfs-walks' last step, after a reboot of the guest (a second boot on the same cache disk): the devices are removed
# (a cache drains first) but their caches stay; REBOOT/COND-STACK.specs lists them for the next boot
keep_for_reboot() { # CONDITION STACK
  mkdir -p "$RESULTS/reboot" && printf '%s\n' "${SPECS[@]}" >"$RESULTS/reboot/$1-$2.specs" && devs_remove "$2"
}
devs_readd() { # STACK: the same devices (keys, sizes, caches) removed and added again
  local specs=("${SPECS[@]}") spec
  devs_remove "$1" || return 1
  for spec in "${specs[@]}"; do dev_add "$1" $spec || return 1; done
}
# Waits (at most PHASE_TIMEOUT per device) until the devices' caches have uploaded every write made so far;
# nothing to wait for without a cache. The control socket's sync is what `ublk-s3 sync -n N --timeout D` sends,
# without a JVM's start in the measured time.
settle() { # STACK
  local id
  cached "$1" || return 0
  for id in "${IDS[@]}"; do control "/run/ublk-s3/$id.sock" "sync ${PHASE_TIMEOUT}s" || return 1; done
}

# ---- costs: CPU time of the serving processes (user + system, all their threads) and bytes through the devices ----
cpu_ticks() { # PID...: the sum of utime + stime
  local p sum=0 f
  for p in "$@"; do
    f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    f=${f##*) } # after "pid (comm) "; utime and stime are fields 14 and 15 of the whole line, 12 and 13 here
    set -- $f
    sum=$((sum + ${12} + ${13}))
  done
  echo $sum
}
dev_sectors() { # DEV...: sectors read + written
  local d sum=0 s
  for d in "$@"; do
    read -r -a s <"/sys/block/${d#/dev/}/stat"
    sum=$((sum + s[2] + s[6]))
  done
  echo $sum
}

# ---- workloads ----
fio_job() { # WORKLOAD FIO_SIZE OUT_DIR
  local rw bs depth
  if [ "$1" = randwrite-4k-once ]; then
    # size-based: every 4 KiB of the first FIO_SIZE bytes written once, in random order (fio's random map), at QD1:
    # fio's latencies are then a single write's
    timeout "$PHASE_TIMEOUT" fio --name="$1" --filename="${DEVS[0]}" --direct=1 --ioengine=libaio --rw=randwrite \
      --bs=4k --iodepth=1 --size="$2" --randrepeat=1 --group_reporting --output-format=json --output="$3/fio.json"
    return
  fi
  case $1 in
    write-512k) rw=write bs=512k depth=$SEQ_DEPTH ;;
    read-512k) rw=read bs=512k depth=$SEQ_DEPTH ;;
    write-128k) rw=write bs=128k depth=$SEQ_DEPTH ;;
    read-128k) rw=read bs=128k depth=$SEQ_DEPTH ;;
    randwrite-4k-qd1) rw=randwrite bs=4k depth=1 ;;
    randwrite-4k-qd32) rw=randwrite bs=4k depth=32 ;;
    randread-4k-qd1) rw=randread bs=4k depth=1 ;;
    randread-4k-qd32) rw=randread bs=4k depth=32 ;;
    *) echo "unknown fio workload $1"; return 1 ;;
  esac
  # time-based: the job runs FIO_RUNTIME seconds over the region (wrapping around), so both stacks are measured
  # for the same time whatever their speed
  timeout $((FIO_RUNTIME + FIO_RAMP + 120)) fio --name="$1" --filename="${DEVS[0]}" --direct=1 --ioengine=libaio \
    --rw=$rw --bs=$bs --iodepth=$depth --size="$2" --time_based=1 --runtime="$FIO_RUNTIME" --ramp_time="$FIO_RAMP" \
    --randrepeat=1 --group_reporting --output-format=json --output="$3/fio.json"
}

# suspend (not in the default WORKLOADS): the kernel's freezer test of a suspend (pm_test=freezer: user tasks,
# then freezable kernel threads are frozen, and thawed after 5 s) SUSPEND_AFTER seconds into a write-heavy run:
# buffered 1 MiB writes into a file on ext4 on the device, over SUSPEND_SIZE again and again, as a backup writes
# through the page cache. A writer held in the kernel's dirty-page throttle, waiting for a writeback the stack
# cannot finish (its server frozen, or the link slow), cannot be frozen: the kernel gives up after 20 s and the
# suspend fails. The outcome (the write to /sys/power/state: 0, or the kernel's error) and the kernel's lines into
# OUT_DIR/suspend.json and suspend.txt; the workload fails only when it cannot run
suspend_test() { # OUT_DIR
  local fio rc=0 start took state
  [ -w /sys/power/pm_test ] || { echo "no /sys/power/pm_test in this kernel (CONFIG_PM_DEBUG)"; return 1; }
  state=mem
  grep -qw mem /sys/power/state || state=freeze
  mkfs.ext4 -q -F "${DEVS[0]}" && mount "${DEVS[0]}" "$MNT" || return 1
  fio --name=suspend --filename="$MNT/suspend.dat" --ioengine=psync --rw=write --bs=1M --size="$SUSPEND_SIZE" \
    --time_based=1 --runtime="$SUSPEND_RUNTIME" --output-format=json --output="$1/fio.json" &
  fio=$!
  sleep "$SUSPEND_AFTER"
  dmesg -c >/dev/null
  echo freezer >/sys/power/pm_test || return 1
  start=$(now)
  echo "$state" >/sys/power/state 2>"$1/state.err" || rc=$?
  took=$(since "$start")
  echo none >/sys/power/pm_test
  dmesg | grep -iE "freez|suspend|refus|PM:" >"$1/suspend.txt"
  wait "$fio" || echo "fio: exit $?"
  umount "$MNT"
  printf '{"state": "%s", "pm_test": "freezer", "exit": %d, "seconds": %s, "error": "%s", "after_seconds": %s}\n' \
    "$state" "$rc" "$took" "$(tr -d '"\n' <"$1/state.err")" "$SUSPEND_AFTER" >"$1/suspend.json"
  cat "$1/suspend.json" "$1/suspend.txt"
}

make_tree() { # DIR SMALL:LARGE:MIB: SMALL files of 1-16 KiB in 20 folders, LARGE files of MIB MiB
  local small large mib i
  IFS=: read -r small large mib <<<"$2"
  mkdir -p "$1"
  /usr/bin/python3 - "$1" "$small" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
for i in range(n):
    d = os.path.join(root, "dir%02d" % (i % 20), "sub%d" % (i % 3))
    os.makedirs(d, exist_ok=True)
    size = rng.randint(1024, 16384)
    with open(os.path.join(d, "file%05d.dat" % i), "wb") as f:
        f.write(rng.randbytes(size // 2) + bytes(size - size // 2))  # half random, half zeros: like real files
EOF
  for i in $(seq "$large"); do head -c "${mib}M" /dev/urandom >"$1/large$i.bin"; done
}

phase() { # NAME CMD...: times CMD (a command bounded by PHASE_TIMEOUT, or a shell function) into fs.json's phases
  local name=$1 start rc=0
  shift
  start=$(now)
  if declare -F "$1" >/dev/null; then "$@" || rc=$?; else timeout "$PHASE_TIMEOUT" "$@" || rc=$?; fi
  [ $rc -eq 0 ] || { echo "phase $name failed or timed out"; return $rc; }
  PHASES+="${PHASES:+, }\"$name\": $(since "$start")"
}
upload() { # NAME STACK: for a cache stack, the phase NAME that waits until the cache has uploaded everything
  cached "$2" || return 0
  phase "$1" settle "$2"
}
# the user's cold metadata walk, as a command (timeout cannot run a shell function): WALK... DIR
WALK=(sh -c 'find "$1" -type d -exec ls -l {} + >/dev/null' walk)

snapshot_counts() { # DIR WHEN STACK: the server's counts and ublk-s3's stats into DIR/store-WHEN.json, client-WHEN-ID.json
  local id
  mkdir -p "$1"
  control "$CTL" counts >"$1/store-$2.json"
  case $3 in ublk-s3*) for id in "${IDS[@]}"; do control "/run/ublk-s3/$id.sock" stats-json >"$1/client-$2-$id.json"; done ;; esac
}
walk_phase() { # NAME STACK OUT_DIR: the walk of $MNT/tree as phase NAME, with the counts of that phase alone
  # a cache stack first uploads what the import wrote: the walk's requests are then the walk's own
  settle "$2" || return 1
  snapshot_counts "$3/phases/$1" before "$2"
  phase "$1" "${WALK[@]}" "$MNT/tree" || return 1
  snapshot_counts "$3/phases/$1" after "$2"
}
zfs_import() { # PHASE: drops the kernel's caches (the ARC went with the export), imports the pool as phase PHASE
  echo 3 >/proc/sys/vm/drop_caches
  # the key named where this boot keeps it: after a reboot the pool's keylocation is the first boot's /tmp
  phase "$1" sh -c "zpool import -d '${DEVS[0]}' -d '${DEVS[1]}' '$POOL' &&
    zfs load-key -L 'file://$work/passphrase' '$POOL' && zfs mount -a"
}

fs_json() { # TREE OUT_DIR
  printf '{"phases": {%s}, "files": %d, "bytes": %d}\n' "$PHASES" "$(find "$1" -type f | wc -l)" \
    "$(du -sb "$1" | cut -f1)" >"$2/fs.json"
}

fs_backup() { # TREE OUT_DIR STACK: ext4 on the stack's one device
  PHASES=""
  local rc=0
  phase mkfs mkfs.ext4 -q -F "${DEVS[0]}" &&
    mount "${DEVS[0]}" "$MNT" &&
    phase copy cp -a "$1" "$MNT/tree" &&
    phase sync sync -f "$MNT" &&
    phase umount umount "$MNT" &&
    upload upload "$3" &&
    echo 3 >/proc/sys/vm/drop_caches &&
    mount "${DEVS[0]}" "$MNT" &&
    phase walk "${WALK[@]}" "$MNT/tree" &&
    umount "$MNT" || rc=1
  mountpoint -q "$MNT" && umount "$MNT"
  fs_json "$1" "$2"
  return $rc
}

zfs_backup() { # TREE OUT_DIR STACK: a pool as in docs/zfs.md on the stack's data device (DEVS[0]) and special (DEVS[1])
  PHASES=""
  local rc=0
  phase create zpool create -f -o ashift=12 -o autotrim=on -O recordsize=512k -O special_small_blocks=131072 \
      -O compression=zstd-19 -O checksum=sha256 -O encryption=on -O keyformat=passphrase \
      -O keylocation="file://$work/passphrase" -O mountpoint="$MNT" -O atime=off \
      "$POOL" "${DEVS[0]}" special "${DEVS[1]}" &&
    phase copy cp -a "$1" "$MNT/tree" &&
    phase sync zpool sync "$POOL" &&
    phase export zpool export "$POOL" &&
    upload upload "$3" &&
    zfs_import import &&
    walk_phase walk "$3" "$2" || rc=1
  zpool export "$POOL" 2>/dev/null
  fs_json "$1" "$2"
  return $rc
}

# zfs-walks, on the pool zfs left exported on the same devices: the walk again with the stack's own cache warm
# (ZFS's own, the ARC, went with the export), and once more with the ARC warm (the floor of any stack); then, on CACHE_STEP_STACKS, after del + add of the devices (the
# same cache directories), and after a stream of STREAM bytes written into the pool
zfs_walks() { # TREE OUT_DIR STACK CONDITION
  PHASES=""
  local rc=0 stream_var=STREAM_$4
  # walk-arc: the same walk at once again, every block in ZFS's ARC: no device read, the walk's CPU alone
  zfs_import import-warm && walk_phase walk-warm "$3" "$2" && walk_phase walk-arc "$3" "$2" &&
    zpool export "$POOL" || rc=1
  if [ $rc -eq 0 ] && [[ " $CACHE_STEP_STACKS " == *" $3 "* ]]; then
    phase readd devs_readd "$3" &&
      zfs_import import-readd &&
      walk_phase walk-readd "$3" "$2" &&
      PHASE_TIMEOUT=$STREAM_TIMEOUT phase stream sh -c 'head -c "$1" /dev/urandom >"$2"' stream "${!stream_var}" "$MNT/stream.bin" &&
      PHASE_TIMEOUT=$STREAM_TIMEOUT phase stream-sync zpool sync "$POOL" &&
      phase stream-export zpool export "$POOL" &&
      PHASE_TIMEOUT=$STREAM_TIMEOUT upload upload-stream "$3" && # settle's sync takes PHASE_TIMEOUT as its own
      zfs_import import-stream &&
      walk_phase walk-stream "$3" "$2" || rc=1
  fi
  zpool export "$POOL" 2>/dev/null
  fs_json "$1" "$2"
  return $rc
}

# run_one CONDITION WORKLOAD STACK: one workload on the stack's started devices; the server's counts are reset
# before and read after (a cache stack's uploads waited for first: upload_seconds in cost.json), the serving
# processes' CPU time and the devices' sectors read before and after
run_one() {
  local out=$RESULTS/runs/$1/$2/$3 size_var=FIO_SIZE_$1 start rc cpu0 cpu1 sec0 sec1 wall id up upload_json="" pids cpu moved
  [ "$2" != randwrite-4k-once ] || size_var=RWONCE_SIZE_$1
  mkdir -p "$out"
  log "$1 / $2 / $3"
  control "$CTL" reset >/dev/null || { echo "failed: cannot reset the server's counts" >"$out/status"; return; }
  cpu0=$(cpu_ticks "${PIDS[@]}") sec0=$(dev_sectors "${DEVS[@]}") pids="${PIDS[*]}"
  start=$(now)
  case $2 in
    fs-backup) fs_backup "$work/tree-$1" "$out" "$3" >"$out/log" 2>&1; rc=$? ;;
    zfs) zfs_backup "$work/ztree-$1" "$out" "$3" >"$out/log" 2>&1; rc=$? ;;
    zfs-walks) zfs_walks "$work/ztree-$1" "$out" "$3" "$1" >"$out/log" 2>&1; rc=$? ;;
    suspend) suspend_test "$out" >"$out/log" 2>&1; rc=$? ;;
    *) fio_job "$2" "${!size_var}" "$out" >"$out/log" 2>&1; rc=$? ;;
  esac
  if cached "$3"; then
    up=$(now)
    settle "$3" >>"$out/log" 2>&1 || { [ $rc -ne 0 ] || rc=1; echo "the cache's uploads did not finish" >>"$out/log"; }
    upload_json=", \"upload_seconds\": $(since "$up")"
  fi
  wall=$(since "$start")
  cpu1=$(cpu_ticks "${PIDS[@]}") sec1=$(dev_sectors "${DEVS[@]}")
  cpu=$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }') moved=$(((sec1 - sec0) * 512))
  # zfs-walks' del + add replaced the serving processes and the devices: their counts before are gone
  [ "$pids" = "${PIDS[*]}" ] || cpu=null moved=null
  printf '{"cpu_seconds": %s, "bytes": %s, "seconds": %s, "processes": %d%s}\n' "$cpu" "$moved" "$wall" \
    "${#PIDS[@]}" "$upload_json" >"$out/cost.json"
  control "$CTL" counts >"$out/store.json"
  # ublk-s3's own view (per layer and per queue hop, and its cache's counts), since the device was added
  if [[ $3 == ublk-s3* ]]; then
    for id in "${IDS[@]}"; do control "/run/ublk-s3/$id.sock" stats-json >"$out/client-stats-$id.json" 2>&1; done
    cp "$out/client-stats-${IDS[0]}.json" "$out/client-stats.json"
  fi
  if [ $rc -eq 0 ]; then echo ok >"$out/status"
  elif [ $rc -eq 124 ]; then echo "timeout after $wall s" >"$out/status"
  else echo "failed: exit $rc: $(tail -n 1 "$out/log")" >"$out/status"; fi
  log "  $(cat "$out/status") in $wall s"
}

skipped() { # CONDITION STACK WHY WORKLOAD...
  local c=$1 s=$2 why=$3 w
  shift 3
  for w in "$@"; do mkdir -p "$RESULTS/runs/$c/$w/$s"; echo "failed: $why" >"$RESULTS/runs/$c/$w/$s/status"; done
}
not_started() { # CONDITION STACK WORKLOAD...
  local c=$1 s=$2
  shift 2
  skipped "$c" "$s" "the device did not start" "$@"
}

has() { case " $WORKLOADS " in *" $1 "*) return 0 ;; esac; return 1; }
without() { # WORKLOAD: WORKLOADS without it
  local w kept=""
  for w in $WORKLOADS; do [ "$w" = "$1" ] || kept+="${kept:+ }$w"; done
  WORKLOADS=$kept
}
if has zfs && { [ ! -d /sys/module/zfs ] || ! command -v zpool >/dev/null; }; then
  log "no ZFS in this guest (benchmarks/bin/side-by-side loads it with tools/vm/zfs-modules): the zfs workloads are left out"
  without zfs
fi
if has zfs-walks && ! has zfs; then
  log "zfs-walks walks the pool zfs made: without zfs it is left out"
  without zfs-walks
fi

# the second boot: the pools zfs-walks left, on the devices added again with the caches the disk kept
walk_after_reboot() { # CONDITION STACK: the walk after import as phases import-reboot and walk-reboot of zfs-walks
  local out=$RESULTS/runs/$1/zfs-walks/$2 spec specs rc=0
  log "$1 / zfs-walks / $2: after a reboot"
  use_server "$1" || return 1
  PHASES=""
  mapfile -t specs <"$RESULTS/reboot/$1-$2.specs" # not read in the loop: what dev_add starts could read its stdin
  for spec in "${specs[@]}"; do dev_add "$2" $spec || rc=1; done
  # the pool mounts where the first boot put it (its mountpoint: that boot's /tmp): the walk goes there
  [ $rc -eq 0 ] && zfs_import import-reboot >>"$out/log" 2>&1 &&
    MNT=$(zfs get -H -o value mountpoint "$POOL") && walk_phase walk-reboot "$2" "$out" >>"$out/log" 2>&1 || rc=1
  zpool export "$POOL" 2>/dev/null
  devs_done "$2"
  # the phases join those of the first boot in fs.json
  /usr/bin/python3 - "$out/fs.json" "{$PHASES}" <<'EOF' || rc=1
import json, sys
with open(sys.argv[1]) as f:
    fs = json.load(f)
fs["phases"].update(json.loads(sys.argv[2]))
with open(sys.argv[1], "w") as f:
    f.write(json.dumps(fs) + "\n")
EOF
  log "  $([ $rc -eq 0 ] && echo ok || echo failed) after a reboot"
  return $rc
}
if [ "${PHASE:-}" = reboot ]; then
  for f in "$RESULTS"/reboot/*.specs; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .specs)
    walk_after_reboot "${name%%-*}" "${name#*-}"
  done
  umount "$CACHES"
  log "done (after a reboot)"
  exit 0
fi

for cond in $CONDITIONS; do
  use_server "$cond" || exit 1
  log "condition $cond: S3 server $EP"
  tree_var=TREE_$cond ztree_var=ZTREE_$cond size_var=FIO_SIZE_$cond
  has fs-backup && make_tree "$work/tree-$cond" "${!tree_var}"
  has zfs && make_tree "$work/ztree-$cond" "${!ztree_var}"
  fio_list=""
  for w in $WORKLOADS; do case $w in fs-backup|zfs|zfs-walks) ;; *) fio_list+=" $w" ;; esac; done
  for stack in $STACKS; do
    # the fio workloads share one device (reads read what the writes wrote); fs-backup and zfs get fresh ones
    if [ -n "$fio_list" ]; then
      if dev_add "$stack" "$stack-$cond-fio" "$OBJECT_SIZE" "$DEV_SIZE"; then
        # not measured: fills the region (the read jobs read real objects) and warms both stacks' code paths
        log "$cond / $stack: filling the ${!size_var} region (warm-up, not measured)"
        timeout 1800 fio --name=fill --filename="${DEVS[0]}" --direct=1 --ioengine=libaio --rw=write --bs=1M --iodepth=8 \
          --size="${!size_var}" --output="$work/fill.out" || log "  the fill failed: $(tail -n 2 "$work/fill.out")"
        settle "$stack" >/dev/null || log "  the cache's uploads of the fill did not finish"
        for w in $fio_list; do run_one "$cond" "$w" "$stack"; done
      else
        not_started "$cond" "$stack" $fio_list
      fi
      devs_done "$stack"
    fi
    if has fs-backup; then
      if dev_add "$stack" "$stack-$cond-fs" "$OBJECT_SIZE" "$DEV_SIZE"; then run_one "$cond" fs-backup "$stack"
      else not_started "$cond" "$stack" fs-backup; fi
      devs_done "$stack"
    fi
    if has zfs; then
      if dev_add "$stack" "$stack-$cond-zfs-data" "$OBJECT_SIZE" "$DEV_SIZE" "$CACHE_SIZE" &&
        dev_add "$stack" "$stack-$cond-zfs-special" "$SPECIAL_OBJECT_SIZE" "$SPECIAL_SIZE" "$SPECIAL_CACHE_SIZE"; then
        run_one "$cond" zfs "$stack"
        if ! has zfs-walks; then :
        elif [ "$(cat "$RESULTS/runs/$cond/zfs/$stack/status")" = ok ]; then run_one "$cond" zfs-walks "$stack"
        else skipped "$cond" "$stack" "the zfs workload before it did not finish" zfs-walks; fi
      else not_started "$cond" "$stack" zfs $(has zfs-walks && echo zfs-walks); fi
      if [ -n "$CACHE_DISK" ] && [[ " $CACHE_STEP_STACKS " == *" $stack "* ]] &&
        [ "$(cat "$RESULTS/runs/$cond/zfs-walks/$stack/status" 2>/dev/null)" = ok ]; then
        keep_for_reboot "$cond" "$stack"
      else
        devs_done "$stack"
      fi
    fi
  done
  # the ceiling for sequential writes: raw CRT PUTs of as many objects as write-512k covers, same server
  if [ -n "${BENCH_CP:-}" ]; then
    out=$RESULTS/runs/$cond/raw-put/crt
    mkdir -p "$out"
    os_bytes=$(numfmt --from=iec "$OBJECT_SIZE")
    objects=$(( $(numfmt --from=iec "${!size_var}") / os_bytes ))
    log "$cond / raw CRT PUTs: $objects objects of $os_bytes bytes, 64 in flight"
    control "$CTL" reset >/dev/null
    # the command's launcher, with the snapshot's server cache: the CRT client's classes are the server's
    . "$UBLKS3_SNAPSHOT/launch.sh"
    ublks3_jvm "$UBLKS3_SNAPSHOT" dev.ublks3.bench.RawPutThroughput server "$BENCH_CP"
    "${UBLKS3_JVM[@]}" "$EP" local local-secret bench "raw-$cond" "$os_bytes" "$objects" 64 "$out/raw.json" >"$out/log" 2>&1 &&
      echo ok >"$out/status" || echo "failed: $(tail -n 1 "$out/log")" >"$out/status"
    control "$CTL" counts >"$out/store.json"
  fi
done
echo "guest kernel: $(uname -r)" >>"$RESULTS/machine.txt"
case " $STACKS " in *" ublk-s3-cache "*)
  echo "ublk-s3-cache: add --cache on ${CACHE_DISK:+the guest's virtio disk (ext4; the walk after a reboot is a second boot on it)}${CACHE_DISK:-the guest's /tmp (a tmpfs)}, writeback, $CACHE_SIZE per device ($SPECIAL_CACHE_SIZE for the ZFS special vdev's); zfs-walks' del + add and stream on: $CACHE_STEP_STACKS; stream $STREAM_local (local) / $STREAM_datacenter (datacenter) / $STREAM_home (home); randwrite-4k-once over $RWONCE_SIZE_local (local) / $RWONCE_SIZE_datacenter (datacenter) / $RWONCE_SIZE_home (home)" >>"$RESULTS/machine.txt" ;;
esac
echo "guest memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(nproc) CPUs (qemu TCG)" >>"$RESULTS/machine.txt"
mountpoint -q "$CACHES" && umount "$CACHES"
rm -rf "$work"
log "done"
