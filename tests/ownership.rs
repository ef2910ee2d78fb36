//! Ownership is never guessed (SPEC §6): user ids may contain `:`, so a key that two known users
//! could own is nobody's data and a finding for each; every read path (one user, a report's
//! batches, the users listing, the progress channel) applies the same rule, on real servers.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "ownership/listing.rs"]
mod listing;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::servers::{Postgres, RedisServer};
use common::{ctxlens_with, endpoints, runtime};
use ctxlens::engine::snapshot::NoteKind;
use ctxlens::store::live::{Endpoints, LiveStore};
use ctxlens::store::{FleetPass, LoadOptions, Store, StoreError, UserData};

/// A session value of one turn whose text names the key it was written to.
fn turn(key: &str) -> String {
    format!(r#"[{{"user":"text of {key}","assistant":"ok","timestamp":"2025-01-15T11:00:00Z"}}]"#)
}

/// Journey users a, a:b:c, m31 and the empty id; Redis-only users r:x, q, q:z, g*, gX (their
/// keys decide them).
const JOURNEYS: &[(&str, &str)] = &[("a", "M1"), ("a:b:c", "M2"), ("m31", "M3"), ("", "M0")];
const SESSIONS: &[&str] = &[
    "session:a:s0",
    // a's session `b:c:s1`, or a:b:c's `s1`: ambiguous.
    "session:a:b:c:s1",
    // m31's session `a:b:c` (m31 has a journey row; m31:a:b is no user).
    "session:m31:a:b:c",
    // Only Redis knows these: r:x's session (r is nobody); q's, and q:z's or q's: ambiguous.
    "session:r:x:s1",
    "session:q:s1",
    "session:q:z:s2",
    // Glob characters are literal: g* never reads gX's key.
    "session:g*:s1",
    "session:gX:s1",
    // The empty user id's session, and m31's session with the empty id: read like any other.
    "session::s1",
    "session:m31:",
];
const CONTEXTS: &[(&str, &str)] = &[
    ("context:a:M1", "{}"),
    ("context:a:b:c:M2", "{}"),
    ("context:m31:M3", "{}"),
];

/// What each user owns, and the ambiguous keys it is told about.
fn expected() -> BTreeMap<&'static str, (Vec<&'static str>, Vec<&'static str>)> {
    BTreeMap::from([
        (
            "a",
            (
                vec!["session:a:s0"],
                vec!["context:a:b:c:M2", "session:a:b:c:s1"],
            ),
        ),
        (
            "a:b:c",
            (vec![], vec!["context:a:b:c:M2", "session:a:b:c:s1"]),
        ),
        ("m31", (vec!["session:m31:", "session:m31:a:b:c"], vec![])),
        ("", (vec!["session::s1"], vec![])),
        ("r:x", (vec!["session:r:x:s1"], vec![])),
        ("q", (vec!["session:q:s1"], vec!["session:q:z:s2"])),
        ("q:z", (vec![], vec!["session:q:z:s2"])),
        ("g*", (vec!["session:g*:s1"], vec![])),
        ("gX", (vec!["session:gX:s1"], vec![])),
    ])
}

/// Ids that are candidates of some key but no known user.
const NOBODY: &[&str] = &["a:b", "m31:a", "m31:a:b", "r", "g"];

/// A Redis and a database `name` with the users above.
fn seed(name: &str) -> (RedisServer, String) {
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database(name);
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", db.clone())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<String> = JOURNEYS
        .iter()
        .map(|(u, m)| format!("('{u}', '{m}')"))
        .collect();
    Postgres::shared().psql(
        name,
        &format!(
            "INSERT INTO user_journeys (user_id, current_milestone) VALUES {}",
            rows.join(", ")
        ),
    );
    let mut pipe = redis::pipe();
    for k in SESSIONS {
        pipe.cmd("SET").arg(*k).arg(turn(k)).ignore();
    }
    for (k, v) in CONTEXTS {
        pipe.cmd("SET").arg(*k).arg(*v).ignore();
    }
    let () = pipe.query(&mut redis.connection()).expect("write keys");
    (redis, db)
}

