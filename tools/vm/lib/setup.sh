# Runs as root chrooted into the host's root inside the test VM (bash, called by the initramfs's /init):
# loads the modules, then runs the caller's command (/run/ublks3/cmd.sh, written by run-in-vm).
# /run/ublks3/conf sets MODULES: module names (from the kernel's tree) or paths to .ko[.xz] files.
. /run/ublks3/conf
export PATH=/run/ublks3/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# `modprobe` and `modinfo` in the guest: the host's kmod on the guest kernel's module tree.
mkdir -p /run/ublks3/bin
printf '#!/bin/sh\nexec /sbin/modprobe -d /run/ublks3/kroot "$@"\n' >/run/ublks3/bin/modprobe
printf '#!/bin/sh\nexec /sbin/modinfo -b /run/ublks3/kroot "$@"\n' >/run/ublks3/bin/modinfo
chmod +x /run/ublks3/bin/modprobe /run/ublks3/bin/modinfo

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
echo "ublk-s3 vm: $(uname -r) up after $(cut -d' ' -f1 /proc/uptime) s, $(nproc) CPUs, $(($(sed -n 's/MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) / 1024)) MiB; modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
echo "UBLKS3_VM_RUNNING"
/bin/bash /run/ublks3/cmd.sh </dev/null
