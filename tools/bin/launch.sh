# Sourced by the ublk-s3 launchers (tools/bin/ublk-s3, and the one in a snapshot made by tools/bin/snapshot) and by
# tools/bin/aot-cache: how the command's JVM starts from a folder that holds tools.jar and lib/ (the build's
# tools/target, or a snapshot). Needs JAVA_HOME (find-jdk.sh).
#
# The folder's AOT cache (ublk-s3.aot, made by tools/bin/aot-cache) is used only while ublk-s3.aot.stamp still
# describes this JDK and these jars: the JVM's own check misses a jar rebuilt at the same size, and would print its
# complaints on stdout, where the device path goes. A stale or missing cache costs start-up time, never a command.

UBLKS3_MAIN=dev.ublks3.tools.UblkS3
UBLKS3_AOT=ublk-s3.aot

# ublks3_aot_stamp DIR: what DIR's AOT cache was made from: the JDK, and every jar's name, size and time
ublks3_aot_stamp() {
  echo "java $JAVA_HOME" $(stat -L -c '%s %Y' "$JAVA_HOME/lib/modules" "$JAVA_HOME/lib/server/libjvm.so")
  (cd "$1" && stat -L -c '%n %s %Y' tools.jar lib/*.jar)
}

# ublks3_jvm DIR [MAIN]: sets the array UBLKS3_JVM to the command line of java running the command (or another main
# class of its jars: the VM tests' RAM disk) from DIR; its arguments follow. UBLKS3_JAVA_OPTS adds JVM options.
ublks3_jvm() {
  local dir=$1 main=${2:-$UBLKS3_MAIN} stamp=""
  UBLKS3_JVM=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
  [ ! -f "$dir/$UBLKS3_AOT.stamp" ] || stamp=$(<"$dir/$UBLKS3_AOT.stamp")
  if [ -n "$stamp" ] && [ -f "$dir/$UBLKS3_AOT" ] && [ "$(ublks3_aot_stamp "$dir" 2>/dev/null)" = "$stamp" ]; then
    UBLKS3_JVM+=("-XX:AOTCache=$dir/$UBLKS3_AOT" "-Xlog:aot*=off,cds*=off")
  fi
  # shellcheck disable=SC2206 # options are words
  UBLKS3_JVM+=(${UBLKS3_JAVA_OPTS:-} -cp "$dir/tools.jar:$dir/lib/*" "$main")
}
