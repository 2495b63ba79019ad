#!/bin/bash
# The guest half of benchmarks/bin/side-by-side: runs as root inside the VM (tools/vm/run-in-vm), one boot.
# For each condition (local: plain loopback; cloud: 20 ms per request and 1 MB/s per direction, emulated by the
# S3 server itself, so both stacks see the same link), one S3 server (ublk-s3 local-s3, objects in its memory,
# request counting on), and for each stack in turn (ublk-s3, then nbdkit's S3 plugin + nbd-client), the
# same workloads at the same object size. Raw results go to $RESULTS/runs/<condition>/<workload>/<stack>/:
# status, fio.json or fs.json, store.json (the server's counts for that run alone).
#
# Environment (set by benchmarks/bin/side-by-side): RESULTS, BENCH_CP (the benchmarks module's class path),
# CONDITIONS, WORKLOADS, STACKS, OBJECT_SIZE, and the sizes below.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tools/bin/find-jdk.sh"

RESULTS=${RESULTS:?RESULTS must name the results folder}
CONDITIONS=${CONDITIONS:-local cloud}
STACKS=${STACKS:-ublk-s3 nbd}
FIO_WORKLOADS="write-512k read-512k write-128k read-128k randwrite-4k-qd1 randwrite-4k-qd32 randread-4k-qd1 randread-4k-qd32"
WORKLOADS=${WORKLOADS:-$FIO_WORKLOADS fs-backup}
OBJECT_SIZE=${OBJECT_SIZE:-64K}      # nbdkit 1.32 takes at most 64K
DEV_SIZE=${DEV_SIZE:-2G}
FIO_RUNTIME=${FIO_RUNTIME:-15}       # seconds per fio job, after FIO_RAMP seconds not measured
FIO_RAMP=${FIO_RAMP:-2}
SEQ_DEPTH=${SEQ_DEPTH:-16}           # iodepth of the sequential jobs
# Per condition: the region fio works on, and the tree the fs workload copies (small files, large files)
FIO_SIZE_local=${FIO_SIZE_local:-128M}
FIO_SIZE_cloud=${FIO_SIZE_cloud:-8M}
TREE_local=${TREE_local:-1000:2:16}  # 1000 files of 1-16 KiB, 2 files of 16 MiB
TREE_cloud=${TREE_cloud:-100:1:4}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-900}  # seconds, per fs phase

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local-secret AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
# the command from the snapshot benchmarks/bin/side-by-side made of the build (tools/bin/snapshot): a build
# meanwhile cannot change it; the JVM's defaults, as users run it (the VM tests tune for start-up instead), and a
# JVM that aborts leaves its crash report in the results (two runs lost a JVM to SIGABRT in the guest)
UBLKS3_SNAPSHOT=${UBLKS3_SNAPSHOT:?UBLKS3_SNAPSHOT must name a snapshot of the command (tools/bin/snapshot)}
export UBLKS3_JAVA_OPTS="-XX:ErrorFile=$RESULTS/hs_err_%p.log"
UBLKS3=("$UBLKS3_SNAPSHOT/ublk-s3") # it execs the JVM: $! of a command in the background is the JVM
work=$(mktemp -d /tmp/side-by-side.XXXXXX)
PORT=19100
EP=http://127.0.0.1:$PORT
CTL=$work/s3.sock
MNT=$work/mnt
mkdir -p "$MNT" "$RESULTS/runs"

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# ---- the S3 server: ublk-s3 local-s3 with request counting behind a control socket ----
s3_pid=""
s3_start() { # LATENCY BANDWIDTH (empty: none)
  local args=(--memory --port "$PORT" --bucket bench --control "$CTL") i
  [ -n "$1" ] && args+=(--latency "$1")
  [ -n "$2" ] && args+=(--bandwidth "$2")
  # its stderr and any JVM crash report go to the results (the guest's /tmp is gone after the run)
  s3_err=$RESULTS/s3-server-$(date +%H%M%S).err
  UBLKS3_JAVA_OPTS="$UBLKS3_JAVA_OPTS -Xmx4g" "${UBLKS3[@]}" local-s3 "${args[@]}" >"$work/s3.out" 2>"$s3_err" &
  s3_pid=$!
  for i in $(seq 1200); do
    grep -q "^http://" "$work/s3.out" 2>/dev/null && [ -S "$CTL" ] && return 0
    kill -0 "$s3_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "side-by-side: the S3 server did not start:"; cat "$s3_err"; return 1
}
s3_stop() { [ -n "$s3_pid" ] && kill "$s3_pid" && wait "$s3_pid"; s3_pid=""; }
s3_control() { control "$CTL" "$1"; }
control() { /usr/bin/python3 "$top/tools/bin/control" "$@"; } # SOCKET COMMAND: prints the answer lines

