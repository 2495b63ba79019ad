# Sourced: apt_need PKG... installs the Debian packages that are missing (as root), running
# 'apt-get update' at most once per shell. Fails with one line naming the packages. Waits up to 20 minutes for
# another apt or dpkg run to finish (two of our scripts at once; a DKMS build runs inside its apt-get).
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "ublk-s3: missing Debian packages ${missing[*]}: run 'sudo apt-get install ${missing[*]}'" >&2
    return 1
  fi
  if [ -z "${UBLKS3_APT_UPDATED:-}" ]; then
    apt-get -o DPkg::Lock::Timeout=1200 update -qq >/dev/null || { echo "ublk-s3: 'apt-get update' failed: check the apt sources" >&2; return 1; }
    export UBLKS3_APT_UPDATED=1
  fi
  echo "ublk-s3: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=1200 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "ublk-s3: 'apt-get install ${missing[*]}' failed" >&2; return 1; }
}
