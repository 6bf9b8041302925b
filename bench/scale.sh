#!/usr/bin/env bash
# Three Sluice instances behind nginx against one, on one machine: one PostgreSQL database, limits
# on Redis. Prints the limit-exactness figure (60 concurrent requests of a Free key, 10 chat rpm,
# through the load balancer), throughput through nginx with 1 and with 3 instances behind it, and
# what clients see when one instance is stopped (SIGTERM) under load. See docs/scaling.md.
#
#   bench/scale.sh          about 2 minutes (start-up included)
#
# Needs PostgreSQL at 127.0.0.1:5432 (database "test", user postgres) and Redis at 127.0.0.1:6379
# (.ci/services.sh starts both); installs nginx-light and wrk with apt when they are missing.
# The throughput key is on a plan whose limits are never reached, so that every request is admitted
# by Redis (request and token buckets, as a limited key's are), not waved through as unlimited.
# BENCH_DURATION (seconds per throughput run, default 10), BENCH_WARMUP (seconds of the same load
# before each measured run, default 15), BENCH_KEEP=1 keeps the temporary directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source bench/lib.sh
dur="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-15}"
work="$(mktemp -d /tmp/sluice-scale.XXXXXX)"
schema="bench_$(date +%s)"
pids=()
log() { echo "scale: $*" >&2; }
cleanup() {
  bench_stop "${pids[@]}"
  psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools, services and build ----
missing=()
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
bash .ci/services.sh
log "building (classes and test classes)"
./mvnw -q -B -o test-compile >&2 2>/dev/null || ./mvnw -q -B test-compile >&2
./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2 2>/dev/null \
  || ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2
cp="$here/target/test-classes:$here/target/classes:$(cat "$work/cp.txt")"
psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $schema" >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- fake upstream, three instances, nginx ----
"$java" -Xmx512m -cp "$cp" dev.sluice.bench.FakeUpstreamMain "$work/fake.port" > "$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do [ -s "$work/fake.port" ] && break; sleep 0.1; done
fake="http://127.0.0.1:$(cat "$work/fake.port")"
key="sk-bench-scale-downstream-key-0123456789"
cat > "$work/sluice.yaml" <<YAML
server:
  drain_delay_millis: 2000
plans:
  # limits far above what this machine can send: each request costs a Redis admission, none is refused
  bench: { chat_rpm: 30000000, images_rpm: 30000000, embeddings_rpm: 30000000, tpm: 30000000 }
auth:
  downstream_api_key: "$key"
  downstream_plan: bench
storage:
  url: "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema"
  username: postgres
upstream:
  mode: openai_api
  base_url: "$fake"
  api_key: "upstream-secret"
rate_limits:
  store: redis
redis:
  url: "redis://127.0.0.1:6379"
  timeout_millis: 2000
logging:
  level: warn
YAML
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ports=()
spids=()
for i in 1 2 3; do
  p="$(free_port)"
  ports+=("$p")
  SLUICE_SERVER_LISTEN="127.0.0.1:$p" "$java" -Xmx512m -cp "$cp" dev.sluice.Main serve --config "$work/sluice.yaml" \
    > "$work/sluice$i.log" 2>&1 &
  pids+=($!)
  spids+=($!)
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 900); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$p/healthz" >/dev/null || { log "instance on $p did not start"; cat "$work"/sluice*.log >&2; exit 1; }
done
log "instances on ${ports[*]}"
lb3="$(free_port)"
lb1="$(free_port)"
sed -e "s|@WORK@|$work|g" -e "s|@LB3@|$lb3|g" -e "s|@LB1@|$lb1|g" \
    -e "s|@P1@|${ports[0]}|g" -e "s|@P2@|${ports[1]}|g" -e "s|@P3@|${ports[2]}|g" \
    bench/nginx-scale.conf > "$work/nginx.conf"
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$lb3/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
log "nginx on $lb3 (3 instances) and $lb1 (1 instance)"

# ---- limit exactness: a Free key (10 chat rpm), 60 concurrent requests through nginx ----
free_key="$("$java" -cp "$cp" dev.sluice.Main keys create --name bench-free --plan free --config "$work/sluice.yaml" \
  | grep -o 'sk-sluice-[A-Za-z0-9]*' | head -1)"
