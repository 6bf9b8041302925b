#!/usr/bin/env bash
# JMH micro-benchmarks of the hot functions (src/test/java/dev/sluice/bench/*Benchmark.java).
#   bench/jmh.sh                      all of them: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement
#   bench/jmh.sh SseParser -f 1 ...   any JMH arguments (a regex of benchmarks, options)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source .ci/java-home.sh
./mvnw -q -B -DskipTests test-compile >&2
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-cp.txt >&2
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=('dev.sluice.bench.*Benchmark' -f 1 -wi 3 -w 1 -i 5 -r 1); fi
exec "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" org.openjdk.jmh.Main "${args[@]}"
