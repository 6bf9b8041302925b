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
