# Sourced by the ublk-s3 launchers (tools/bin/ublk-s3, and the one in a snapshot made by tools/bin/snapshot) and by
# tools/bin/aot-cache: how the command's JVM starts from a folder that holds tools.jar and lib/ (the build's
# tools/target, or a snapshot). Needs JAVA_HOME (find-jdk.sh).
#
# The folder's AOT caches (aot/, made by tools/bin/aot-cache) keep the classes loaded and linked: server.aot for the
# processes that serve (add and recover --foreground, local-s3: the store, the CRT client, the embedded S3 server),
# client.aot, a third of its size, for every other command, which a large cache would slow down (the JVM links
# every class of the cache at start). A cache is used only while aot/stamp still describes this JDK and these jars:
# the JVM's own check misses a jar rebuilt at the same size, and would print its complaints on stdout, where the
# device path goes. A stale or missing cache costs start-up time, never a command.

UBLKS3_MAIN=dev.ublks3.tools.UblkS3

# ublks3_aot_stamp DIR: what DIR's AOT caches were made from: the JDK, and every jar's name, size and time
ublks3_aot_stamp() {
  echo "java $JAVA_HOME" $(stat -L -c '%s %Y' "$JAVA_HOME/lib/modules" "$JAVA_HOME/lib/server/libjvm.so")
  (cd "$1" && stat -L -c '%n %s %Y' tools.jar lib/*.jar)
}

# ublks3_kind ARGS...: "server" for the ublk-s3 commands that serve (a device, or local-s3), else "client"
ublks3_kind() {
  local a
  [ "${1:-}" != local-s3 ] || { echo server; return; }
  for a in "$@"; do [ "$a" != --foreground ] || { echo server; return; }; done
  echo client
}

# ublks3_jvm DIR MAIN KIND: sets the array UBLKS3_JVM to the command line of java running the class MAIN (the
# command, or the VM tests' RAM disk) from DIR, with KIND's AOT cache; the arguments follow. UBLKS3_JAVA_OPTS adds
# JVM options.
ublks3_jvm() {
  local dir=$1 main=$2 kind=$3 stamp=""
  UBLKS3_JVM=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
  [ ! -f "$dir/aot/stamp" ] || stamp=$(<"$dir/aot/stamp")
  if [ -n "$stamp" ] && [ -f "$dir/aot/$kind.aot" ] && [ "$(ublks3_aot_stamp "$dir" 2>/dev/null)" = "$stamp" ]; then
    UBLKS3_JVM+=("-XX:AOTCache=$dir/aot/$kind.aot" "-Xlog:aot*=off,cds*=off")
  fi
  # shellcheck disable=SC2206 # options are words
  UBLKS3_JVM+=(${UBLKS3_JAVA_OPTS:-} -cp "$dir/tools.jar:$dir/lib/*" "$main")
}

# ublks3_exec LAUNCHER DIR ARGS...: runs the command from DIR in this process; the processes it starts (a server,
# a supervisor) go through LAUNCHER again, which picks their cache
ublks3_exec() {
  local launcher=$1 dir=$2
  shift 2
  export UBLKS3_LAUNCHER=$launcher
  ublks3_jvm "$dir" "$UBLKS3_MAIN" "$(ublks3_kind "$@")"
  exec "${UBLKS3_JVM[@]}" "$@"
}
