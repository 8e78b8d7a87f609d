# Shared by the launchers: finds JDK 25, builds the jar when it is missing or older than the sources, and runs a
# main class of it with the flags Crucible needs. Extra JVM options (e.g. -Xmx64g) go in CRUCIBLE_JAVA_OPTS.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/lib/jdk.sh"

# The JVM flags every launcher passes (the pom's jvm.flags, plus the collector): the Vector API, FFM downcalls.
CRUCIBLE_JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC"

# Builds the jar and target/lib when they are missing or older than the sources.
build_crucible() {
  local jar="$root/target/crucible.jar"
  if [[ ! -f "$jar" || -n "$(find "$root/pom.xml" "$root/src/main" "$root/kernels" "$root/native" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
    echo "crucible: building (first run or sources changed)..." >&2
    (cd "$root" && mvn -q -B -ntp -DskipTests package) >&2
  fi
}

run_crucible_class() {
  local main_class="$1"
  shift
  local java_bin
  java_bin="$(find_jdk25)/bin/java"
  build_crucible
  # shellcheck disable=SC2086 # the flags are words
  exec "$java_bin" $CRUCIBLE_JVM_FLAGS ${CRUCIBLE_JAVA_OPTS:-} \
    -cp "$root/target/crucible.jar:$root/target/lib/*" "$main_class" "$@"
}
