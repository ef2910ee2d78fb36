//! The sweep against live stores seeded with the demo, plus a user whose secrets sit inside
//! quoted values and a user whose milestones are words the map does not know.

use std::collections::BTreeSet;

use super::{Seen, Source, private, sweep, sweep_all};
use crate::common::servers::{Postgres, RedisServer};
use crate::common::{ctxlens_with, migrate_and_seed};

/// A user whose secrets sit where a scan over messages used to lose track: a malformed turn
/// whose role holds an escaped quote, a timestamp that is words, a cached context whose count is
/// a secret number, and a display name.
const QUOTER: &str = "quoter";
const QUOTER_WORDS: &[&str] = &["zqvrole", "zqvtime", "zqvname", "zqvturn", "7391046"];

fn seed_quoter(redis: &RedisServer, db_name: &str) {
    let turns = serde_json::json!([
        {"role": "x\" zqvrole zqvturn", "content": "zqvturn words", "timestamp": "2025-01-15T10:00:00Z"},
        {"user": "zqvturn again", "assistant": "ok", "timestamp": "zqvtime \" zqvturn"},
        {"user": "a good zqvturn", "assistant": "ok", "timestamp": "2025-01-15T11:00:00Z"},
    ]);
    let cached = serde_json::json!({
        "user_id": QUOTER, "milestone": "M1", "policy": "prolaunch",
        "created_at": "2025-01-15T11:55:00Z", "total_tokens": "7391046 zqvturn",
        "items": [], "prompt": "zqvturn",
    });
    let mut con = redis.connection();
    for (key, value) in [
        (format!("session:{QUOTER}:s1"), turns.to_string()),
        (format!("context:{QUOTER}:M1"), cached.to_string()),
    ] {
        let _: () = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .query(&mut con)
            .expect("SET");
    }
    Postgres::shared().psql(
        db_name,
        &format!(
            "INSERT INTO user_journeys (user_id, current_milestone, display_name) \
             VALUES ('{QUOTER}', 'M1', 'Zqvname \"Zqvname\" Surname')"
        ),
    );
}

/// A user whose milestones are words the map does not know: where it stands, a transition's
/// `from` and `to`, a completed milestone. Written by someone, so masked like the rest.
const WANDERER: &str = "wanderer";
const WANDERER_WORDS: &[&str] = &["zqvstage", "zqvfrom", "zqvto", "zqvdone"];

fn seed_wanderer(redis: &RedisServer, db_name: &str) {
    let turns = serde_json::json!([
        {"user": "how do I price", "assistant": "ok", "timestamp": "2025-01-15T10:00:00Z"},
    ]);
    let _: () = redis::cmd("SET")
        .arg(format!("session:{WANDERER}:s1"))
        .arg(turns.to_string())
        .query(&mut redis.connection())
        .expect("SET");
    Postgres::shared().psql(
        db_name,
        &format!(
            "INSERT INTO user_journeys (user_id, current_milestone, display_name) \
             VALUES ('{WANDERER}', 'zqvstage', 'W');
             INSERT INTO memory_bank VALUES (990001, '{WANDERER}', 'transition', NULL, \
               '{{\"from\": \"zqvfrom\", \"to\": \"zqvto\", \"context\": {{\"carried\": 1}}}}', \
               '2025-01-14T09:00:00Z');
             INSERT INTO memory_bank VALUES (990002, '{WANDERER}', 'milestone_data', 'zqvdone', \
               '{{\"done\": true}}', '2025-01-14T10:00:00Z');
             INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) \
               VALUES ({WANDERER_ROW}, 'zqvstage', 'Pricing', 'how to price', '{}', \
               '2025-01-14T08:00:00Z');",
            vector("how do I price")
        ),
    );
}

/// A knowledge row at the wanderer's milestone: its milestone is the same unknown word.
const WANDERER_ROW: u32 = 990_003;

