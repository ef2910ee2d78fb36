//! Table names from the config (`[stores.tables]`, SPEC §1): reads go to the named tables, the
//! commands that write refuse them, and a bad name is an error naming the setting.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::servers::{Postgres, RedisServer};
use common::{NOW, ctxlens_with, write_temp};

#[test]
fn configured_tables_are_read_and_writers_refuse_them() {
    let redis = RedisServer::start();
    let pg = Postgres::shared();
    let url = pg.create_database("tables");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", url)];
    for cmd in ["migrate", "seed"] {
        let out = ctxlens_with(&[cmd], &env);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
    }
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
    let config = write_temp(
        "tables.toml",
        "[stores.tables]\nuser_journeys = \"app.journeys\"\nmemory_bank = 'app.Memory Bank'\nknowledge = \"app.articles\"\n",
    );
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
    assert_eq!(v["users"].as_array().map(Vec::len), Some(68));

    for cmd in ["migrate", "seed"] {
        let out = ctxlens_with(&[cmd, "--config", config], &env);
        assert_eq!(out.code, 2, "{cmd} refuses: {}", out.stdout);
        assert!(
            out.stderr
                .contains("[stores.tables] names others (app.journeys"),
            "{}",
            out.stderr
        );
    }
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