/// (owned session keys, ambiguous keys noted) of a load, sorted.
fn shape(d: &UserData) -> (Vec<String>, Vec<String>) {
    let mut owned: Vec<String> = d.sessions.iter().map(|s| s.key.clone()).collect();
    let mut noted: Vec<String> = d
        .notes
        .iter()
        .filter(|n| n.kind == NoteKind::AmbiguousKey)
        .map(|n| n.source.clone())
        .collect();
    owned.sort();
    noted.sort();
    (owned, noted)
}

fn as_strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

/// The user ids `users --json` lists from the stores of `env` (exit 0 asserted).
fn listed(env: &[(&str, String)]) -> Vec<String> {
    let users = ctxlens_with(&["users", "--json"], env);
    assert_eq!(users.code, 0, "{}", users.stderr);
    let v: serde_json::Value = serde_json::from_str(&users.stdout).expect("users JSON");
    v["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["user_id"].as_str().map(str::to_string))
        .collect()
}

/// Every load path of `live` gives each user exactly its keys, and nobody else's.
async fn check_loads(live: &LiveStore, want: &BTreeMap<&str, (Vec<&str>, Vec<&str>)>) {
    let opts = LoadOptions::default();
    let ids: Vec<String> = want.keys().map(|u| (*u).to_string()).collect();
    let batched = live.load_users(&ids, &opts, &FleetPass::default()).await;
    for (u, b) in ids.iter().zip(batched) {
        let (owned, noted) = &want[u.as_str()];
        let one = live.load_user(u, &opts).await.expect("a known user loads");
        assert_eq!(shape(&one), (as_strings(owned), as_strings(noted)), "{u}");
        let b = b.expect("a known user loads in a batch");
        assert_eq!(
            shape(&b),
            shape(&one),
            "{u}: batched and single loads differ"
        );
        let texts: Vec<String> = one
            .session
            .iter()
            .filter_map(|e| e.raw["user"].as_str().map(str::to_string))
            .collect();
        for t in texts {
            let key = t.strip_prefix("text of ").expect("a seeded turn");
            assert!(owned.contains(&key), "{u} reads {key}'s turn");
        }
    }
}

#[test]
fn each_key_goes_to_its_one_known_owner_and_ambiguous_keys_to_nobody() {
    let (redis, db) = seed("ownership");
    let want = expected();
    runtime().block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        check_loads(&live, &want).await;
        nobody_is_found_and_a_context_key_is_read_by_its_one_owner(&live).await;
    });

    // The binary: the listing names exactly the known users, and each of them inspects to its
    // own keys with a finding per ambiguous key; ids that are no user are not found.
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let listed = listed(&env);
    assert_eq!(
        listed,
        ["", "a", "a:b:c", "m31", "g*", "gX", "q", "q:z", "r:x"]
    );
    each_user_inspects_to_its_own_keys(&env, &listed, &want);
    for u in NOBODY {
        let out = ctxlens_with(&["inspect", u, "--json"], &env);
        assert_eq!(out.code, 1, "{u}: {}", out.stdout);
        assert!(out.stderr.contains("not found"), "{u}: {}", out.stderr);
    }
    // Asked for by name, the ambiguous session is said to be ambiguous, not missing.
    for (user, session) in [("a", "b:c:s1"), ("a:b:c", "s1")] {
        let out = ctxlens_with(&["replay", user, "--session", session], &env);
        assert_eq!(out.code, 1, "{}", out.stdout);
        assert!(
            out.stderr
                .contains(&format!("{user:?}'s session {session:?} in redis "))
                && out.stderr.contains(
                    ": its key session:a:b:c:s1 could belong to a or a:b:c (user ids may contain ':'); not read as anyone's"
                ),
            "{}",
            out.stderr
        );
    }
    the_fleet_report_names_each_ambiguous_key_once(&env, listed.len());
}

/// No id of [`NOBODY`] loads; `a`'s own context key is read, and `a:b:c`'s, which `a` could
/// own too, is not.
async fn nobody_is_found_and_a_context_key_is_read_by_its_one_owner(live: &LiveStore) {
    for u in NOBODY {
        let e = live.load_user(u, &LoadOptions::default()).await;
        assert!(
            matches!(e, Err(StoreError::UserNotFound { .. })),
            "{u} is nobody: {e:?}"
        );
    }
    let a = live
        .load_user("a", &LoadOptions::default())
        .await
        .expect("a");
    assert!(a.cached_context.is_some(), "a's own context key is read");
    let abc = live.load_user("a:b:c", &LoadOptions::default()).await;
    assert!(
        abc.expect("a:b:c").cached_context.is_none(),
        "its context key is ambiguous"
    );
}

