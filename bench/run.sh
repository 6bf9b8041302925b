#!/usr/bin/env bash
# Sluice against a direct baseline, in one run on loopback: starts the fake upstream, Sluice (keys,
# limits and usage recording on, via ./sluice serve) and the load generators, prints one table and
# writes it to bench/results/latest.md. See docs/performance.md.
#
#   bench/run.sh            full run (~14 min on 2 vCPUs)
#   bench/run.sh --quick    short durations (~4 min), for checking the script; numbers are rough
#
# Environment: SLUICE_JAVA_OPTS (extra JVM options of Sluice, default none), BENCH_KEEP=1 keeps the
# temporary directory (logs, raw results).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source bench/lib.sh

mode=full
if [ "${1:-}" = "--quick" ]; then mode=quick; fi
if [ "$mode" = quick ]; then
  warm=8; warm_max=20; sat=5; rate_warm=4; rate_dur=6; stream_dur=6; hold_dur=8; hold_ramp=4; mem_rounds=3; mem_streams=4000; mem_settle=5
else
  warm=20; warm_max=120; sat=15; rate_warm=10; rate_dur=20; stream_dur=20; hold_dur=20; hold_ramp=5; mem_rounds=10; mem_streams=20000; mem_settle=65
fi
rate=1000; streams=1000; stream_interval=100; hold=10000
work="$(mktemp -d /tmp/sluice-bench.XXXXXX)"
# Sluice as ./sluice starts it: the first start of a jar trains the AOT cache that later starts map
# (see docs/performance.md); no other JVM options unless SLUICE_JAVA_OPTS gives some.
export SLUICE_JAVA_OPTS="${SLUICE_JAVA_OPTS-}"
res="$work/results"
mkdir -p "$res"
pids=()
cleanup() {
  bench_stop "${pids[@]}"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "bench: $*" >&2; }

# ---- tools and build ----
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  log "installing wrk and nginx-light"
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk nginx-light >/dev/null
fi
log "building (jar and test classes)"
./mvnw -q -B -DskipTests package >&2
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2
cp="$here/target/test-classes:$here/target/classes:$(cat "$work/cp.txt")"
# 10,000 streams: each is two sockets in Sluice and one in each of the client and the fake.
ulimit -Hn 1048576 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
nofile="$(ulimit -n)"
if (( hold * 2 + 300 > nofile )); then
  hold=$(( (nofile - 300) / 2 / 100 * 100 ))
  log "open files limit $nofile (cannot be raised here): $hold open streams instead of 10,000"
fi

# ---- CPUs ----
# With 2 CPUs or more, the proxy under test (nginx or Sluice) runs alone on the last CPU and the
# load generators and the fake upstream share the others, as they would on other hosts in
# production: each proxy's figures are then its own, not time it waited for the generator's CPU.
# BENCH_PIN=0 runs everything unpinned.
ncpu=$(nproc)
if [ "${BENCH_PIN:-1}" = 1 ] && (( ncpu >= 2 )); then
  proxy_cpus="$(( ncpu - 1 ))"; load_cpus="0-$(( ncpu - 2 ))"
  on_proxy=(taskset -c "$proxy_cpus"); on_load=(taskset -c "$load_cpus")
  proxy_ncpu=1
else
  proxy_cpus="all"; load_cpus="all"; on_proxy=(); on_load=(); proxy_ncpu=$ncpu
fi

