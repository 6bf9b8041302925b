#!/usr/bin/env bash
# The 1,000-stream measure of bench/run.sh on its own, with Sluice's collector pauses beside it: to
# see whether a stream's delay is the gateway's or a pause's, and to try JVM options.
#   - the fake upstream and the load generator on the first CPUs, Sluice alone on the last;
#   - Sluice warmed by wrk (WARM s) and by 1,000 short streams;
#   - then, for each target (direct, sluice), 1,000 streams opened over 1 s, each CHUNKS events
#     100 ms apart: time to first byte and per-event delay percentiles, and for Sluice the young
#     and full pauses of its collector during the streams (from -Xlog:gc).
#
#   bench/streams.sh            writes bench/results/streams/ (gitignored)
#
# Environment: SLUICE_JAVA_OPTS (extra JVM options, e.g. "-XX:+UseZGC"), TARGETS ("direct sluice"),
# CHUNKS (100), WARM seconds (20). The figures move from run to run on a shared VM: compare options
# over several runs each, never one against one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source bench/lib.sh
warm=${WARM:-20}; chunks=${CHUNKS:-100}; targets=${TARGETS:-direct sluice}
bench_pin
command -v wrk >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
bench_dirs streams

bench_build
loadgen() { "${on_load[@]}" "$java" -Xmx1g -cp "$cp" dev.sluice.bench.LoadGen "$@"; }

bench_fake
bench_config "$work/sluice.yaml" "$work" "$fake"
key="$(SLUICE_JAVA_OPTS= ./sluice keys create --config "$work/sluice.yaml" --name bench --plan bench | sed -n 2p)"
bench_lua "$work/req.lua" '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello."}]}' "$key"

export SLUICE_JAVA_OPTS="${SLUICE_JAVA_OPTS:-} -Xlog:gc:file=$work/gc.log"
"${on_proxy[@]}" ./sluice serve --config "$work/sluice.yaml" > "$work/sluice.log" 2>&1 &
pids+=($!)
bench_port "$work/sluice.log"
sluice="http://127.0.0.1:$port"
echo "streams: warming up ${warm} s" >&2
"${on_load[@]}" wrk -t1 -c32 -d"${warm}s" -s "$work/req.lua" "$sluice/v1/chat/completions" > /dev/null
loadgen streams --url="$sluice/v1/chat/completions" --key="$key" --streams=1000 --chunks=20 --interval-ms=100 \
  --ramp-ms=500 --out="$work/warmup.properties" > /dev/null

{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(git log --oneline -1 | cut -c1-60)"
  echo "Sluice JVM options: ${SLUICE_JAVA_OPTS}; 1,000 streams over 1 s, $chunks events 100 ms apart"
  for t in $targets; do
    if [ "$t" = direct ]; then url="$fake"; k=upstream-secret; else url="$sluice"; k="$key"; fi
    g0=$(wc -l < "$work/gc.log")
    loadgen streams --url="$url/v1/chat/completions" --key="$k" --streams=1000 --warmup-streams=1000 \
      --chunks="$chunks" --interval-ms=100 --ramp-ms=1000 --skip=2 --out="$out/$t.properties" > /dev/null
    p() { sed -n "s/^$1=//p" "$out/$t.properties"; }
    printf '%-7s ttfb p50 %s p99 %s max %s ms; per-event delay p50 %s p99 %s p99.9 %s max %s ms; errors %s\n' \
      "$t" "$(p ttfb_p50_ms)" "$(p ttfb_p99_ms)" "$(p ttfb_max_ms)" "$(p delay_p50_ms)" "$(p delay_p99_ms)" \
      "$(p delay_p999_ms)" "$(p delay_max_ms)" "$(p errors)"
    if [ "$t" = sluice ]; then
      tail -n +"$(( g0 + 1 ))" "$work/gc.log" > "$out/gc-during-streams.log"
      awk '/Pause/ { n++; v = $NF; sub(/ms$/, "", v); s += v; if (v > m) m = v }
           END { printf "sluice  collector pauses during the streams: %d, %.1f ms in all, longest %.1f ms\n", n, s, m }' \
        "$out/gc-during-streams.log"
    fi
  done
} | tee "$out/summary.txt"
