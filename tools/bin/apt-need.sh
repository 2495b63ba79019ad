# Sourced: apt_need PKG... installs the Debian packages that are missing (as root), running
# 'apt-get update' at most once per shell. Fails with one line naming the packages.
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
    apt-get update -qq >/dev/null || { echo "ublk-s3: 'apt-get update' failed: check the apt sources" >&2; return 1; }
    export UBLKS3_APT_UPDATED=1
  fi
  echo "ublk-s3: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "ublk-s3: 'apt-get install ${missing[*]}' failed" >&2; return 1; }
}
