#!/usr/bin/env bash
# Where Sluice's CPU goes at saturation: the fake upstream and wrk on the first CPUs, Sluice alone on
# the last (as bench/run.sh pins them), 45 s of warm-up, then a measured interval with
#   - CPU per request of every Sluice thread (user + system from /proc/<pid>/task/*/stat), and
#   - with --jfr, a JFR recording (CPU samples every millisecond, allocation samples) and its top
#     frames on the event loop (dev.sluice.bench.JfrTop; whole stacks, not jfr print's first 64).
#
#   bench/profile.sh [--jfr] [seconds]      default 20 s; writes to bench/results/profile/
#
# Environment: SLUICE_JAVA_OPTS (extra JVM options), WARM seconds (45), CONNS (32), EXTRA_YAML (text
# appended to Sluice's config, e.g. "usage:\n  batch_size: 500\n" to try a setting). Run it on a
# quiet machine: every other process's CPU lands on the same two cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source bench/lib.sh
jfr=0
if [ "${1:-}" = "--jfr" ]; then jfr=1; shift; fi
secs=${1:-20}; warm=${WARM:-45}; conns=${CONNS:-32}
bench_pin
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
bench_dirs profile

bench_build
if (( jfr )); then
  # deep stacks: an event loop's are deeper than JFR's default of 64 frames
  export SLUICE_JAVA_OPTS="${SLUICE_JAVA_OPTS:-} -XX:FlightRecorderOptions:stackdepth=512"
  sed '/<event name="jdk.ExecutionSample">/,/<\/event>/ s|<setting name="period"[^>]*>[^<]*</setting>|<setting name="period">1 ms</setting>|' \
    "$JAVA_HOME/lib/jfr/profile.jfc" > "$work/cpu.jfc"
fi

bench_fake
bench_config "$work/sluice.yaml" "$work" "$fake"
printf "%b" "${EXTRA_YAML:-}" >> "$work/sluice.yaml"
key="$(SLUICE_JAVA_OPTS= ./sluice keys create --config "$work/sluice.yaml" --name bench --plan bench | sed -n 2p)"
body='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello to the benchmark."}]}'
bench_lua "$work/req.lua" "$body" "$key"

start_sluice() {
  "${on_proxy[@]}" ./sluice serve --config "$work/sluice.yaml" > "$work/sluice.log" 2>&1 &
  spid=$!
  pids+=($spid)
  bench_port "$work/sluice.log"
  url="http://127.0.0.1:$port/v1/chat/completions"
}
# the first start of a jar (or of new JVM options) trains the AOT cache under load; the second is measured
start_sluice
"${on_load[@]}" wrk -t1 -c16 -d5s -s "$work/req.lua" "$url" > /dev/null
kill "$spid"; wait "$spid" 2>/dev/null || true
start_sluice
echo "profile: warming up ${warm} s" >&2
"${on_load[@]}" wrk -t1 -c"$conns" -d"${warm}s" -s "$work/req.lua" "$url" > /dev/null

# CPU ticks of every thread, by name (the per-thread number after a name's end removed)
threads() {
  local f
  for f in /proc/"$spid"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ < "$f/comm" | sed 's/-*[0-9]*$//')" "$(sed 's/^.*) //' "$f/stat" | awk '{print $12 + $13}')"
  done
}
if (( jfr )); then
  "$JAVA_HOME/bin/jcmd" "$spid" JFR.start name=profile settings="$work/cpu.jfc" filename="$out/sluice.jfr" > /dev/null
fi
threads > "$work/t0"
echo "profile: measuring ${secs} s" >&2
"${on_load[@]}" wrk -t1 -c"$conns" -d"${secs}s" -s "$work/req.lua" "$url" > "$out/wrk.txt"
threads > "$work/t1"
if (( jfr )); then
  "$JAVA_HOME/bin/jcmd" "$spid" JFR.stop name=profile > /dev/null
fi
n=$(awk '/requests in/ {print $1}' "$out/wrk.txt")
hz=$(getconf CLK_TCK)
{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(git log --oneline -1 | cut -c1-60)"
  echo "$n requests in ${secs} s ($(awk '/Requests\/sec/ {print int($2)}' "$out/wrk.txt") req/s), CPU per request by thread:"
  awk -v n="$n" -v hz="$hz" '
    NR == FNR { before[$1] += $2; next }
    { after[$1] += $2 }
    END {
      for (t in after) { d = after[t] - before[t]; total += d; if (d > 0) printf "%8.1f us  %s\n", d * 1e6 / hz / n, t }
      printf "%8.1f us  all threads\n", total * 1e6 / hz / n
    }' "$work/t0" "$work/t1" | sort -rn
} | tee "$out/threads.txt"
if (( jfr )); then
  "$java" -cp "$cp" dev.sluice.bench.JfrTop "$out/sluice.jfr" eventloop 40 | tee "$out/top.txt"
fi
echo "profile: written to $out" >&2
