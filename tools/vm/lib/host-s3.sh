# Sourced by the host scripts whose S3 servers run outside the guest, on the host (tools/vm/power-cut,
# benchmarks/bin/side-by-side): a network namespace of the run's own holding a tap device for qemu
# (run-in-vm --netns NS --tap tap0), and the wait for a server (ublk-s3 local-s3) started in it.

# netns_with_tap NS HOST_ADDR/PREFIX: NS with lo up and tap0 at HOST_ADDR/PREFIX; fails when it cannot (root and
# /dev/net/tun needed)
netns_with_tap() {
  ip netns add "$1" && ip -n "$1" link set lo up && ip -n "$1" tuntap add dev tap0 mode tap &&
    ip -n "$1" addr add "$2" dev tap0 && ip -n "$1" link set tap0 up
}

# s3_server_up OUT PID: waits up to 60 s until the server PID has printed its URL into OUT; fails at once when
# PID ends first
s3_server_up() {
  local i
  for i in $(seq 600); do
    grep -q '^http://' "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^http://' "$1" 2>/dev/null
}
