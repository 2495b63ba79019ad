# Runs as root chrooted into the host's root inside the test VM (bash, called by the initramfs's /init):
# loads the modules, then runs the caller's command (/run/ublks3/cmd.sh, written by run-in-vm).
# /run/ublks3/conf sets MODULES: module names (from the kernel's tree) or paths to .ko[.xz] files.
. /run/ublks3/conf
export PATH=/run/ublks3/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

load_file() { # $1: path of a .ko or .ko.xz file; its dependencies come from its own folder, else the kernel's tree
  local f=$1 dep d
  for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
    [ -d "/sys/module/${dep//-/_}" ] && continue
    d=$(ls "$(dirname "$f")/$dep".ko* 2>/dev/null | head -n 1)
    if [ -n "$d" ]; then load_file "$d" || return 1; else modprobe "$dep" || return 1; fi
  done
  [ -d "/sys/module/$(basename "${f%%.ko*}" | tr - _)" ] || insmod "$f"
}

for m in $MODULES; do
  case $m in
    */*) load_file "$m" ;;
    *) modprobe "$m" ;;
  esac || { echo "ublk-s3 vm error: cannot load module $m" >&2; exit 125; }
done
if [ -n "${GUEST_ADDR:-}" ]; then # run-in-vm --guest-addr: eth0 on the tap of the caller's network namespace
  { modprobe virtio_net && ip addr add "$GUEST_ADDR" dev eth0 && ip link set eth0 up; } ||
    { echo "ublk-s3 vm error: cannot bring eth0 up with $GUEST_ADDR" >&2; exit 125; }
fi
# One line about the guest, with bash builtins only (every program start costs in the emulated guest).
read -r up _ </proc/uptime
read -r _ _ release _ </proc/version
cpus=0 mem=0 mods=()
while read -r k v _; do [ "$k" = MemTotal: ] && mem=$((v / 1024)); done </proc/meminfo
while read -r k _; do [ "$k" = processor ] && cpus=$((cpus + 1)); done </proc/cpuinfo
while read -r k _; do mods+=("$k"); done </proc/modules
echo "ublk-s3 vm: $release up after $up s, $cpus CPUs, $mem MiB; modules: ${mods[*]}"
echo "UBLKS3_VM_RUNNING"
/bin/bash /run/ublks3/cmd.sh </dev/null
