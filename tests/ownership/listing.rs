//! The users listing pages and names ids as they are: the empty id, a cursor's hint that
//! pastes back into a shell, and a cursor of another store's listing.

use super::{listed, turn};
use crate::common::ctxlens_with;
use crate::common::servers::{Postgres, RedisServer};

/// The empty id is an id: listed first, paged past once, and counted by the summary.
#[test]
fn the_empty_user_id_is_listed_and_paged_once() {
    let db = Postgres::shared().create_database("emptyid");
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", db.clone())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    Postgres::shared().psql(
        "emptyid",
        "INSERT INTO user_journeys (user_id, current_milestone) VALUES ('', 'M0'), ('a', 'M1'), ('b', 'Mx')",
    );
    let env = [("DATABASE_URL", db)];
    assert_eq!(listed(&env), ["", "a", "b"]);
    // One at a time: '' then a then b, each once.
    let mut cursor: Option<String> = None;
    let mut seen = vec![];
    loop {
        let mut args = vec!["users", "--json", "--limit", "1"];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c.as_str()]);
        }
        let out = ctxlens_with(&args, &env);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        for u in v["users"].as_array().expect("users") {
            seen.push(u["user_id"].as_str().expect("id").to_string());
        }
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
        assert!(seen.len() <= 3, "paged past the end: {seen:?}");
    }
    assert_eq!(seen, ["", "a", "b"]);
    // The summary's milestones add up to the users: a milestone not in the map counted too.
    let summary = ctxlens_with(&[], &env);
    assert_eq!(summary.code, 0, "{}", summary.stderr);
    assert!(summary.stdout.contains("— 3 users"), "{}", summary.stdout);
    assert!(
        summary.stdout.contains("M0:1  M1:1  M2:0")
            && summary.stdout.contains("M9:0  not in the map:1"),
        "{}",
        summary.stdout
    );
}

/// The text listing's `more: --cursor …` hint is a shell word: an id holding `$(…)`, spaces or
/// quotes pastes back as that cursor, never as a command, and reads the next page.
#[test]
fn the_next_page_hint_pastes_back_as_one_shell_word() {
    let db = Postgres::shared().create_database("cursorhint");
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", db.clone())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    Postgres::shared().psql(
        "cursorhint",
        "INSERT INTO user_journeys (user_id, current_milestone) VALUES \
         ('$(touch pwned) it''s', 'M0'), ('zz', 'M1')",
    );
    let env = [("DATABASE_URL", db)];
    let out = ctxlens_with(&["users", "--limit", "1"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let hint = out
        .stdout
        .lines()
        .find_map(|l| {
            l.split_once(" · more: --cursor ")
                .map(|(_, c)| c.trim_end())
        })
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert_eq!(hint, r"'pg:$(touch pwned) it'\''s'", "{}", out.stdout);
    // What a shell makes of the hint is the cursor, and it reads the next page.
    let word = std::process::Command::new("sh")
        .args(["-c", &format!("printf %s {hint}")])
        .output()
        .expect("sh");
    let cursor = String::from_utf8_lossy(&word.stdout).into_owned();
    assert_eq!(cursor, "pg:$(touch pwned) it's");
    let next = ctxlens_with(&["users", "--json", "--cursor", &cursor], &env);
    assert_eq!(next.code, 0, "{}", next.stderr);
    let v: serde_json::Value = serde_json::from_str(&next.stdout).expect("JSON");
    assert_eq!(v["users"][0]["user_id"], "zz", "{v}");
}

/// A Postgres phase's cursor given to a listing with no Postgres (Redis only) is another
/// store's cursor: refused (exit 2), never taken for the first page.
#[test]
fn a_cursor_of_another_stores_listing_is_refused() {
    let redis = RedisServer::start();
    let mut pipe = redis::pipe();
    for user in ["a1", "a2", "a3"] {
        let key = format!("session:{user}:s1");
        pipe.cmd("SET").arg(&key).arg(turn(&key)).ignore();
    }
    let () = pipe.query(&mut redis.connection()).expect("write keys");
    let env = [("REDIS_URL", redis.url())];
    let out = ctxlens_with(&["users", "--cursor", "pg:a1"], &env);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("invalid cursor \"pg:a1\""),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    // Its own cursors page on.
    let page = ctxlens_with(&["users", "--json", "--limit", "1"], &env);
    let v: serde_json::Value = serde_json::from_str(&page.stdout).expect("JSON");
    let next = v["next_cursor"]
        .as_str()
        .expect("a next cursor")
        .to_string();
    let rest = ctxlens_with(&["users", "--json", "--cursor", &next], &env);
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    let v: serde_json::Value = serde_json::from_str(&rest.stdout).expect("JSON");
    assert_eq!(v["users"].as_array().map(Vec::len), Some(2), "{v}");
}
