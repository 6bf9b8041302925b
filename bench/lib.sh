# Pieces the bench scripts share (sourced, not run).

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