fn vector(text: &str) -> String {
    let v: Vec<String> = ctxlens::engine::embed::embed(text, 384)
        .iter()
        .map(|x| x.to_string())
        .collect();
    format!("[{}]", v.join(","))
}

#[test]
fn the_sweep_holds_on_live_stores_and_for_quotes_inside_values() {
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("redact_live");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    migrate_and_seed(&env);
    seed_quoter(&redis, "redact_live");
    seed_wanderer(&redis, "redact_live");
    let mut private = private();
    private.extend(QUOTER_WORDS.iter().map(|w| w.to_string()));
    private.extend(WANDERER_WORDS.iter().map(|w| w.to_string()));
    let mut seen = Seen::default();
    let live = Source {
        env: &env,
        live: true,
    };
    sweep_all(
        &["u062", "u066", "u068", QUOTER, WANDERER],
        &live,
        &private,
        &mut seen,
    );
    the_wanderers_milestones_are_masked_in_messages(&live, &private, &mut seen);
    a_row_at_the_wanderers_milestone_is_masked_where_named(&live, &private, &mut seen);
    assert!(seen.leaks.is_empty(), "{}", seen.leaks.join("\n"));
    unredacted_the_secrets_are_there_to_find(&env);
}

/// The wanderer's milestones as the commands name them in messages: the milestone of an
/// instant after its transition, the changes between two users and two instants, the notes.
fn the_wanderers_milestones_are_masked_in_messages(
    live: &Source,
    private: &BTreeSet<String>,
    seen: &mut Seen,
) {
    let after = "2025-01-14T09:30:00Z";
    for args in [
        &["inspect", WANDERER, "--at", after][..],
        &["inspect", WANDERER, "--at", after, "--json"],
        &["replay", WANDERER, "--at", after, "--json"],
        &["diff", WANDERER, "u062"],
        &["diff", WANDERER, "u062", "--json"],
        &[
            "diff",
            WANDERER,
            "--at",
            "2025-01-14T08:00:00Z",
            "--at",
            after,
        ],
        &["diff", WANDERER, "--at", after, "--json"],
    ] {
        sweep(args, live, private, seen);
    }
}

/// A knowledge row at the wanderer's milestone: the row's milestone is masked where the
/// explanation, the replay and the report's knowledge sections name it.
fn a_row_at_the_wanderers_milestone_is_masked_where_named(
    live: &Source,
    private: &BTreeSet<String>,
    seen: &mut Seen,
) {
    let row = format!("kn:{WANDERER_ROW}");
    for (args, shows) in [
        (&["explain", WANDERER, row.as_str()][..], "Pricing"),
        (&["explain", WANDERER, row.as_str(), "--json"], "Pricing"),
        (&["replay", WANDERER, "--json"], row.as_str()),
        (
            &["report", "--format", "markdown"],
            "Knowledge rows by their milestone",
        ),
        (&["report", "--json"], "\"listed_per_milestone\""),
    ] {
        let out = sweep(args, live, private, seen);
        assert!(
            out.stdout.contains(shows),
            "ctxlens {}: no {shows}: {}",
            args.join(" "),
            out.stdout
        );
    }
}

/// Unredacted, the quoter's and the wanderer's secrets are there to find: the sweep can see them.
fn unredacted_the_secrets_are_there_to_find(env: &[(&str, String)]) {
    let plain = ctxlens_with(&["inspect", QUOTER], env);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for w in ["zqvrole", "zqvtime", "zqvname"] {
        assert!(
            plain.stdout.to_lowercase().contains(w),
            "inspect {QUOTER} without --redact does not show {w}: {}",
            plain.stdout
        );
    }
    let plain = ctxlens_with(&["inspect", WANDERER, "--json"], env);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    for w in WANDERER_WORDS {
        assert!(
            plain.stdout.contains(w),
            "inspect {WANDERER} without --redact does not show {w}: {}",
            plain.stdout
        );
    }
}