# ---- the two stacks: start gives DEV; stop flushes and detaches ----
DEV="" UBLK_ID="" NBD_SOCK=$work/nbdkit.sock
stack_start() { # STACK KEY
  local i
  case $1 in
    ublk-s3)
      "${UBLKS3[@]}" add --endpoint-url "$EP" --bucket bench --key "$2" --size "$DEV_SIZE" --object-size "$OBJECT_SIZE" \
        >"$work/add.out" 2>"$work/add.err" || { cat "$work/add.err"; return 1; }
      DEV=$(cat "$work/add.out"); UBLK_ID=${DEV#/dev/ublkb} ;;
    nbd)
      rm -f "$NBD_SOCK"
      nbdkit --unix "$NBD_SOCK" --pidfile "$work/nbdkit.pid" S3 size="$DEV_SIZE" bucket=bench key="$2" \
        object-size="$OBJECT_SIZE" endpoint-url="$EP" 2>"$work/nbdkit.err" || { cat "$work/nbdkit.err"; return 1; }
      for i in $(seq 300); do [ -S "$NBD_SOCK" ] && break; sleep 0.1; done
      nbd-client -unix "$NBD_SOCK" /dev/nbd0 -b 512 >"$work/nbd-client.out" 2>&1 || { cat "$work/nbd-client.out"; return 1; }
      DEV=/dev/nbd0
      for i in $(seq 300); do [ "$(cat /sys/block/nbd0/size)" -gt 0 ] && break; sleep 0.1; done ;;
  esac
  [ -b "$DEV" ]
}
stack_stop() { # STACK
  case $1 in
    ublk-s3) "${UBLKS3[@]}" del -n "$UBLK_ID" ;;
    nbd) nbd-client -d /dev/nbd0 >/dev/null; kill "$(cat "$work/nbdkit.pid")"
         local i; for i in $(seq 300); do [ -e "$work/nbdkit.pid" ] && kill -0 "$(cat "$work/nbdkit.pid")" 2>/dev/null || break; sleep 0.1; done ;;
  esac
  DEV=""
}

