# Sourced by the ublk-s3 launcher (tools/bin/ublk-s3, in the project and in every snapshot tools/bin/snapshot makes)
# and by tools/bin/aot-cache: how the command's JVM starts from a folder that holds tools.jar and lib/ (the build's
# tools/target, or a snapshot). Needs JAVA_HOME (find-jdk.sh).
#
# The folder's AOT caches (aot/, made by tools/bin/aot-cache) keep the classes loaded and linked: server.aot for the
# processes that serve (add and recover --foreground, local-s3: the store, the CRT client, the embedded S3 server),
# client.aot, a third of its size, for every other command, which a large cache would slow down (the JVM links
# every class of the cache at start). A cache is used only while aot/stamp still describes this JDK and these jars:
# the JVM's own check misses a jar rebuilt at the same size, and would print its complaints on stdout, where the
# device path goes. A stale or missing cache costs start-up time, never a command.

UBLKS3_MAIN=dev.ublks3.tools.UblkS3

# Every check here is a bash builtin: under emulation each process a launcher starts costs a tenth of a second.

# ublks3_aot_stamp DIR: sets UBLKS3_AOT_STAMP to what DIR's AOT caches are made from: this JDK (its folder and
# exact version), how (no-aot-code: tools/bin/aot-cache leaves the CPU's machine code out) and the names of DIR's jars
ublks3_aot_stamp() {
  local line version="" jars
  if [ -f "$JAVA_HOME/release" ]; then
    while IFS= read -r line; do
      case $line in JAVA_RUNTIME_VERSION=*) version=${line#*=} ;; esac
    done <"$JAVA_HOME/release"
  fi
  jars=("$1"/tools.jar "$1"/lib/*.jar)
  UBLKS3_AOT_STAMP="java $JAVA_HOME $version no-aot-code ${jars[*]#"$1"/}"
}

# ublks3_aot_fresh DIR CACHE: CACHE still fits DIR: the stamp matches, and the cache is newer than every jar and than
# the JDK's class library and JVM (a jar rebuilt at the same size, which the JVM's own check lets through, is newer)
ublks3_aot_fresh() {
  local dir=$1 cache=$2 stamp="" f
  [ -f "$cache" ] && [ -f "$dir/aot/stamp" ] || return 1
  IFS= read -r stamp <"$dir/aot/stamp" || true
  ublks3_aot_stamp "$dir"
  [ "$stamp" = "$UBLKS3_AOT_STAMP" ] || return 1
  for f in "$dir"/tools.jar "$dir"/lib/*.jar "$JAVA_HOME/lib/modules" "$JAVA_HOME/lib/server/libjvm.so"; do
    [ "$cache" -nt "$f" ] || return 1
  done
}

# ublks3_kind ARGS...: sets UBLKS3_KIND to "server" for the ublk-s3 commands that serve (a device, or local-s3),
# else "client"
ublks3_kind() {
  local a
  UBLKS3_KIND=client
  [ "${1:-}" != local-s3 ] || UBLKS3_KIND=server
  for a in "$@"; do [ "$a" != --foreground ] || UBLKS3_KIND=server; done
}

# ublks3_jvm DIR MAIN KIND [MORE_CP]: sets the array UBLKS3_JVM to the command line of java running the class MAIN
# (the command, the VM tests' RAM disk, a benchmark in MORE_CP) from DIR, with KIND's AOT cache; the arguments
# follow. MORE_CP comes after DIR's jars on the class path, where the JVM still maps the cache. UBLKS3_JAVA_OPTS
# adds JVM options.
ublks3_jvm() {
  local dir=$1 main=$2 kind=$3 more=${4:+:$4}
  UBLKS3_JVM=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
  if ublks3_aot_fresh "$dir" "$dir/aot/$kind.aot"; then
    UBLKS3_JVM+=("-XX:AOTCache=$dir/aot/$kind.aot" "-Xlog:aot*=off,cds*=off")
    # the CRT's native library, taken out of its jar with the caches: a server need not extract it into /tmp
    [ "$kind" != server ] || [ ! -f "$dir/aot/native/libaws-crt-jni.so" ] || UBLKS3_JVM+=("-Djava.library.path=$dir/aot/native")
  fi
  # shellcheck disable=SC2206 # options are words
  UBLKS3_JVM+=(${UBLKS3_JAVA_OPTS:-} -cp "$dir/tools.jar:$dir/lib/*$more" "$main")
}

# ublks3_exec LAUNCHER DIR ARGS...: runs the command from DIR in this process; the processes it starts (a server,
# a supervisor) go through LAUNCHER again, which picks their cache
ublks3_exec() {
  local launcher=$1 dir=$2
  shift 2
  export UBLKS3_LAUNCHER=$launcher
  ublks3_kind "$@"
  ublks3_jvm "$dir" "$UBLKS3_MAIN" "$UBLKS3_KIND"
  # a command is over before a JIT compiler pays for itself (under emulation it takes a CPU from the servers):
  # interpreted. The servers and the supervisor live on, and compile.
  if [ "$UBLKS3_KIND" = client ] && [ "${1:-}" != supervise ]; then
    UBLKS3_JVM=("${UBLKS3_JVM[0]}" -Xint "${UBLKS3_JVM[@]:1}")
  fi
  exec "${UBLKS3_JVM[@]}" "$@"
}
