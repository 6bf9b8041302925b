-- ChatGPT accounts shared by every instance on one database (PostgreSQL storage): each row the
-- AES-256-GCM sealed JSON of one account, as the account files hold it (accounts.encryption_key).
CREATE TABLE chatgpt_accounts (
  id             VARCHAR(200) PRIMARY KEY,
  sealed         TEXT NOT NULL,
  updated_at_ms  BIGINT NOT NULL
);
