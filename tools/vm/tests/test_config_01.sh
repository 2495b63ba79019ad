#!/bin/bash
# Devices at boot (issue 7, item 3): a config file NAME.conf and the commands of the systemd unit template
# tools/systemd/ublk-s3@.service, run as the unit runs them (its ExecStartPre, ExecStart and ExecStop lines, with
# this build's ublk-s3 for /usr/local/bin/ublk-s3 and --config-dir for /etc/ublk-s3; the guest has no systemd).
# Start, twice at once (as two racing starts would): one device, the other refused in one line; the device is live,
# named in list, its server's pid in NAME.pid (PIDFile=); a second start and an add of the same name are refused. The server killed (-9): the stop (systemd runs ExecStop after the main process died)
# leaves the device, the next start (the unit's restart) takes it over, the data intact. Stop: the ZFS pools on the
# device are exported (a fake zpool that lists one pool on it and one elsewhere), then every write is flushed and
# the device removed: nothing left, the objects in the bucket. add --name of the same file reads the data
# back (with --restart in the long variant), stats/del --name find it. add --name of a missing file, or of a file the user cannot read: one line, nothing left.
# It runs beside another test: "one device", "nothing left" are of this test's name and devices (run records with
# name=NAME, the char devices it made), not of the machine.
. "$(dirname "$0")/test_common.sh"
_prep_test ublk

_prep_ublks3
UNIT=$UBLKS3_TOP/tools/systemd/ublk-s3@.service
NAME=backup.db-1
ETC=$TEST_DIR/etc
S3=$TEST_DIR/s3
mkdir -p "$ETC" "$S3" "$TEST_DIR/bin"
cat >"$ETC/$NAME.conf" <<EOF
# the device of the unit ublk-s3@$NAME
bucket cfg
key vm/named
size 64M
object-size 64K
queues 1
--depth 32
local $S3
retry-time=20s
EOF
chmod 600 "$ETC/$NAME.conf"

unit_command() { # KEY: the unit's KEY= command for NAME with this build's launcher (a leading '-' dropped)
  sed -n "s/^$1=-\{0,1\}//p" "$UNIT" | sed "s|/usr/local/bin/ublk-s3|$UBLKS3|; s|%i|$NAME|g"
}
START_PRE=$(unit_command ExecStartPre)
START="$(unit_command ExecStart) --config-dir $ETC"
STOP=$(unit_command ExecStop)
echo "  ExecStartPre: $START_PRE"
echo "  ExecStart:    $START"
echo "  ExecStop:     $STOP"
PIDFILE=$(sed -n "s/^PIDFile=//p" "$UNIT" | sed "s|%i|$NAME|g")

# the fake zpool: lists pool 'tank' on the device (as ZFS partitions a whole disk) and 'other' elsewhere; logs calls
cat >"$TEST_DIR/bin/zpool" <<EOF
#!/bin/sh
echo "\$*" >>"$TEST_DIR/zpool.calls"
case \$1 in
  list) printf 'other\t1G\t-\n\t/dev/sda1\t1G\t-\ntank\t64M\t-\n\t/dev/ublkb%s\t64M\t-\n' "\$(cat "$TEST_DIR/devnum")p1" ;;
esac
EOF
chmod 755 "$TEST_DIR/bin/zpool"

DEV=""
start() { # the unit's start: prints /dev/ublkbN last, returns once it is live; sets DEV and N
  $START_PRE || echo "ExecStartPre failed (the unit ignores it: '-')"
  # shellcheck disable=SC2086 # the unit's words
  $START >"$TEST_DIR/start.out" 2>"$TEST_DIR/start.err" || { cat "$TEST_DIR/start.out" "$TEST_DIR/start.err"; return 1; }
  cat "$TEST_DIR/start.out"
  took_device "$TEST_DIR/start.out"
}