# ---- machine ----
{
  echo "mode=$mode"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "nproc=$(nproc)"
  echo "mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=Linux $(uname -r)"
  echo "jdk=$("$java" -version 2>&1 | head -1 | tr -d '"')"
  echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "proxy_cpus=$proxy_cpus"
  echo "load_cpus=$load_cpus"
  echo "sluice_java_opts=$SLUICE_JAVA_OPTS"
} > "$res/machine.properties"

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# CPU time (user + system, all threads, in ms) the processes have used so far.
hz="$(getconf CLK_TCK)"
cpu_ms() {
  local p t=0
  for p in "$@"; do t=$(( t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') )); done
  echo $(( t * 1000 / hz ))
}

# ---- fake upstream ----
"${on_load[@]}" "$java" -Xmx1g -cp "$cp" dev.sluice.bench.FakeUpstreamMain "$work/fake.port" > "$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -s "$work/fake.port" ] && break; sleep 0.1; done
fake="http://127.0.0.1:$(cat "$work/fake.port")"
log "fake upstream at $fake"
fpid=${pids[-1]}

# ---- nginx: the plain proxy Sluice's cost is compared with (keep-alive to the fake, no logging) ----
mkdir -p "$work/nginx"
nport=$(( 20000 + RANDOM % 20000 ))
cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes $proxy_ncpu;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream fake { server 127.0.0.1:$(cat "$work/fake.port"); keepalive 64; }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
"${on_proxy[@]}" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
npid=$!
pids+=($npid)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$nport/" && break; sleep 0.05; done
nginx_url="http://127.0.0.1:$nport"
nginx_pids() { echo "$npid" $(pgrep -P "$npid"); }
log "nginx at $nginx_url (pid $npid)"

# ---- Sluice: config, key, start ----
bench_config "$work/sluice.yaml" "$work" "$fake"
key="$(SLUICE_JAVA_OPTS= ./sluice keys create --config "$work/sluice.yaml" --name bench --plan bench | sed -n 2p)"
[ -n "$key" ] || { log "could not create a key"; exit 1; }

body='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello to the benchmark."}]}'
# Starts Sluice; sets spid, sluice and first_ms (launch to first answered chat completion). With
# "pinned", on the proxy's CPU (the load phases); else on every CPU, as a user starts it.
start_sluice() {
  local t0 t1 port="" pin=()
  if [ "${1:-}" = pinned ]; then pin=("${on_proxy[@]}"); fi
  t0=$(date +%s%N)
  "${pin[@]}" ./sluice serve --config "$work/sluice.yaml" > "$work/sluice.log" 2>&1 &
  spid=$!
  pids+=($spid)
  for _ in $(seq 1 6000); do
    port="$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$work/sluice.log" | head -1)"
    [ -n "$port" ] && break
    kill -0 "$spid" 2>/dev/null || { cat "$work/sluice.log" >&2; exit 1; }
    sleep 0.005
  done
  sluice="http://127.0.0.1:$port"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      -d "$body" "$sluice/v1/chat/completions")" = 200 ]; do
    sleep 0.005
    (( $(date +%s%N) - t0 < 30000000000 )) || { log "Sluice did not answer within 30 s"; exit 1; }
  done
  t1=$(date +%s%N)
  first_ms=$(( (t1 - t0) / 1000000 ))
}
# The first start (no AOT cache for this jar yet) trains and writes it; it is timed too, then stopped.
# Both starts run on every CPU, as a user starts Sluice.
rm -rf "$here/target/aot"
start_sluice
cold_ms=$first_ms
kill "$spid"; wait "$spid" 2>/dev/null || true
start_sluice
user_ms=$first_ms
sleep 2
idle_rss=$(rss_mib "$spid")
pinned_ms=""
if (( ${#on_proxy[@]} > 0 )); then
  # the load phases run Sluice on the proxy's CPU: start it again there (the cache is written); that
  # start, on one CPU, is reported beside the user's (every CPU), not instead of it
  kill "$spid"; wait "$spid" 2>/dev/null || true
  start_sluice pinned
  pinned_ms=$first_ms
fi
{
  echo "first_request_ms=$user_ms"
  echo "pinned_first_request_ms=$pinned_ms"
  echo "cold_first_request_ms=$cold_ms"
  echo "idle_rss_mib=$idle_rss"
  echo "self_reported=$(sed -n 's/.*(started in \([0-9]*\) ms).*/\1/p' "$work/sluice.log" | head -1)"
} > "$res/startup.properties"
log "Sluice at $sluice (pid $spid): $(tr '\n' ' ' < "$res/startup.properties")"

lua() { bench_lua "$work/$1.lua" "$body" "$2"; }
lua direct upstream-secret
lua sluice "$key"
wrk_run() { "${on_load[@]}" wrk -t1 -c32 -d"$2"s --latency -s "$work/$1.lua" "$3/v1/chat/completions"; }
# A saturation run that also notes the CPU the proxy ($4...) and the fake used over it.
wrk_cpu() {
  local name=$1 script=$2 url=$3; shift 3
  local p0 f0 p1 f1
  p0=$(cpu_ms "$@"); f0=$(cpu_ms "$fpid")
  wrk_run "$script" "$sat" "$url" > "$res/wrk_$name.txt"
  p1=$(cpu_ms "$@"); f1=$(cpu_ms "$fpid")
  { echo "proxy_cpu_ms=$(( p1 - p0 ))"; echo "fake_cpu_ms=$(( f1 - f0 ))"; } > "$res/cpu_$name.properties"
}
loadgen() { "${on_load[@]}" "$java" -Xmx1g -cp "$cp" dev.sluice.bench.LoadGen "$@"; }

# ---- saturation ----
log "warm-up through Sluice (${warm}s, then 5 s runs until steady)"
wrk_run sluice "$warm" "$sluice" > "$res/wrk_warmup.txt"
# The JIT is done when throughput is: 5 s runs until two in a row are within 5 % (at most $warm_max s).
# On one CPU, C2 competes with the requests for it and takes longer than the fixed part.
rps() { awk '/Requests\/sec/ {print int($2)}' "$1"; }
prev=0; warm_extra=0
while (( warm_extra < warm_max )); do
  wrk_run sluice 5 "$sluice" > "$res/wrk_warmstep.txt"
  warm_extra=$(( warm_extra + 5 ))
  cur=$(rps "$res/wrk_warmstep.txt")
  change=$(( cur > prev ? cur - prev : prev - cur ))
  if (( prev > 0 && change * 100 < prev * 5 )); then break; fi
  prev=$cur
done
echo "warmup_s=$(( warm + warm_extra ))" >> "$res/machine.properties"
log "warm after $(( warm + warm_extra )) s (last 5 s: $cur req/s)"
loadgen streams --url="$sluice/v1/chat/completions" --key="$key" --streams=1000 --chunks=20 --interval-ms=100 \
  --ramp-ms=500 --out="$res/stream_warmup.properties" > /dev/null
wrk_run direct 2 "$nginx_url" > /dev/null
log "saturation: direct (${sat}s)"
wrk_cpu direct direct "$fake" "$fpid"
log "saturation: nginx (${sat}s)"
wrk_cpu nginx direct "$nginx_url" $(nginx_pids)
log "saturation: Sluice (${sat}s)"
wrk_cpu sluice sluice "$sluice" "$spid"
# The framework's floor: a plain Vert.x proxy (Sluice's server and client options, no features) on the
# proxy's CPU, warmed like Sluice, measured like nginx.
"${on_proxy[@]}" "$java" -Xmx512m -cp "$cp" dev.sluice.bench.BareProxyMain "$work/bare.port" \
  "$(cat "$work/fake.port")" upstream-secret > "$work/bare.log" 2>&1 &
bpid=$!
pids+=($bpid)
for _ in $(seq 1 300); do [ -s "$work/bare.port" ] && break; sleep 0.1; done
bare="http://127.0.0.1:$(cat "$work/bare.port")"
log "saturation: a bare Vert.x proxy (${warm}s warm-up, ${sat}s)"
wrk_run direct "$warm" "$bare" > /dev/null
wrk_cpu bare direct "$bare" "$bpid"
kill "$bpid" 2>/dev/null || true

# ---- fixed rate ----
for t in direct sluice; do
  if [ $t = direct ]; then url="$fake"; k=upstream-secret; else url="$sluice"; k="$key"; fi
  log "fixed $rate req/s: $t (${rate_warm}s + ${rate_dur}s)"
  loadgen rate --url="$url/v1/chat/completions" --key="$k" --rate=$rate --warmup=$rate_warm --duration=$rate_dur \
    --out="$res/rate_$t.properties" > /dev/null
done

# ---- 1,000 streams ----
chunks=$(( stream_dur * 1000 / stream_interval ))
for t in direct sluice; do
  if [ $t = direct ]; then url="$fake"; k=upstream-secret; else url="$sluice"; k="$key"; fi
  log "$streams streams: $t (${stream_dur}s)"
  loadgen streams --url="$url/v1/chat/completions" --key="$k" --streams=$streams --warmup-streams=$streams --chunks=$chunks \
    --interval-ms=$stream_interval --ramp-ms=1000 --skip=2 --out="$res/stream_$t.properties" > /dev/null
done

# ---- 10,000 open streams ----
for t in direct sluice; do
  if [ $t = direct ]; then url="$fake"; k=upstream-secret; else url="$sluice"; k="$key"; fi
  log "$hold open streams: $t (${hold_ramp}s ramp + ${hold_dur}s)"
  loadgen streams --url="$url/v1/chat/completions" --key="$k" --streams=$hold --chunks=$hold_dur \
    --interval-ms=1000 --ramp-ms=$((hold_ramp * 1000)) --out="$res/hold_$t.properties" > /dev/null &
  lg=$!
  pids+=($lg)
  max=0
  while kill -0 "$lg" 2>/dev/null; do
    if [ $t = sluice ]; then
      r="$(rss_mib "$spid")"
      max="$(awk -v a="$max" -v b="$r" 'BEGIN {print (b > a) ? b : a}')"
    fi
    sleep 0.5
  done
  wait "$lg" || true
  if [ $t = sluice ]; then
    { echo "rss_max_mib=$max"; echo "rss_hwm_mib=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$spid/status")"; } \
      > "$res/hold_rss.properties"
  fi
done

# ---- memory across rounds of streams ----
# Live heap after a full GC (jcmd GC.class_histogram counts live objects only) after each round of
# short streams: a request that stays reachable once it ended shows as growth from round to round.
live_heap() {
  "$JAVA_HOME/bin/jcmd" "$spid" GC.class_histogram > "$work/histo.txt"
  # less the arrays the collector fills unused heap with (jdk.internal.vm.FillerElement[]): not objects
  # anything holds; with the serial collector (one CPU) they come and go with the old generation
  awk '/^Total/ {t=$3} /jdk\.internal\.vm\.FillerElement/ {f+=$3} END {printf "%.1f", (t-f)/1048576}' "$work/histo.txt"
}
live_count() { awk -v c="$1" '$4 == c {print $2; found=1} END {if (!found) print 0}' "$work/histo.txt"; }
# The phases before leave thousands of idle keep-alive connections (and their buffers) that the
# upstream pool closes after 60 s: wait them out, so that the rounds start from a settled heap.
sleep "$mem_settle"
{
  echo "rounds=$mem_rounds"
  echo "streams_per_round=$mem_streams"
  echo "round_0_live_mib=$(live_heap)"
} > "$res/memory.properties"
for r in $(seq 1 "$mem_rounds"); do
  loadgen streams --url="$sluice/v1/chat/completions" --key="$key" --streams=$mem_streams --chunks=5 \
    --interval-ms=20 --ramp-ms=$(( mem_streams / 2 )) --connections=400 \
    --out="$res/memory_round_$r.properties" > /dev/null
  sleep 1
  {
    echo "round_${r}_live_mib=$(live_heap)"
    # the relay's per-request object (the relay's paths make no vertx-web routing context: FrontDoor)
    echo "round_${r}_exchanges=$(live_count 'dev.sluice.relay.RelayHandler$Exchange')"
    echo "round_${r}_client_requests=$(live_count io.vertx.core.http.impl.HttpClientRequestImpl)"
    echo "round_${r}_errors=$(sed -n 's/^errors=//p' "$res/memory_round_$r.properties")"
  } >> "$res/memory.properties"
  log "memory round $r/$mem_rounds: $(tail -4 "$res/memory.properties" | tr '\n' ' ')"
done

# ---- report ----
echo "sluice_log_bytes=$(stat -c %s "$work/sluice.log")" >> "$res/startup.properties"
mkdir -p "$here/bench/results"
"$java" -cp "$cp" dev.sluice.bench.BenchReport "$res" "$here/bench/results/latest.md"
rm -rf "$here/bench/results/latest-raw"
cp -r "$res" "$here/bench/results/latest-raw"
