-- The model the upstream was asked for (a route may rename the client's) and how many upstream
-- attempts the request took (fallback).
ALTER TABLE usage_records ADD COLUMN upstream_model VARCHAR(200);
ALTER TABLE usage_records ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