body='{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}'
seq 1 60 | xargs -P 60 -I{} curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$lb3/v1/chat/completions" \
  -H "Authorization: Bearer $free_key" -H "Content-Type: application/json" -d "$body" > "$work/limits.txt"
admitted="$(grep -c '^200$' "$work/limits.txt" || true)"
limited="$(grep -c '^429$' "$work/limits.txt" || true)"
log "limits: $admitted admitted, $limited limited"

# ---- throughput: the same load through nginx with 1 and with 3 instances behind it ----
bench_lua "$work/chat.lua" "$body" "$key"
run_wrk() { wrk -t2 -c64 -d"$2"s --timeout 10s --latency -s "$work/chat.lua" "http://127.0.0.1:$1/v1/chat/completions"; }
rps() { sed -n 's/^Requests\/sec: *//p' "$1"; }
p99() { sed -n 's/^ *99% *//p' "$1"; }
errors() { local n; n="$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$1")"; echo "${n:-0}"; }
sock() { local s; s="$(sed -n 's/.*Socket errors: *//p' "$1")"; echo "${s:-none}"; }
requests() { sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$1"; }
# Redis scripts run (admissions and token debits), to show that the measured load went through Redis
evalsha() { redis-cli -h 127.0.0.1 info commandstats | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\).*/\1/p'; }
per_request() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n > 0) printf "%.2f", (b - a) / n; else print "n/a" }'; }
# each configuration warmed by the same load first (JIT, connection pools to Redis and upstream)
log "throughput, 1 instance (${warmup} s warm-up, ${dur} s measured)"
run_wrk "$lb1" "$warmup" > "$work/wrk1-warm.txt"
e0="$(evalsha)"
run_wrk "$lb1" "$dur" > "$work/wrk1.txt"
e1="$(evalsha)"
log "throughput, 3 instances (${warmup} s warm-up, ${dur} s measured)"
run_wrk "$lb3" "$warmup" > "$work/wrk3-warm.txt"
e2="$(evalsha)"
run_wrk "$lb3" "$dur" > "$work/wrk3.txt"
e3="$(evalsha)"

# ---- one instance stopped under load (SIGTERM), through nginx ----
log "stopping one instance under load"
run_wrk "$lb3" "$dur" > "$work/wrk-stop.txt" &
wrk_pid=$!
sleep 2
kill -TERM "${spids[2]}"
sleep 0.3
draining="$(curl -s -m 2 "http://127.0.0.1:${ports[2]}/healthz" -w ' %{http_code}' || true)"
wait "$wrk_pid"
wait "${spids[2]}" 2>/dev/null || true

# ---- report ----
cat <<REPORT
## bench/scale.sh ($(date -u '+%Y-%m-%d %H:%M UTC'))

machine: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(nproc) cores, load average before: $load_before;
$("$java" -version 2>&1 | head -1 | tr -d '"'), $("$nginx_bin" -v 2>&1 | sed 's/.*: //'), $(redis-server --version | cut -d' ' -f1-3), PostgreSQL $(psql -At -h 127.0.0.1 -U postgres -d test -c 'SHOW server_version' | cut -d' ' -f1)

| measurement | result |
|---|---|
| Free key (10 chat rpm), 60 concurrent requests through nginx over 3 instances | $admitted admitted, $limited answered 429 |
| throughput, nginx → 1 instance (wrk, 2 threads, 64 connections, ${dur} s after ${warmup} s warm-up; key on a plan, every request admitted by Redis) | $(rps "$work/wrk1.txt") req/s, p99 $(p99 "$work/wrk1.txt"), non-2xx $(errors "$work/wrk1.txt"), Redis scripts per request $(per_request "$e0" "$e1" "$(requests "$work/wrk1.txt")") |
| throughput, nginx → 3 instances (the same load) | $(rps "$work/wrk3.txt") req/s, p99 $(p99 "$work/wrk3.txt"), non-2xx $(errors "$work/wrk3.txt"), Redis scripts per request $(per_request "$e2" "$e3" "$(requests "$work/wrk3.txt")") |
| one of the 3 stopped (SIGTERM) 2 s into a ${dur} s run | $(rps "$work/wrk-stop.txt") req/s, non-2xx $(errors "$work/wrk-stop.txt"), socket errors: $(sock "$work/wrk-stop.txt"); its /healthz while draining: $draining |
REPORT
