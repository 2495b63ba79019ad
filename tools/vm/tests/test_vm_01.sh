#!/bin/bash
# The VM itself: the kernel's ublk and nbd drivers, the project's JDK, a file system on a loop device,
# on-demand module loading and the loopback network all work in the guest.
. "$(dirname "$0")/test_common.sh"
_prep_test

find_jdk() { # the project's JDK: tools/bin/find-jdk.sh finds JAVA_HOME, else the newest 22+ under /usr/lib/jvm
  ( . "$UBLKS3_TOP/tools/bin/find-jdk.sh" && echo "$JAVA_HOME" >"$TEST_DIR/java_home" )
}

java_version() { # that JDK starts: java -version
  "$(cat "$TEST_DIR/java_home")/bin/java" -version >"$TEST_DIR/java_version" 2>&1 &&
    grep -q 'version "2[2-9]' "$TEST_DIR/java_version"
}

ext4_on_loop() { # mkfs.ext4 on a loop device over a file on the guest's tmpfs, mount, write, read back
  local img=$TEST_DIR/ext4.img dev
  truncate -s 64M "$img" &&
    dev=$(losetup --find --show "$img") &&
    mkfs.ext4 -q -F "$dev" &&
    mkdir "$TEST_DIR/mnt" && mount -t ext4 "$dev" "$TEST_DIR/mnt" &&
    head -c 8M /dev/urandom >"$TEST_DIR/data" &&
    cp "$TEST_DIR/data" "$TEST_DIR/mnt/data" && sync &&
    umount "$TEST_DIR/mnt" && mount -t ext4 -o ro "$dev" "$TEST_DIR/mnt" &&
    cmp "$TEST_DIR/data" "$TEST_DIR/mnt/data" &&
    umount "$TEST_DIR/mnt" && losetup -d "$dev"
}

on_demand_module() { # the kernel loads a module it needs by itself (request_module -> the initramfs's modprobe)
  [ ! -d /sys/module/btrfs ] || return 0
  mount -t btrfs /dev/null "$TEST_DIR" 2>/dev/null # fails, after loading fs-btrfs
  [ -d /sys/module/btrfs ]
}

loopback() { # a server on 127.0.0.1 answers (python's http.server; bash's /dev/tcp as the client)
  local port=18080 i reply
  echo "hello from 127.0.0.1" >"$TEST_DIR/hello.txt"
  python3 -m http.server --bind 127.0.0.1 --directory "$TEST_DIR" "$port" >/dev/null 2>&1 &
  local pid=$!
  for i in $(seq 100); do
    exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null && break
    sleep 0.1
  done
  printf 'GET /hello.txt HTTP/1.0\r\n\r\n' >&3 && reply=$(cat <&3)
  exec 3<&-
  kill "$pid"
  [[ $reply == *"hello from 127.0.0.1"* ]]
}

unix_socket_on_tmp() { # Unix sockets work on the guest's tmpfs (not on the 9p-shared tree)
  python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$TEST_DIR/sock" &&
    [ -S "$TEST_DIR/sock" ]
}

_check "/dev/ublk-control is there (ublk_drv)" test -c /dev/ublk-control
_check "/dev/nbd0 is there (nbd)" test -b /dev/nbd0
_check "tools/bin/find-jdk.sh finds a JDK 22+" find_jdk
_check "the JDK runs (java -version)" java_version
echo "       $(head -n 1 "$TEST_DIR/java_version" 2>/dev/null) in $(cat "$TEST_DIR/java_home" 2>/dev/null)"
_check "mkfs.ext4 + mount on a loop device" ext4_on_loop
_check "on-demand module loading (btrfs)" on_demand_module
_check "127.0.0.1 reachable (http.server round trip)" loopback
_check "Unix socket on /tmp" unix_socket_on_tmp
_show_result "$TID" "$ERR_CODE"
