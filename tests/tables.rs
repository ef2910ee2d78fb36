//! Table names from the config (`[stores.tables]`, SPEC §1): reads go to the named tables,
//! `migrate` creates them (and their indexes) and `seed` fills them, and a bad name is an error
//! naming the setting.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::servers::{Postgres, RedisServer};
use common::{NOW, ctxlens_with, migrate_and_seed, write_temp};

/// `[stores.tables]` naming the demo's tables under other names, in a schema of their own (one
/// name needs quoting): the written config file's path.
fn named_tables_config() -> PathBuf {
    write_temp(
        "tables.toml",
        "[stores.tables]\nuser_journeys = \"app.journeys\"\nmemory_bank = 'app.Memory Bank'\nknowledge = \"app.articles\"\n",
    )
}

/// Reads go to the tables the config names (SPEC's, emptied, are not read), and a configured
/// knowledge table whose column is of another type is named in the error.
#[test]
fn configured_tables_are_read() {
    let redis = RedisServer::start();
    let pg = Postgres::shared();
    let url = pg.create_database("tables");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", url)];
    migrate_and_seed(&env);
    // The demo under other names, in a schema of its own (one name needs quoting); SPEC's
    // tables are emptied, so what replays right came from the named ones.
    pg.psql(
        "tables",
        r#"CREATE SCHEMA app;
           CREATE TABLE app.journeys AS TABLE user_journeys;
           CREATE TABLE app."Memory Bank" AS TABLE memory_bank;
           CREATE TABLE app.articles AS TABLE knowledge;
           TRUNCATE user_journeys, memory_bank, knowledge;"#,
    );
    let config = named_tables_config();
    let config = config.to_str().expect("utf-8 path");
    for user in ["u005", "u062", "u066"] {
        let args = ["replay", user, "--json", "--now", NOW];
        let named = ctxlens_with(&[&args[..], &["--config", config]].concat(), &env);
        let spec_names = ctxlens_with(&args, &env);
        let embedded = ctxlens_with(&args, &[]);
        assert_eq!(named.code, 0, "{}", named.stderr);
        assert!(
            named.stdout == embedded.stdout,
            "{user}: named tables differ"
        );
        assert!(
            spec_names.stdout != embedded.stdout,
            "{user}: SPEC's tables are empty"
        );
    }
    let users = ctxlens_with(&["users", "--json", "--config", config], &env);
    let v: serde_json::Value = serde_json::from_str(&users.stdout).expect("users JSON");
    assert_eq!(v["users"].as_array().map(Vec::len), Some(71));
    // A configured knowledge table whose column is of another type: the error names that
    // table, not SPEC's `knowledge`.
    pg.psql(
        "tables",
        "CREATE TABLE app.text_embeddings AS SELECT id, milestone, title, content, metadata, \
         embedding::text AS embedding, created_at FROM app.articles;",
    );
    let odd = write_temp(
        "odd-tables.toml",
        "[stores.tables]\nuser_journeys = \"app.journeys\"\nmemory_bank = 'app.Memory Bank'\nknowledge = \"app.text_embeddings\"\n",
    );
    let odd = odd.to_str().expect("utf-8 path");
    let out = ctxlens_with(&["inspect", "u005", "--config", odd], &env);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("knowledge search of table \"app\".\"text_embeddings\": "),
        "{}",
        out.stderr
    );
}

/// migrate creates SPEC §1's schema under the configured names, in a fresh database, with its
/// indexes named after the tables; seed fills them; both are idempotent as before.
#[test]
fn configured_tables_are_written_by_migrate_and_seed() {
    let pg = Postgres::shared();
    let config = named_tables_config();
    let config = config.to_str().expect("utf-8 path");
    let fresh = pg.create_database("tables_written");
    let redis = RedisServer::start();
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", fresh)];
    migrate_creates_the_named_tables_and_their_indexes(pg, config, &env);
    let seeded = ctxlens_with(&["seed", "--config", config], &env);
    assert_eq!(seeded.code, 0, "seed: {}", seeded.stderr);
    let refused = ctxlens_with(&["seed", "--config", config], &env);
    assert_eq!(refused.code, 1, "not empty: {}", refused.stdout);
    let tables = pg.psql(
        "tables_written",
        "SELECT string_agg(table_schema || '.' || table_name, ' ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema IN ('app', 'public')",
    );
    assert!(
        !tables.contains("public.user_journeys"),
        "SPEC's names were not created: {tables}"
    );
    for user in ["u005", "u062"] {
        let args = ["replay", user, "--json", "--now", NOW, "--config", config];
        let written = ctxlens_with(&args, &env);
        let embedded = ctxlens_with(&args[..5], &[]);
        assert_eq!(written.code, 0, "{}", written.stderr);
        assert!(
            written.stdout == embedded.stdout,
            "{user}: seeded named tables differ"
        );
    }
    // The partial indexes serve the search on the named table too.
    let plan = pg.psql(
        "tables_written",
        "SET enable_seqscan = off; EXPLAIN SELECT id FROM app.articles WHERE milestone = 'M3' ORDER BY embedding <=> (SELECT embedding FROM app.articles LIMIT 1) LIMIT 5",
    );
    assert!(plan.contains("articles_embedding_m_M3"), "{plan}");
    let bad = write_temp(
        "bad-tables.toml",
        "[stores.tables]\nknowledge = \"a.b.c\"\n",
    );
    let bad = bad.to_str().expect("utf-8 path");
    let out = ctxlens_with(&["replay", "u005", "--config", bad], &env);
    assert_eq!(out.code, 2, "a config error (SPEC §5): {}", out.stdout);
    assert!(
        out.stderr
            .contains(r#"[stores.tables] knowledge = "a.b.c": at most one '.'"#),
        "{}",
        out.stderr
    );
}

/// `migrate --config config` over the fresh database `tables_written`: the named tables and
/// their indexes created, and a second run creates nothing.
fn migrate_creates_the_named_tables_and_their_indexes(
    pg: &Postgres,
    config: &str,
    env: &[(&str, String)],
) {
    let migrated = ctxlens_with(&["migrate", "--config", config], env);
    assert_eq!(migrated.code, 0, "migrate: {}", migrated.stderr);
    assert!(
        migrated
            .stdout
            .contains(r#""app"."journeys", "app"."Memory Bank", "app"."articles""#),
        "{}",
        migrated.stdout
    );
    assert!(
        migrated
            .stdout
            .contains("created articles_embedding_general"),
        "{}",
        migrated.stdout
    );
    let again = ctxlens_with(&["migrate", "--config", config], env);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains(": 0 created, 12 already present"),
        "{}",
        again.stdout
    );
    let indexes = pg.psql(
        "tables_written",
        "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'app'",
    );
    for name in [
        "articles_embedding_idx",
        "articles_embedding_m_M3",
        "articles_embedding_unscorable",
        // "Memory Bank" is no plain identifier: its index is named after a cleaned, hashed form.
        "_user_id_created_at_idx",
    ] {
        assert!(indexes.contains(name), "{name} in {indexes}");
    }
}
