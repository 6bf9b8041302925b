-- One schema for SQLite and PostgreSQL: portable types only, times as epoch milliseconds (UTC).

CREATE TABLE api_keys (
  id            VARCHAR(32)  NOT NULL PRIMARY KEY,
  prefix        VARCHAR(32)  NOT NULL,
  key_hash      VARCHAR(64)  NOT NULL UNIQUE,
  name          VARCHAR(200) NOT NULL,
  plan          VARCHAR(100),
  models        TEXT         NOT NULL,
  created_at    BIGINT       NOT NULL,
  expires_at    BIGINT,
  revoked_at    BIGINT,
  last_used_at  BIGINT
);

CREATE INDEX api_keys_prefix ON api_keys (prefix);

CREATE TABLE usage_records (
  time_ms            BIGINT       NOT NULL,
  day                VARCHAR(10)  NOT NULL,
  request_id         VARCHAR(200),
  key_id             VARCHAR(64),
  endpoint           VARCHAR(100),
  model              VARCHAR(200),
  upstream           VARCHAR(200),
  account            VARCHAR(200),
  prompt_tokens      BIGINT       NOT NULL,
  completion_tokens  BIGINT       NOT NULL,
  cached_tokens      BIGINT       NOT NULL,
  reasoning_tokens   BIGINT       NOT NULL,
  latency_ms         BIGINT       NOT NULL,
  status             INTEGER      NOT NULL,
  error_code         VARCHAR(100)
);

CREATE INDEX usage_records_time ON usage_records (time_ms);
CREATE INDEX usage_records_key_time ON usage_records (key_id, time_ms);
