# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK >= 22 (FFM API).
# JAVA_HOME wins when it is 22+; otherwise the newest JDK under /usr/lib/jvm.
# Fails with one line naming what to install when there is none.

ublks3_java_feature() { # prints the feature version (17, 22, 25, ...) of the JDK in $1, or nothing
  local v=""
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # the JDK's release file says it without starting a JVM (a second or more per JDK under emulation)
  [ ! -f "$1/release" ] || v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release")
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1)
  echo "$v"
}

ublks3_find_jdk() {
  local v best="" best_v=0 dir
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(ublks3_java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 22 ]; then export JAVA_HOME; return 0; fi
  fi
  for dir in /usr/lib/jvm/*; do
    [ -L "$dir" ] && continue
    v=$(ublks3_java_feature "$dir")
    if [ -n "$v" ] && [ "$v" -ge 22 ] && [ "$v" -gt "$best_v" ]; then best="$dir"; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "ublk-s3: no JDK 22 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm has none): install one, e.g. 'apt-get install openjdk-25-jdk' or Temurin 25, and set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

ublks3_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
