#!/bin/bash
# The headline use (issue 7): a ZFS pool on two ublk-s3 devices of one bucket, a data vdev on 128 KiB objects and
# a special vdev on 4 KiB objects, with the options of a cloud backup pool (zstd-19, sha256, encryption, autotrim).
# The devices come from config files (NAME.conf) through the systemd unit's own commands (unit-start, and unit-stop,
# which exports the pool on the device before it removes it). Writes a tree (many small files, a few large ones),
# snapshots, stops both devices (pool exported, every write flushed to the bucket), starts both again, imports:
# every file's sha256 identical and a scrub clean. Then deletes files
# and shows autotrim deleting objects from the bucket. Each device's stats (request sizes and alignment, store
# calls) are checked: no request straddles an object, and on the data device at most 15% of the writes cost a
# read-modify-write (partial writes patch the copy the object map kept of the object it wrote last).
# Needs ZFS's modules in the guest: tools/bin/test-zfs builds them (tools/vm/zfs-modules) and runs this test.
# UBLKS3_ZFS_OUT: a host folder to keep both devices' stats and the bucket's counts in (docs/zfs.md's numbers).
. "$(dirname "$0")/test_common.sh"
_prep_test ublk
[ -d /sys/module/zfs ] || _skip "no zfs module loaded: run tools/bin/test-zfs (builds OpenZFS for the VM's kernel once)"
command -v zpool >/dev/null || _skip "no zpool command: run tools/vm/zfs-modules on the host (installs zfsutils-linux)"

_prep_ublks3
S3=$TEST_DIR/s3
OUT=${UBLKS3_ZFS_OUT:-$TEST_DIR/out}
MNT=$TEST_DIR/mnt
mkdir -p "$S3" "$OUT" "$MNT"
POOL=ublks3test
printf 'correct horse battery staple\n' >"$TEST_DIR/passphrase"

ETC=$TEST_DIR/etc # the test's /etc/ublk-s3
mkdir -p "$ETC"
conf() { # NAME KEY OBJECT_SIZE SIZE: NAME.conf, as a user would write it
  printf '# ZFS %s vdev\nbucket backups\nkey %s\nobject-size %s\nsize %s\nqueues 2\nlocal %s\n' "$1" "$2" "$3" "$4" "$S3" \
    >"$ETC/$1.conf" && chmod 600 "$ETC/$1.conf"
}
conf special zfs/special 4K 1G
conf data zfs/data 128K 4G
start() { # NAME VAR: the unit's ExecStart; VAR gets the device's path
  local dev
  dev=$("$UBLKS3" unit-start --name "$1" --config-dir "$ETC") && [ -b "$dev" ] && printf -v "$2" %s "$dev"
}
add_both() { start special SPECIAL && start data DATA && echo "special $SPECIAL, data $DATA"; }

create_pool() {
  zpool create -f -o ashift=12 -o autotrim=on -O recordsize=512k -O special_small_blocks=131072 \
    -O compression=zstd-19 -O checksum=sha256 -O encryption=on -O keyformat=passphrase \
    -O keylocation="file://$TEST_DIR/passphrase" -O mountpoint="$MNT" -O atime=off \
    "$POOL" "$DATA" special "$SPECIAL" && zpool status "$POOL"
}

