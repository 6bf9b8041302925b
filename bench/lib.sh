# Pieces the bench scripts share (sourced, not run, from the checkout's root): the JDK the build
# uses and its java, and the functions below.
source .ci/java-home.sh
java="$JAVA_HOME/bin/java"

# bench_config FILE DIR FAKE_URL: Sluice's config for a bench run: SQLite and the accounts folder in
# DIR, the fake as an OpenAI-compatible upstream, and the "bench" plan, whose limits are high enough
# never to reject (the limiter still runs on every request).
bench_config() {
  cat > "$1" <<EOF
server:
  listen: "127.0.0.1:0"
storage:
  url: "jdbc:sqlite:$2/sluice.db"
upstream:
  mode: openai_api
  base_url: "$3"
  api_key: "upstream-secret"
accounts:
  dir: "$2/accounts"
plans:
  bench:
    chat_rpm: 30000000
    images_rpm: 1000
    embeddings_rpm: 1000
    tpm: 30000000
EOF
}

# bench_lua FILE BODY KEY: a wrk script that posts the JSON BODY with KEY as its bearer token.
bench_lua() {
  cat > "$1" <<EOF
wrk.method = "POST"
wrk.body = '$2'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $3"
EOF
}

# bench_stop PID...: stops the processes a script started, and waits for each to be gone.
bench_stop() {
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

# bench_cleanup: the EXIT trap of a script that keeps its children's pids in "pids" and its files
# in "work": stops the one, removes the other.
bench_cleanup() {
  bench_stop "${pids[@]}"
  rm -rf "$work"
}

# bench_pin: with 2 CPUs or more, on_proxy runs the proxy under test alone on the last CPU and
# on_load the fake and the load generators on the others; with one CPU both are empty.
bench_pin() {
  local n
  n=$(nproc)
  if (( n >= 2 )); then
    on_proxy=(taskset -c "$(( n - 1 ))"); on_load=(taskset -c "0-$(( n - 2 ))")
  else
    on_proxy=(); on_load=()
  fi
}

# bench_build: the shaded jar and the test classes; sets cp to the test classes, the classes and
# every dependency (the fake, the load generator and the tools run from it). Needs "work".
bench_build() {
  ./mvnw -q -B -DskipTests package >&2
  ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >&2
  cp="$here/target/test-classes:$here/target/classes:$(cat "$work/cp.txt")"
}

# bench_port <log>: the port a starting Sluice says it listens on, waited for up to 60 s; sets port
# (the log is printed and the script ends when it never comes).
bench_port() {
  port=""
  for _ in $(seq 1 1200); do
    port="$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$1" | head -1)"
    [ -n "$port" ] && return 0
    sleep 0.05
  done
  cat "$1" >&2
  exit 1
}

# bench_dirs <name>: out (bench/results/<name>, emptied), work (a new temporary directory), pids
# (none yet), and the traps that stop the one's processes and remove the other on exit.
bench_dirs() {
  out="$here/bench/results/$1"
  rm -rf "$out"; mkdir -p "$out"
  work="$(mktemp -d "/tmp/sluice-$1.XXXXXX")"
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# bench_fake: the fake upstream on the load's CPUs, waited for; sets fake to its URL. Needs cp.
bench_fake() {
  "${on_load[@]}" "$java" -Xmx1g -cp "$cp" dev.sluice.bench.FakeUpstreamMain "$work/fake.port" > "$work/fake.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do [ -s "$work/fake.port" ] && break; sleep 0.1; done
  fake="http://127.0.0.1:$(cat "$work/fake.port")"
}
