# Shared by the scripts: prints the home of a JDK 25 or newer, or fails with a message saying how to get one.
find_jdk25() {
  local candidates=("${JAVA_HOME:-}" /usr/lib/jvm/*)
  local home version
  for home in "${candidates[@]}"; do
    [[ -n "$home" && -x "$home/bin/java" ]] || continue
    version="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [[ "${version%%.*}" =~ ^[0-9]+$ ]] && (( ${version%%.*} >= 25 )); then
      echo "$home"
      return 0
    fi
  done
  echo "crucible: no JDK 25 found (looked at JAVA_HOME and /usr/lib/jvm); install one, e.g. Temurin 25" >&2
  return 1
}