FILES=${UBLKS3_ZFS_FILES:-2000} # tools/bin/test-zfs passes it on, and sets the test's time limit from it
write_tree() { # FILES small files of 1-16 KiB in 20 folders, 3 large ones (8 MiB random, 8 MiB text, 2 MiB)
  _small_files "$MNT/small" "$FILES" 16384 20 && head -c 8M /dev/urandom >"$MNT/random.bin" && head -c 2M /dev/urandom >"$MNT/small-large.bin" &&
    seq 1 1500000 | head -c 8M >"$MNT/text.txt" &&
    (cd "$MNT" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$TEST_DIR/sums" &&
    zfs snapshot "$POOL@backup" && zpool sync "$POOL" && zfs list -o name,used,compressratio -r "$POOL" &&
    zpool list -v "$POOL"
}

stats() { # NAME FILE: the device's stats into $OUT/FILE.stats (text) and FILE.json
  "$UBLKS3" stats --name "$1" >"$OUT/$2.stats" && "$UBLKS3" stats --name "$1" --json >"$OUT/$2.json"
}
no_straddling() { # FILE: no read or write crossed an object boundary
  awk '/^(read|write):/ { op = $1 } /^(trim|zero|flush):/ { op = "" }
       op != "" && /straddling object boundaries/ { n++; if ($0 !~ /straddling object boundaries 0,/) bad++ }
       END { print FILENAME ": " n " read/write sections, " bad + 0 " straddling"; exit !(n == 2 && bad == 0) }' "$1"
}
no_rmw() { # FILE MAX: at most MAX read-modify-write cycles (GET + PUT). The data vdev's partial writes are ZFS's
  # labels (an uberblock every txg) and the ends of runs of compressed records: the object map patches its copies
  # of the objects it wrote lately, and writes objects it knows are absent as zeros around the data, so none GETs
  # (62% of the writes cost a GET before the copies, 3-7% before it knew which objects are absent)
  awk -v max="$2" '/^write:/ { w = $2 } /^read-modify-write cycles:/ { found = 1; print; n = $3 + 0 }
       END { printf "%d read-modify-writes for %d writes (at most %d)\n", n, w, max; exit !(found && w > 0 && n <= max) }' "$1"
}
check_stats() {
  stats special special && stats data data && cat "$OUT/data.stats" &&
    no_straddling "$OUT/special.stats" && no_straddling "$OUT/data.stats" &&
    no_rmw "$OUT/special.stats" 0 && no_rmw "$OUT/data.stats" 0
}

stop_both() { # the unit's ExecStop: the first exports the pool (it has a vdev on each device), then each del
  "$UBLKS3" unit-stop --name data && ! zpool list "$POOL" 2>/dev/null && "$UBLKS3" unit-stop --name special &&
    [ ! -e "$DATA" ] && [ ! -e "$SPECIAL" ]
}
objects() { find "$S3/backups/$1" -type f | wc -l; }
counts() { echo "objects: data $(objects zfs/data), special $(objects zfs/special)"; }

import_and_verify() {
  zpool import -d "$DATA" -d "$SPECIAL" "$POOL" && zfs load-key "$POOL" && zfs mount -a &&
    (cd "$MNT" && sha256sum --quiet -c "$TEST_DIR/sums") && echo "$(wc -l <"$TEST_DIR/sums") files verified" &&
    zfs list -t snapshot "$POOL@backup"
}
scrub_clean() {
  zpool scrub -w "$POOL" && zpool status -v "$POOL" | tee "$TEST_DIR/status" &&
    grep -q "errors: No known data errors" "$TEST_DIR/status" && grep -Eq "scan: scrub repaired 0B" "$TEST_DIR/status"
}

autotrim_deletes_objects() { # frees the large files (and the snapshot holding them): objects must go
  local before after i
  before=$(objects zfs/data)
  zfs destroy "$POOL@backup" && rm "$MNT/random.bin" "$MNT/text.txt" "$MNT/small-large.bin" || return 1
  for i in $(seq 60); do
    zpool sync "$POOL"
    after=$(objects zfs/data)
    [ "$after" -lt $((before - 40)) ] && break
    sleep 2
  done
  echo "data objects: $before before, $after after freeing ~18 MiB (autotrim)"
  [ "$after" -lt $((before - 40)) ]
}

_check "add two devices on one bucket: 4K (special) and 128K (data) objects" add_both
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
_check "zpool create: zstd-19, sha256, encryption, autotrim, special vdev" create_pool
_check "write $FILES small and 3 large files, snapshot" write_tree
_check "stats: nothing straddles, no read-modify-write on the data device" check_stats
_check "unit-stop both: pool exported, every write flushed" stop_both
echo "  $(counts)"
_check "unit-start both again" add_both
_check "import, load key: every sha256 identical, snapshot there" import_and_verify
_check "zpool scrub: clean" scrub_clean
_check "autotrim deletes the freed objects from the bucket" autotrim_deletes_objects
after_trim_stats() { # a new server holds no copy of ZFS's labels, which import rewrites: one GET for each of the
  # 8 label objects (4 labels of 256 KiB, two 128 KiB objects each), nothing else
  stats special special-2 && stats data data-2 && no_straddling "$OUT/special-2.stats" &&
    no_straddling "$OUT/data-2.stats" && no_rmw "$OUT/special-2.stats" 0 && no_rmw "$OUT/data-2.stats" 8
}
_check "stats after import, scrub and trim: nothing straddles, read-modify-write only for the labels" after_trim_stats
echo "  $(counts)"
_check "unit-stop both" stop_both
_check "no device or run file left" bash -c '! ls /dev/ublkb* /run/ublk-s3/*.sock /run/ublk-s3/*.properties 2>/dev/null'
zpool export "$POOL" 2>/dev/null
_show_result "$TID" "$ERR_CODE"