/// `inspect --json` of each of `listed`: its own session keys as `want` has them, a finding per
/// ambiguous key, and no text of another's key.
fn each_user_inspects_to_its_own_keys(
    env: &[(&str, String)],
    listed: &[String],
    want: &BTreeMap<&str, (Vec<&str>, Vec<&str>)>,
) {
    for u in listed {
        let out = ctxlens_with(&["inspect", u, "--json"], env);
        assert_eq!(out.code, 0, "{u}: {}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("inspect JSON");
        let mut keys: Vec<&str> = v["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .filter_map(|s| s["key"].as_str())
            .collect();
        keys.sort();
        let (owned, noted) = &want[u.as_str()];
        assert_eq!(&keys, owned, "{u}");
        let mut ambiguous: Vec<(&str, &str)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["kind"] == "ambiguous_key")
            .filter_map(|f| Some((f["source"].as_str()?, f["message"].as_str()?)))
            .collect();
        ambiguous.sort();
        assert_eq!(
            ambiguous.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            *noted,
            "{u}"
        );
        if let Some((_, m)) = ambiguous.iter().find(|(k, _)| *k == "session:a:b:c:s1") {
            assert!(m.starts_with("could belong to a or a:b:c "), "{m}");
        }
        let items = v["assembly"]["items"].to_string();
        for k in SESSIONS.iter().filter(|k| !owned.contains(k)) {
            assert!(!items.contains(&format!("text of {k}")), "{u} shows {k}");
        }
    }
}

/// The fleet report reads the `listed` users without an error, and names each ambiguous key
/// once (it is met under each of its users), not leaving them out without a word.
fn the_fleet_report_names_each_ambiguous_key_once(env: &[(&str, String)], listed: usize) {
    let report = ctxlens_with(&["report", "--json"], env);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let v: serde_json::Value = serde_json::from_str(&report.stdout).expect("report JSON");
    assert_eq!(v["users"], listed);
    assert_eq!(v["errors"]["count"], 0, "{}", v["errors"]);
    let keys: Vec<&str> = v["ambiguous_keys"]
        .as_array()
        .expect("ambiguous keys")
        .iter()
        .filter_map(|k| k.as_str()?.split(": ").next())
        .collect();
    assert_eq!(
        keys,
        ["context:a:b:c:M2", "session:a:b:c:s1", "session:q:z:s2"]
    );
    let text = ctxlens_with(&["report"], env);
    assert!(
        text.stdout
            .contains("3 Redis keys that more than one user could own: read as no one's")
            && text
                .stdout
                .contains("session:a:b:c:s1: could belong to a or a:b:c"),
        "{}",
        text.stdout
    );
}

#[test]
fn without_postgres_keys_go_to_their_natural_owners() {
    let (redis, _db) = seed("ownership_redis_only");
    // Nobody has a journey row: a's and a:b:c's sessions still make both known, so their
    // shared keys stay ambiguous; so do m31's (its session with the empty id makes it known)
    // and m31:a:b's (the natural owner of session:m31:a:b:c).
    let mut want = expected();
    want.insert("m31", (vec!["session:m31:"], vec!["session:m31:a:b:c"]));
    want.insert("m31:a:b", (vec![], vec!["session:m31:a:b:c"]));
    runtime().block_on(async {
        let live = LiveStore::connect(&Endpoints {
            database_url: None,
            ..endpoints(&redis, "")
        })
        .await
        .expect("connects");
        check_loads(&live, &want).await;
    });
    let listed = listed(&[("REDIS_URL", redis.url())]);
    assert_eq!(listed, want.keys().copied().collect::<Vec<_>>());
}

#[test]
fn a_user_id_with_colons_and_glob_characters_subscribes_to_exactly_its_channel() {
    let redis = RedisServer::start();
    let user = "g*:x?[1]";
    let channel = format!("progress:{user}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["watch", user, "--json", "--count", "1"])
        .env("REDIS_URL", redis.url())
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .spawn()
        .expect("watch runs");
    let mut conn = redis.connection();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, n): (String, u64) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(&channel)
            .query(&mut conn)
            .expect("numsub");
        if n > 0 {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("watch never subscribed to {channel}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let patterns: u64 = redis::cmd("PUBSUB")
        .arg("NUMPAT")
        .query(&mut conn)
        .expect("numpat");
    assert_eq!(patterns, 0, "a named user's channel is no pattern");
    // Channels the id would match as a glob reach nobody.
    for decoy in [
        "progress:gAAA:xZ1",
        "progress:g:x?[1]",
        "progress:g*:x?[1]:more",
    ] {
        let payload = r#"{"milestone":"DECOY","progress":1,"timestamp":"2025-01-15T12:00:00Z"}"#;
        let heard: i64 = redis::cmd("PUBLISH")
            .arg(decoy)
            .arg(payload)
            .query(&mut conn)
            .expect("publish");
        assert_eq!(heard, 0, "{decoy} reached the watcher");
    }
    let payload = r#"{"milestone":"M0","progress":100,"timestamp":"2025-01-15T12:00:00Z"}"#;
    let heard: i64 = redis::cmd("PUBLISH")
        .arg(&channel)
        .arg(payload)
        .query(&mut conn)
        .expect("publish");
    assert_eq!(heard, 1);
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one event as JSON");
    assert_eq!(v["user_id"], user);
    assert_eq!(v["milestone"], "M0");
}

/// A key name that is not UTF-8 is nobody's user (ids are text): not listed, never read as the
/// user its lossy text would name; a user whose `session:{user}:` it begins with is told of it
/// as a malformed item naming the key, on one load and in a report's batches alike.
#[test]
fn key_names_that_are_not_utf8_are_named_and_never_a_user() {
    let redis = RedisServer::start();
    write_keys_not_utf8(&redis);
    let env = [("REDIS_URL", redis.url())];
    the_listing_names_the_keys_of_no_user(&env);

    let inspect = |user: &str| {
        let out = ctxlens_with(&["inspect", user, "--json"], &env);
        assert_eq!(out.code, 0, "{user}: {}", out.stderr);
        serde_json::from_str::<serde_json::Value>(&out.stdout).expect("inspect JSON")
    };
    let u1 = inspect("u1");
    let malformed = u1["assembly"]["malformed"].as_array().expect("malformed");
    assert_eq!(malformed.len(), 1, "{u1}");
    assert_eq!(malformed[0]["source"], "session:u1:s\\xFF", "{u1}");
    assert!(
        malformed[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not UTF-8")),
        "{u1}"
    );
    // The user whose id is the lossy text reads its own key only, and no malformed item.
    let lossy = inspect("bad\u{FFFD}utf");
    assert!(!lossy.to_string().contains("bad bytes"), "{lossy}");
    assert_eq!(
        lossy["assembly"]["malformed"],
        serde_json::json!([]),
        "{lossy}"
    );

    // A report reads every listed user (none fails) and counts u1's malformed item.
    let report = ctxlens_with(&["report", "--json"], &env);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let r: serde_json::Value = serde_json::from_str(&report.stdout).expect("report JSON");
    assert_eq!(r["users"], 2, "{r}");
}

/// u1's session, the session of the user whose id is the lossy text of the next key, a key
/// whose user id is not UTF-8, one of u1 whose session id is not, and one with no `:` after
/// the user id.
fn write_keys_not_utf8(redis: &RedisServer) {
    let mut pipe = redis::pipe();
    pipe.cmd("SET")
        .arg("session:u1:s1")
        .arg(turn("session:u1:s1"))
        .ignore();
    // The lossy text of the next key would be the id of this user.
    pipe.cmd("SET")
        .arg("session:bad\u{FFFD}utf:s1")
        .arg(turn("session:bad\u{FFFD}utf:s1"))
        .ignore();
    pipe.cmd("SET")
        .arg(&b"session:bad\xffutf:s1"[..])
        .arg(turn("bad bytes"))
        .ignore();
    pipe.cmd("SET")
        .arg(&b"session:u1:s\xff"[..])
        .arg(turn("u1's bad bytes"))
        .ignore();
    // No `:` after the user id: no user's session key, named rather than passed over.
    pipe.cmd("SET")
        .arg("session:lone")
        .arg(turn("session:lone"))
        .ignore();
    let () = pipe.query(&mut redis.connection()).expect("write keys");
}

/// The listing of `env`'s Redis: the users whose ids are text, and each key of no user named
/// on stderr and in `--json`, not lost.
fn the_listing_names_the_keys_of_no_user(env: &[(&str, String)]) {
    let listed = listed(env);
    assert_eq!(listed, ["bad\u{FFFD}utf", "u1"]);
    // The key whose user id is not UTF-8 is no user's: named on stderr and in --json, not lost.
    let users = ctxlens_with(&["users", "--json"], env);
    let v: serde_json::Value = serde_json::from_str(&users.stdout).expect("users JSON");
    assert_eq!(
        v["unlisted"],
        serde_json::json!(["session:bad\\xFFutf:s1", "session:lone"]),
        "{v}"
    );
    let text = ctxlens_with(&["users"], env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    // Live stores count no sessions per user: the `—` is explained, not left to guess.
    assert!(
        text.stdout
            .contains("sessions and last activity (—) are not counted from live stores (inspect"),
        "{}",
        text.stdout
    );
    assert!(
        text.stderr.contains(
            "ctxlens: note: session:bad\\xFFutf:s1: not listed: its user id is not UTF-8"
        ),
        "{}",
        text.stderr
    );
    assert!(
        text.stderr.contains(
            "ctxlens: note: session:lone: not listed: no ':' separates a user id from a session id"
        ),
        "{}",
        text.stderr
    );
}

/// Two ids that differ only in what a terminal would show alike — a control character and its
/// picture typed as itself, a right-to-left override and its escape typed out, an ASCII and a
/// no-break space — are listed, headed and reported as different ids, and the id a shell is
/// given opens that user only.
#[test]
fn ids_that_would_read_alike_are_shown_apart() {
    let db = Postgres::shared().create_database("lookalike");
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", db.clone())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids = [
        "x\u{1b}[31m\u{7}",
        "x\u{241b}[31m\u{2407}",
        "b\u{202e}e",
        "b\\u{202e}e",
        "s ",
        "s\u{a0}",
    ];
    let values: Vec<String> = ids
        .iter()
        .map(|u| format!("('{}', 'M0', '{} name')", u.replace('\'', "''"), u.len()))
        .collect();
    Postgres::shared().psql(
        "lookalike",
        &format!(
            "INSERT INTO user_journeys (user_id, current_milestone, display_name) VALUES {}",
            values.join(", ")
        ),
    );
    let env = [("DATABASE_URL", db)];
    // The listing: one line per id, no two alike.
    let out = ctxlens_with(&["users"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let firsts: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .take(ids.len())
        .filter_map(|l| l.split("  ").next())
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = firsts.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "{}", out.stdout);
    for want in [
        "x␛[31m␇",
        r"x\u{241b}[31m\u{2407}",
        r"b\u{202e}e",
        r"b\\u{202e}e",
        "\"s \"",
        r"s\u{a0}",
    ] {
        assert!(out.stdout.contains(want), "{want}: {}", out.stdout);
    }
    // Each heading names its own user (the display name says which), and differs.
    let mut headings = std::collections::BTreeSet::new();
    for id in ids {
        let out = ctxlens_with(&["inspect", id], &env);
        assert_eq!(out.code, 0, "{id:?}: {}", out.stderr);
        let head = out.stdout.lines().next().unwrap_or_default().to_string();
        assert!(
            head.contains(&format!("· {} name", id.len())),
            "{id:?}: {head}"
        );
        headings.insert(head);
    }
    assert_eq!(headings.len(), ids.len(), "{headings:?}");
    // What `y` copies for the first, given to a shell, opens the first and not the second.
    let copy = ctxlens::text::shell_word(ids[0]);
    assert_eq!(copy, r"$'x\x1b[31m\x07'");
    let bin = env!("CARGO_BIN_EXE_ctxlens");
    let url = &env[0].1;
    let out = Command::new("bash")
        .args([
            "-c",
            &format!("{bin} --database-url {url} inspect {copy} --json"),
        ])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("ctxlens-tests-no-config"),
        )
        .env_remove("REDIS_URL")
        .output()
        .expect("bash runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(v["user_id"], ids[0]);
}