# ---- workloads ----
fio_job() { # WORKLOAD FIO_SIZE OUT_DIR
  local rw bs depth
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
  timeout $((FIO_RUNTIME + FIO_RAMP + 120)) fio --name="$1" --filename="$DEV" --direct=1 --ioengine=libaio \
    --rw=$rw --bs=$bs --iodepth=$depth --size="$2" --time_based=1 --runtime="$FIO_RUNTIME" --ramp_time="$FIO_RAMP" \
    --randrepeat=1 --group_reporting --output-format=json --output="$3/fio.json"
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

phase() { # NAME CMD...: times CMD (bounded by PHASE_TIMEOUT) into the phases of fs.json
  local name=$1 start
  shift
  start=$(now)
  timeout "$PHASE_TIMEOUT" "$@" || { echo "phase $name failed or timed out"; return 1; }
  PHASES+="${PHASES:+, }\"$name\": $(since "$start")"
}

fs_backup() { # TREE OUT_DIR
  PHASES=""
  local rc=0
  phase mkfs mkfs.ext4 -q -F "$DEV" &&
    mount "$DEV" "$MNT" &&
    phase copy cp -a "$1" "$MNT/tree" &&
    phase sync sync -f "$MNT" &&
    phase umount umount "$MNT" &&
    echo 3 >/proc/sys/vm/drop_caches &&
    mount "$DEV" "$MNT" &&
    phase walk sh -c "find '$MNT/tree' -exec ls -l {} + >/dev/null" &&
    umount "$MNT" || rc=1
  mountpoint -q "$MNT" && umount "$MNT"
  printf '{"phases": {%s}, "files": %d, "bytes": %d}\n' "$PHASES" "$(find "$1" -type f | wc -l)" \
    "$(du -sb "$1" | cut -f1)" >"$2/fs.json"
  return $rc
}

# run_one CONDITION WORKLOAD STACK: one workload on a started stack, counts reset before and read after
run_one() {
  local out=$RESULTS/runs/$1/$2/$3 size_var=FIO_SIZE_$1 tree=$work/tree-$1 start rc
  mkdir -p "$out"
  log "$1 / $2 / $3"
  s3_control reset >/dev/null || { echo "failed: cannot reset the server's counts" >"$out/status"; return; }
  start=$(now)
  if [ "$2" = fs-backup ]; then fs_backup "$tree" "$out" >"$out/log" 2>&1; rc=$?
  else fio_job "$2" "${!size_var}" "$out" >"$out/log" 2>&1; rc=$?; fi
  s3_control counts >"$out/store.json"
  # the device's own view (requests as the kernel sent them, store calls, latencies): since the device was added
  [ "$3" = ublk-s3 ] && control "/run/ublk-s3/$UBLK_ID.sock" stats >"$out/client-stats.txt" 2>&1
  if [ $rc -eq 0 ]; then echo ok >"$out/status"
  elif [ $rc -eq 124 ]; then echo "timeout after $(since "$start") s" >"$out/status"
  else echo "failed: exit $rc: $(tail -n 1 "$out/log")" >"$out/status"; fi
  log "  $(cat "$out/status") in $(since "$start") s"
}

for cond in $CONDITIONS; do
  case $cond in
    local) s3_start "" "" || exit 1 ;;
    cloud) s3_start 20ms 1000000 || exit 1 ;;
    *) echo "side-by-side: unknown condition '$cond' (local, cloud)"; exit 1 ;;
  esac
  log "condition $cond: S3 server $(head -n 1 "$work/s3.out")"
  tree_var=TREE_$cond
  case " $WORKLOADS " in *" fs-backup "*) make_tree "$work/tree-$cond" "${!tree_var}" ;; esac
  size_var=FIO_SIZE_$cond
  for stack in $STACKS; do
    # the fio workloads share one device (reads read what the writes wrote); the fs workload gets a fresh one
    fio_list=""
    for w in $WORKLOADS; do [ "$w" != fs-backup ] && fio_list+=" $w"; done
    if [ -n "$fio_list" ]; then
      if stack_start "$stack" "$stack-$cond-fio"; then
        # not measured: fills the region (the read jobs read real objects) and warms both stacks' code paths
        log "$cond / $stack: filling the ${!size_var} region (warm-up, not measured)"
        timeout 1800 fio --name=fill --filename="$DEV" --direct=1 --ioengine=libaio --rw=write --bs=1M --iodepth=8 \
          --size="${!size_var}" --output="$work/fill.out" || log "  the fill failed: $(tail -n 2 "$work/fill.out")"
        for w in $fio_list; do run_one "$cond" "$w" "$stack"; done
        stack_stop "$stack"
      else
        for w in $fio_list; do mkdir -p "$RESULTS/runs/$cond/$w/$stack"; echo "failed: the device did not start" >"$RESULTS/runs/$cond/$w/$stack/status"; done
      fi
    fi
    case " $WORKLOADS " in *" fs-backup "*)
      if stack_start "$stack" "$stack-$cond-fs"; then
        run_one "$cond" fs-backup "$stack"
        stack_stop "$stack"
      else
        mkdir -p "$RESULTS/runs/$cond/fs-backup/$stack"; echo "failed: the device did not start" >"$RESULTS/runs/$cond/fs-backup/$stack/status"
      fi ;;
    esac
  done
  # the ceiling for sequential writes: raw CRT PUTs of as many objects as write-512k covers, same server
  if [ -n "${BENCH_CP:-}" ]; then
    out=$RESULTS/runs/$cond/raw-put/crt
    mkdir -p "$out"
    os_bytes=$(numfmt --from=iec "$OBJECT_SIZE")
    objects=$(( $(numfmt --from=iec "${!size_var}") / os_bytes ))
    log "$cond / raw CRT PUTs: $objects objects of $os_bytes bytes, 64 in flight"
    s3_control reset >/dev/null
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$BENCH_CP" dev.ublks3.bench.RawPutThroughput \
      "$EP" local local-secret bench "raw-$cond" "$os_bytes" "$objects" 64 "$out/raw.json" >"$out/log" 2>&1 &&
      echo ok >"$out/status" || echo "failed: $(tail -n 1 "$out/log")" >"$out/status"
    s3_control counts >"$out/store.json"
  fi
  s3_stop
done
echo "guest kernel: $(uname -r)" >>"$RESULTS/machine.txt"
echo "guest memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(nproc) CPUs (qemu TCG)" >>"$RESULTS/machine.txt"
rm -rf "$work"
log "done"
