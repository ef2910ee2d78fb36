-- The schema ctxlens reads (SPEC §1). Idempotent: safe on a database that already has it.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS user_journeys (
  user_id           text PRIMARY KEY,
  current_milestone text NOT NULL DEFAULT 'M0',
  display_name      text,
  updated_at        timestamptz NOT NULL DEFAULT now());

CREATE TABLE IF NOT EXISTS memory_bank (
  id           bigserial PRIMARY KEY,
  user_id      text NOT NULL,
  context_type text NOT NULL CHECK (context_type IN ('business_dna','milestone_data','transition')),
  milestone    text,
  data         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS memory_bank_user_id_created_at_idx ON memory_bank (user_id, created_at);

CREATE TABLE IF NOT EXISTS knowledge (
  id         bigserial PRIMARY KEY,
  milestone  text,
  title      text NOT NULL,
  content    text NOT NULL,
  metadata   jsonb NOT NULL DEFAULT '{}',
  embedding  vector(384) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS knowledge_embedding_idx ON knowledge USING hnsw (embedding vector_cosine_ops);
