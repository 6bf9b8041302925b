#!/usr/bin/env bash
# Paired A/B of two Sluice builds: both run at once on the proxy's CPU, each with its own database
# and key, against one fake upstream; two wrk (one per build) run at the same moment for each slice,
# so whatever slows the machine slows both in the same slice. Prints, per slice and in all, the CPU
# per request of each (all threads, and the event-loop thread alone) and its throughput.
#
#   bench/pair.sh <checkout-A> <checkout-B>     e.g. a worktree of the old commit, and this checkout
#
# Each checkout is run through its own ./sluice (built when its sources are newer than its jar), started
# once under 5 s of load and stopped first, so that a new jar's AOT cache is trained before the
# measured start.
# The fake and wrk come from this checkout. Environment: ROUNDS (10), SLICE seconds (5), WARM seconds
# of CPU per build (60: on a freshly trained AOT cache C2 keeps compiling for about a minute; both warm
# at once, for twice that), CONNS per wrk (16). Which build's wrk starts first alternates by slice.
# Needs 2 CPUs or more: the builds on the last, the rest on the others.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -eq 2 ] || { echo "usage: bench/pair.sh <checkout-A> <checkout-B>" >&2; exit 2; }
dir_a="$(cd "$1" && pwd)"; dir_b="$(cd "$2" && pwd)"
rounds=${ROUNDS:-10}; slice=${SLICE:-5}; warm=${WARM:-60}; conns=${CONNS:-16}
cd "$here"
source bench/lib.sh
ncpu=$(nproc)
(( ncpu >= 2 )) || { echo "bench/pair.sh: needs 2 CPUs or more" >&2; exit 1; }
on_proxy=(taskset -c "$(( ncpu - 1 ))"); on_load=(taskset -c "0-$(( ncpu - 2 ))")
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
./mvnw -q -B -DskipTests package >&2
work="$(mktemp -d /tmp/sluice-pair.XXXXXX)"
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2
cp="$here/target/test-classes:$here/target/classes:$(cat "$work/cp.txt")"
pids=()
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

hz=$(getconf CLK_TCK)
# CPU time in ms (user + system) of every thread of $1, or of its event-loop threads with "loop"
cpu_ms() {
  local t=0 f
  if [ "${2:-}" = loop ]; then
    for f in /proc/"$1"/task/*; do
      if grep -q "vert.x-eventloo" "$f/comm" 2>/dev/null; then
        t=$(( t + $(sed 's/^.*) //' "$f/stat" | awk '{print $12 + $13}') ))
      fi
    done
  else
    t=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}')
  fi
  echo $(( t * 1000 / hz ))
}

"${on_load[@]}" "$java" -Xmx1g -cp "$cp" dev.sluice.bench.FakeUpstreamMain "$work/fake.port" > "$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -s "$work/fake.port" ] && break; sleep 0.1; done
fake="http://127.0.0.1:$(cat "$work/fake.port")"
body='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello to the benchmark."}]}'

declare -A dir pid url
dir[A]="$dir_a"; dir[B]="$dir_b"
for v in A B; do
  mkdir -p "$work/$v"
  bench_config "$work/$v/sluice.yaml" "$work/$v" "$fake"
  key="$(cd "${dir[$v]}" && SLUICE_JAVA_OPTS= ./sluice keys create --config "$work/$v/sluice.yaml" --name bench \
    --plan bench | sed -n 2p)"
  bench_lua "$work/$v/req.lua" "$body" "$key"
  # two starts: the first of a new jar trains its AOT cache (written as it stops), the second is measured
  for start in train measure; do
    (cd "${dir[$v]}" && exec "${on_proxy[@]}" ./sluice serve --config "$work/$v/sluice.yaml" > "$work/$v/sluice.log" 2>&1) &
    pid[$v]=$!
    pids+=(${pid[$v]})
    port=""
    for _ in $(seq 1 1200); do
      port="$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$work/$v/sluice.log" | head -1)"
      [ -n "$port" ] && break
      sleep 0.05
    done
    [ -n "$port" ] || { cat "$work/$v/sluice.log" >&2; exit 1; }
    url[$v]="http://127.0.0.1:$port/v1/chat/completions"
    if [ $start = train ]; then
      # 5 s of load, so that the method profiles the cache keeps are the hot path's (a cache trained
      # by one request leaves C2 recompiling for minutes in the measured start)
      "${on_load[@]}" wrk -t1 -c16 -d5s -s "$work/$v/req.lua" "${url[$v]}" > /dev/null
      kill "${pid[$v]}"; wait "${pid[$v]}" 2>/dev/null || true
    fi
  done
  echo "pair: $v = ${dir[$v]} ($(git -C "${dir[$v]}" log --oneline -1 2>/dev/null | cut -c1-60))" >&2
done

# both warmed at once, as they are measured (neither sits idle while the other warms), for twice
# WARM: each gets the CPU of WARM seconds alone
wp=()
for v in A B; do
  "${on_load[@]}" wrk -t1 -c"$conns" -d"$(( 2 * warm ))s" -s "$work/$v/req.lua" "${url[$v]}" > /dev/null &
  wp+=($!)
done
wait "${wp[@]}"

declare -A all loop req
for v in A B; do all[$v]=0; loop[$v]=0; req[$v]=0; done
for r in $(seq 1 "$rounds"); do
  declare -A a0 l0
  for v in A B; do a0[$v]=$(cpu_ms "${pid[$v]}"); l0[$v]=$(cpu_ms "${pid[$v]}" loop); done
  wp=()
  # the build whose wrk starts first alternates by slice: an A/A run put the second 3 µs (5 %) below
  # the first when A always went first
  if (( r % 2 )); then order=(A B); else order=(B A); fi
  for v in "${order[@]}"; do
    "${on_load[@]}" wrk -t1 -c"$conns" -d"${slice}s" -s "$work/$v/req.lua" "${url[$v]}" > "$work/$v/wrk.txt" &
    wp+=($!)
  done
  wait "${wp[@]}"
  line="slice $r:"
  for v in A B; do
    n=$(awk '/requests in/ {print $1}' "$work/$v/wrk.txt")
    da=$(( $(cpu_ms "${pid[$v]}") - a0[$v] )); dl=$(( $(cpu_ms "${pid[$v]}" loop) - l0[$v] ))
    all[$v]=$(( all[$v] + da )); loop[$v]=$(( loop[$v] + dl )); req[$v]=$(( req[$v] + n ))
    line="$line  $v $(( da * 1000 / n )) µs (loop $(( dl * 1000 / n ))), $(( n / slice )) req/s"
  done
  echo "$line"
done
for v in A B; do
  echo "$v: $(( all[$v] * 1000 / req[$v] )) µs per request, event loop $(( loop[$v] * 1000 / req[$v] )) µs," \
    "$(( req[$v] / (rounds * slice) )) req/s"
done
