# Sourced: exports JAVA_HOME pointing at a JDK >= 21 (the current one if it qualifies, else the newest under /usr/lib/jvm).
# The major version from the JDK's release file (no JVM started: this runs on every ./sluice), else from java itself.
java_major() {
  local v=""
  [ -f "$1/release" ] && v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -1)"
  [ -n "$v" ] || v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)"
  echo "$v"
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  JAVA_HOME=""
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$d/bin/javac" ] && [ "$(java_major "$d")" -ge 21 ] 2>/dev/null; then JAVA_HOME="$d"; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then echo "no JDK >= 21 found (looked in \$JAVA_HOME and /usr/lib/jvm)" >&2; exit 1; fi
fi
export JAVA_HOME