took_device() { # OUT: a start's output ends with the live device's path; sets DEV and N
  DEV=$(tail -n 1 "$1") && [ -b "$DEV" ] && N=${DEV#/dev/ublkb} && echo "$N" >"$TEST_DIR/devnum" && made
}

made() { # the char device this test made (_none_left), and its server's pid
  echo "$N $(stat -c %z "/dev/ublkc$N")" >>"$TEST_DIR/ids" && server_pid >>"$TEST_DIR/pids"
}

named_records() { grep -lxF "name=$NAME" /run/ublk-s3/*.properties 2>/dev/null; } # the run records of NAME

start_race() { # the unit's start twice at once: both pass the first checks; under the add lock the second sees
  # the first's record. One device (DEV, N), the other start refused in one line.
  local a b ra=0 rb=0
  $START_PRE || echo "ExecStartPre failed (the unit ignores it: '-')"
  # shellcheck disable=SC2086 # the unit's words
  $START >"$TEST_DIR/a.out" 2>"$TEST_DIR/a.err" & a=$!
  # shellcheck disable=SC2086
  $START >"$TEST_DIR/b.out" 2>"$TEST_DIR/b.err" & b=$!
  wait "$a" || ra=$?
  wait "$b" || rb=$?
  echo "exit codes $ra $rb"
  cat "$TEST_DIR/a.out" "$TEST_DIR/b.out" "$TEST_DIR/a.err" "$TEST_DIR/b.err"
  [ $(( (ra == 0) + (rb == 0) )) -eq 1 ] && [ "$(named_records | wc -l)" -eq 1 ] &&
    [ "$(cat "$TEST_DIR/a.err" "$TEST_DIR/b.err" | wc -l)" -eq 1 ] &&
    grep -qE "a device named $NAME already exists|is already served as|device $NAME is already" "$TEST_DIR/a.err" "$TEST_DIR/b.err" || return 1
  if [ "$ra" -eq 0 ]; then took_device "$TEST_DIR/a.out"; else took_device "$TEST_DIR/b.out"; fi
}


server_pid() { sed -n 's/^pid=//p' "/run/ublk-s3/$N.properties"; }

pid_file_is_the_server() {
  echo "PID file $PIDFILE: $(cat "$PIDFILE"); record: $(server_pid)"
  [ "$(cat "$PIDFILE")" = "$(server_pid)" ] && kill -0 "$(cat "$PIDFILE")"
}

listed() { "$UBLKS3" list | tee /dev/stderr | grep -E "^$DEV +$NAME +64M +64K +20s +LIVE .*s3://cfg/vm/named "; }

write_data() {
  head -c 4M /dev/urandom >"$TEST_DIR/data" && dd if="$TEST_DIR/data" of="$DEV" bs=1M seek=8 oflag=direct status=none
}

data_intact() { cmp "$TEST_DIR/data" <(dd if="$DEV" bs=1M skip=8 count=4 iflag=direct status=none); }

refused() { # EXPECTED CMD...: fails with one line containing EXPECTED, nothing on stdout
  local expected=$1
  shift
  ! "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/err" || { echo "exit 0: $*"; return 1; }
  cat "$TEST_DIR/err"
  grep -qF -- "$expected" "$TEST_DIR/err" && [ "$(wc -l <"$TEST_DIR/err")" -eq 1 ] && [ ! -s "$TEST_DIR/out" ]
}

second_start_refused() {
  # shellcheck disable=SC2086
  refused "device $NAME is already $DEV, served by pid $(server_pid) outside this unit: remove it with" $START &&
    refused "a device named $NAME already exists: $DEV, served by pid $(server_pid): use it, or remove it first" \
      "$UBLKS3" add --name "$NAME" --config-dir "$ETC" &&
    [ "$(named_records)" = "/run/ublk-s3/$N.properties" ]
}

crash_then_restart() { # kill -9; ExecStop leaves the device; ExecStart takes it over
  local old i
  old=$(server_pid)
  kill -9 "$old" || return 1
  for i in $(seq 100); do _dead "$old" && break; sleep 0.1; done
  $STOP | tee "$TEST_DIR/stop.out" && grep -q "died: the device is left for recovery" "$TEST_DIR/stop.out" && [ -b "$DEV" ] || return 1
  local before=$DEV
  start && server_pid >>"$TEST_DIR/pids" && grep -q "the server of $DEV died: taking the device over (recover)" "$TEST_DIR/start.out" &&
    [ "$DEV" = "$before" ] && [ "$(server_pid)" != "$old" ] && pid_file_is_the_server && data_intact
}

stop_exports_then_deletes() {
  PATH="$TEST_DIR/bin:$PATH" $STOP | tee "$TEST_DIR/stop.out" || return 1
  cat "$TEST_DIR/zpool.calls"
  [ "$(cat "$TEST_DIR/zpool.calls")" = "$(printf 'list -H -v -P -L\nexport tank')" ] &&
    [ "$(head -n 1 "$TEST_DIR/stop.out")" = "$DEV: exporting ZFS pool tank" ] &&
    grep -q "every acknowledged write is in the store" "$TEST_DIR/stop.out"
}

servers() { local p; for p in $(sort -u "$TEST_DIR/pids"); do _dead "$p" || echo "$p"; done; } # ours still alive

nothing_left() { # a server's JVM may still be ending a moment after its del returned
  for _ in $(seq 300); do [ -n "$(servers)" ] || break; sleep 0.1; done
  _none_left && ! named_records && ! ls "$PIDFILE" 2>/dev/null && [ -z "$(servers)" ]
}

objects_in_the_bucket() { # 4 MiB at 8 MiB: objects 128..191 of 64 KiB
  local n
  n=$(find "$S3/cfg" -type f | grep -c named)
  echo "$n objects"
  [ "$n" -ge 64 ]
}

add_by_name_reads_it_back() { # in the foreground (the unit's start covers the client that starts a server); the
  # long variant adds --restart from the command line: the supervisor's server reads the file too
  if [ -n "${UBLKS3_VM_LONG:-}" ]; then
    DEV=$("$UBLKS3" add --name "$NAME" --config-dir "$ETC" --restart) && pgrep -f "UblkS3 supervise --name $NAME" >>"$TEST_DIR/pids"
  else
    _add_fg "$TEST_DIR/byname.out" --name "$NAME" --config-dir "$ETC"
  fi && [ -b "$DEV" ] && N=${DEV#/dev/ublkb} && made && data_intact &&
    "$UBLKS3" stats --name "$NAME" >"$TEST_DIR/stats" && head -n 4 "$TEST_DIR/stats" && [ -s "$TEST_DIR/stats" ]
}

missing_name() { # refused before any device: no record or server of the name
  refused "no config file $ETC/nope.conf for --name nope: create it" "$UBLKS3" add --name nope --config-dir "$ETC" &&
    refused "no config file $ETC/nope.conf for --name nope: create it" "$UBLKS3" unit-start --name nope --config-dir "$ETC" &&
    ! grep -lxF "name=nope" /run/ublk-s3/*.properties 2>/dev/null && ! pgrep -f "UblkS3 .*--name nope( |$)"
}

unreadable_as_nobody() { # root's mode-600 file, read by another user: one line, nothing made
  chmod 711 "$TEST_DIR" && chmod 755 "$ETC" &&
    refused "cannot read $ETC/$NAME.conf (permission denied): run as root" \
      setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$UBLKS3" add --name "$NAME" --config-dir "$ETC"
}

_check "unit start twice at once: one device, the other refused" start_race
[ "$ERR_CODE" -eq 0 ] || _show_result "$TID" "$ERR_CODE"
_check "the PID file names the server" pid_file_is_the_server
_check "list shows the name, geometry and retry time" listed
_check "write 4 MiB" write_data
_check "a second start, and add --name, are refused" second_start_refused
_check "kill -9: stop leaves it, start recovers it" crash_then_restart
_check "unit stop: zpool export tank, then del" stop_exports_then_deletes
_check "no device, run file, PID file or server left" nothing_left
_check "the objects are in the bucket" objects_in_the_bucket
_check "add --name: the data back, stats --name" add_by_name_reads_it_back
_check "del --name" "$UBLKS3" del --name "$NAME"
_check "nothing left" nothing_left
_check "add/unit-start --name of a missing file" missing_name
_check "add --name as a user who cannot read the file" unreadable_as_nobody
_show_result "$TID" "$ERR_CODE"
