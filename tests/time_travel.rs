//! Time travel (`--at T`) against real Redis and Postgres+pgvector started by the harness: rows
//! created at known times, the user reconstructed as of an instant (journey rows, milestone,
//! knowledge, turns), and what cannot be told said as notes.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "time_travel/read.rs"]
mod read;
#[path = "time_travel/story.rs"]
mod story;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use common::servers::Postgres;
use common::{ctxlens, ctxlens_with, endpoints, runtime};
use ctxlens::engine::embed::embed;
use ctxlens::engine::snapshot::fmt_ts;
use ctxlens::store::live::LiveStore;
use ctxlens::store::{KnowledgeQuery, Store};
use read::{ids, notes, run};
use story::{QUERY, Story, migrated, seed, sql_ts, vector};

#[test]
fn a_user_as_of_an_instant_from_live_stores() {
    let (pg, db) = (Postgres::shared(), "time_travel");
    let (redis, env, url) = migrated(pg, db);
    let story = Story { now: Utc::now() };
    seed(pg, db, &redis, &story);
    now_every_row_and_turn_is_read(&env);
    // A row created at `-infinity` (legal in Postgres, no readable time) cannot be placed in
    // time: as of T it is left out, as journey rows without a time are and as `explain` says.
    pg.psql(
        db,
        &format!(
            "INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) VALUES \
             (900, NULL, 'Undated note', '{QUERY}', {}, '-infinity');",
            vector(QUERY)
        ),
    );

    // Three days back: the rows created by then, M2 from the transition of six days back, and
    // only the article there was then, though thirty newer ones are more similar. No turn is
    // that old, so the question is asked with --query.
    let t = story.ago(3 * Story::DAY);
    let at = fmt_ts(&t);
    let args = ["replay", "tt1", "--json", "--at", &at, "--query", QUERY];
    three_days_back(&args, &at, &env);
    thirty_five_minutes_back(&story, &env);
    before_any_data_and_in_the_future(&story, &env);
    // The batched search answers each query as the single one does, the instant in its SQL.
    runtime().block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &url))
            .await
            .expect("connects");
        the_batched_search_answers_as_the_single_one(&live, t).await;
    });
}

/// The search of many queries at once by `live` answers each as the single one does, as of
/// `t` for those asked so and now for the other.
async fn the_batched_search_answers_as_the_single_one(live: &LiveStore, t: DateTime<Utc>) {
    let q = |created_by| KnowledgeQuery {
        embedding: embed(QUERY, 384),
        milestone_filter: Some("M2".into()),
        min_similarity: 0.4,
        limit: 15,
        created_by,
    };
    let qs = [q(Some(t)), q(None), q(Some(t))];
    let many = live.search_knowledge_many(&qs).await;
    for (q, got) in qs.iter().zip(many) {
        let got = got.expect("search");
        assert_eq!(got, live.search_knowledge(q).await.expect("search"));
        let ids: Vec<&str> = got.hits.iter().map(|h| h.id.as_str()).collect();
        match q.created_by {
            Some(_) => assert_eq!(ids, ["kn:1"]),
            None => assert_eq!(ids.len(), 15),
        }
    }
}

/// Now: every journey row, the three turns, and the thirty newer notes fill the search's
/// window (limit 10 + 5 near misses), so the older article is not even a near miss.
fn now_every_row_and_turn_is_read(env: &[(&str, String)]) {
    let now = run(&["replay", "tt1", "--json"], env);
    assert_eq!(ids(&now, "journey").len(), 7);
    assert_eq!(ids(&now, "session"), ["s1#2", "s1#1", "s1#0"]);
    let kn = ids(&now, "knowledge");
    assert_eq!(kn.len(), 15, "{kn:?}");
    assert!(!kn.contains(&"kn:1".to_string()), "{kn:?}");
    assert!(now.get("as_of").is_none(), "no as_of without --at");
}

/// Three days back (`at`, asked by `args`): the rows created by then, M2 from the transition
/// of six days back, and only the article there was then; notes on what cannot be told, and
/// the undated row named.
fn three_days_back(args: &[&str], at: &str, env: &[(&str, String)]) {
    let then = run(args, env);
    let mut journey = ids(&then, "journey");
    journey.sort();
    assert_eq!(journey, ["mb:1", "mb:2", "mb:3", "mb:4", "mb:5"]);
    assert_eq!(then["as_of"]["at"], at);
    assert_eq!(then["as_of"]["milestone"], "M2");
    assert_eq!(
        then["as_of"]["milestone_from"],
        json!({"from": "transition", "id": "mb:5"})
    );
    assert_eq!(ids(&then, "knowledge"), ["kn:1"]);
    assert!(ids(&then, "session").is_empty());
    three_days_back_notes_say_what_cannot_be_told(&then);
    let why = ctxlens_with(
        &["explain", "tt1", "kn:900", "--at", at, "--query", QUERY],
        env,
    );
    assert_eq!(why.code, 1, "{}", why.stderr);
    assert!(
        why.stderr
            .contains("kn:900 has no readable created_at, so it cannot be placed in time"),
        "{}",
        why.stderr
    );
}

/// The notes of the replay three days back: the session and the cached context expired, what
/// only the present keeps, and the undated row.
fn three_days_back_notes_say_what_cannot_be_told(then: &Value) {
    let n = notes(then);
    let has = |kind: &str, source: &str, text: &str| {
        n.iter()
            .any(|(k, s, m)| k == kind && s == source && m.contains(text))
    };
    assert!(
        has(
            "expired",
            "session:tt1:s1",
            "no stored turn is at or before T"
        ),
        "{n:#?}"
    );
    assert!(
        has("expired", "session:tt1:*", "was live at T and is gone now"),
        "{n:#?}"
    );
    assert!(
        has("expired", "context:tt1:M4", "at T the user was at M2"),
        "{n:#?}"
    );
    assert!(
        has("only_current", "user_journeys", "derived from memory_bank"),
        "{n:#?}"
    );
    assert!(
        has("only_current", "knowledge", "cannot be restored"),
        "{n:#?}"
    );
    // The undated row is named, not left out without a word; explain says why, not a guess.
    assert!(
        has(
            "undated",
            "knowledge",
            "kn:900 without a readable created_at cannot be placed in time: left out of the \
             search at T"
        ),
        "{n:#?}"
    );
}

/// 35 minutes back: the two turns by then (the query is the newest of them), M3, and the
/// cached context (M4's, written now) left out; and as far back as the calendar goes.
fn thirty_five_minutes_back(story: &Story, env: &[(&str, String)]) {
    let t2 = fmt_ts(&story.ago(2100));
    // As far back as the calendar goes (before Postgres's first instant): nothing yet.
    let first = run(
        &[
            "replay",
            "tt1",
            "--json",
            "--at=-8334601228800",
            "--query",
            QUERY,
        ],
        env,
    );
    assert!(ids(&first, "journey").is_empty() && ids(&first, "knowledge").is_empty());
    let inspect = run(&["inspect", "tt1", "--json", "--at", &t2], env);
    assert_eq!(inspect["current_milestone"], "M3");
    assert_eq!(inspect["cached_context"], false);
    assert_eq!(ids(&inspect["assembly"], "session"), ["s1#1", "s1#0"]);
    assert_eq!(inspect["query"], "thanks", "the newest user turn by then");
    let n = notes(&inspect);
    assert!(
        n.iter().any(|(k, s, m)| k == "expired"
            && s == "context:tt1:M4"
            && m.contains("the cached context read is M4's; at T the user was at M3")),
        "{n:#?}"
    );
    // The notes are findings too.
    let findings = inspect["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["kind"] == "only_current"),
        "{findings:#?}"
    );
}

/// Before any data: nothing of the user, and said so; in the future: a usage error naming the
/// instant.
fn before_any_data_and_in_the_future(story: &Story, env: &[(&str, String)]) {
    // Before any data: nothing of the user, and said so.
    let early = fmt_ts(&story.ago(30 * Story::DAY));
    let before = run(&["replay", "tt1", "--json", "--at", &early], env);
    assert!(ids(&before, "journey").is_empty());
    assert_eq!(before["as_of"]["milestone"], "M0");
    assert!(notes(&before).iter().any(|(k, ..)| k == "before_any_data"));

    // In the future: a usage error naming the instant.
    let later = fmt_ts(&(story.now + TimeDelta::days(2)));
    let out = ctxlens_with(&["replay", "tt1", "--at", &later], env);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("--at {later} is later than")),
        "{}",
        out.stderr
    );
}

/// The demo (no store configured): `replay u062 --at T` is the earlier context.
#[test]
fn the_demo_replays_a_user_as_of_an_earlier_instant() {
    let env: [(&str, String); 0] = [];
    let now = run(&["replay", "u062", "--json"], &env);
    let then = run(
        &["replay", "u062", "--json", "--at", "2025-01-10T00:00:00Z"],
        &env,
    );
    // Now: the newest session (s2) and the M8 completion and transition into M9 of 14 January.
    assert!(ids(&now, "session").iter().all(|i| i.starts_with("s2#")));
    assert!(ids(&now, "journey").contains(&"mb:331".to_string()));
    // Then: the session of 8 January, no journey row after T, M8 from the completions.
    assert_eq!(
        ids(&then, "session"),
        ["s1#6", "s1#5", "s1#4", "s1#3", "s1#2", "s1#1", "s1#0"]
    );
    let journey = ids(&then, "journey");
    assert_eq!(journey.len(), 11, "{journey:?}");
    assert!(!journey.iter().any(|j| j == "mb:330" || j == "mb:331"));
    assert_eq!(then["as_of"]["milestone"], "M8");
    assert_eq!(
        then["as_of"]["milestone_from"],
        json!({"from": "completions", "id": "mb:329"})
    );
    assert_ne!(then["prompt"], now["prompt"]);
    let n = notes(&then);
    assert!(
        n.iter().any(|(k, s, m)| k == "expired"
            && s == "session:u062:s1"
            && m.starts_with("the newest turn at or before T is 44 h 52 min earlier")),
        "{n:#?}"
    );
    assert!(
        n.iter()
            .any(|(k, s, _)| k == "expired" && s == "context:u062:M9"),
        "{n:#?}"
    );
    // Replay JSON without --at is unchanged: no as_of.
    assert!(now.get("as_of").is_none());
    // The sessions are listed as they were at T: s2's turns are all after it.
    let inspect = run(
        &["inspect", "u062", "--json", "--at", "2025-01-10T00:00:00Z"],
        &env,
    );
    let sessions: Vec<(String, u64, Value)> = inspect["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            let id = s["session_id"].as_str().expect("id").to_string();
            (id, s["turns"].as_u64().expect("turns"), s["newest"].clone())
        })
        .collect();
    assert_eq!(
        sessions,
        [
            ("s1".to_string(), 7, json!("2025-01-08T03:07:28Z")),
            ("s2".to_string(), 0, Value::Null)
        ],
        "{sessions:?}"
    );
}

/// A snapshot written `--at T` replays to the same assembly, and a file can travel too.
#[test]
fn a_snapshot_as_of_an_instant_replays_the_same() {
    let env: [(&str, String); 0] = [];
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("u062.json");
    let path = file.to_str().expect("utf-8 path");
    let at = "2025-01-10T00:00:00Z";
    let wrote = ctxlens_with(&["snapshot", "u062", "--at", at, "--out", path], &env);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    assert_eq!(snap["now"], at);
    assert_eq!(snap["current_milestone"], "M8");
    assert!(snap["notes"].as_array().is_some_and(|n| !n.is_empty()));
    let mut live = run(&["replay", "u062", "--json", "--at", at], &env);
    let as_of = live.as_object_mut().expect("object").remove("as_of");
    let mut file_replay = run(&["replay", "--snapshot", path, "--json"], &env);
    // The file's JSON carries what could not be reconstructed when it was written, as its text
    // does: the notes the replay as of T had.
    let file_notes = file_replay
        .as_object_mut()
        .expect("object")
        .remove("file_notes");
    assert_eq!(
        file_notes.as_ref(),
        as_of.as_ref().map(|a| &a["notes"]),
        "{file_notes:?}"
    );
    assert_eq!(live, file_replay);
    // Replayed as text, the file says what could not be reconstructed when it was written.
    let text = ctxlens_with(&["replay", "--snapshot", path], &env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("not reconstructed when the file was written (")
            && text.stdout.contains("user_journeys keeps only the present"),
        "{}",
        text.stdout
    );
    // The file as of an earlier instant: its own session cut, its cache and query as it holds.
    let earlier = run(
        &[
            "replay",
            "--snapshot",
            path,
            "--json",
            "--at",
            "2025-01-08T02:40:00Z",
        ],
        &env,
    );
    assert_eq!(ids(&earlier, "session"), ["s1#1", "s1#0"]);
    assert!(
        notes(&earlier)
            .iter()
            .any(|(k, _, m)| k == "expired" && m.starts_with("a snapshot file holds one session")),
        "{:#?}",
        notes(&earlier)
    );
}

#[test]
fn bad_instants_are_usage_errors() {
    common::expect_error(
        &["replay", "u062", "--at", "nonsense"],
        2,
        "error: invalid value 'nonsense' for '--at <TIME>': not an instant (premature end of input): give RFC 3339, e.g. 2025-01-10T09:30:00Z, or epoch seconds\n\nFor more information, try '--help'.",
    );
    let both = ctxlens_with(
        &[
            "inspect",
            "u062",
            "--at",
            "2025-01-10T00:00:00Z",
            "--now",
            "2025-01-10T00:00:00Z",
        ],
        &[],
    );
    assert_eq!(both.code, 2);
    assert!(
        both.stderr
            .starts_with("error: the argument '--at <TIME>' cannot be used with '--now <TIME>'"),
        "{}",
        both.stderr
    );
    common::expect_error(
        &["replay", "u062", "--at", "2025-01-16T00:00:00Z"],
        2,
        "ctxlens: DEMO: time travel: --at 2025-01-16T00:00:00Z is later than the data's clock \
         (2025-01-15T12:00:00Z): nothing stored is from then",
    );
    // A snapshot file's clock is named by the file (two files in a diff are told apart).
    common::expect_error(
        &[
            "diff",
            "tests/data/snapshot-u1.json",
            "tests/data/snapshot-u1.json",
            "--at",
            "2025-01-16T13:00:00Z",
        ],
        2,
        "ctxlens: snapshot tests/data/snapshot-u1.json: time travel: --at 2025-01-16T13:00:00Z \
         is later than the data's clock (2025-01-15T12:00:00Z): nothing stored is from then",
    );
    // explain: a row created after T was not there to retrieve.
    common::expect_error(
        &[
            "explain",
            "u062",
            "kn:58",
            "--at",
            "2024-12-08T00:00:00Z",
            "--query",
            "price",
        ],
        1,
        "ctxlens: kn:58 was created at 2024-12-10T11:00:00Z, not by --at 2024-12-08T00:00:00Z: \
         the knowledge table held no such row then",
    );
}

/// An instant before 1970 is epoch seconds like any other, written after a space too: the
/// demo's user as of then had nothing yet.
#[test]
fn a_negative_epoch_is_an_instant() {
    let env: [(&str, String); 0] = [];
    let then = run(&["replay", "u062", "--json", "--at", "-1"], &env);
    assert_eq!(
        then["as_of"]["at"], "1969-12-31T23:59:59Z",
        "{}",
        then["as_of"]
    );
    assert!(ids(&then, "session").is_empty());
    assert!(ids(&then, "journey").is_empty());
}

/// The first instants there are (the calendar's start, where an hour before is no instant)
/// are instants like any other for every command that travels: a replay, not a crash.
#[test]
fn the_first_instants_there_are_travel_too() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("early.json");
    let out = out.to_str().expect("a UTF-8 path");
    // The first instant epoch seconds can say (-262143-01-01T00:00:00Z), and one within the
    // hour after it.
    for at in ["-8334601228800", "-8334601227000"] {
        let at = format!("--at={at}");
        for (args, code) in [
            (vec!["replay", "u005", "--json", &at], 0),
            (vec!["inspect", "u005", &at], 0),
            (vec!["diff", "u005", &at], 0),
            (vec!["snapshot", "u005", "--out", out, &at], 0),
            // The row did not exist then: said, as for any instant before it was written.
            (vec!["explain", "u005", "kn:25", "--query", "price", &at], 1),
        ] {
            let o = ctxlens(&args);
            assert_eq!(o.code, code, "{args:?}: {}", o.stderr);
            assert!(!o.stderr.contains("panicked"), "{args:?}: {}", o.stderr);
        }
        let o = ctxlens(&["explain", "u005", "kn:25", "--query", "price", &at]);
        assert!(
            o.stderr.contains("not by --at -262143-01-01T"),
            "{}",
            o.stderr
        );
    }
}

/// As of T, rows written after T say nothing: a row whose data cannot be read and a row of an
/// odd shape, both written a day ago, are no malformed item or finding five days back (the
/// good row of ten days back is there); now, both are.
#[test]
fn rows_written_after_the_instant_say_nothing_as_of_it() {
    let (pg, db) = (Postgres::shared(), "time_travel_later");
    let (_redis, env, _) = migrated(pg, db);
    let story = Story { now: Utc::now() };
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    pg.psql(
        db,
        &format!(
            "INSERT INTO user_journeys (user_id, current_milestone, display_name) \
             VALUES ('tt2', 'M2', 'T Two');\n\
             INSERT INTO memory_bank (id, user_id, context_type, milestone, data, created_at) VALUES \
             (9101, 'tt2', 'milestone_data', 'M1', '{{\"summary\": \"done\"}}', {}),\n\
             (9102, 'tt2', 'milestone_data', 'M2', '{deep}', {}),\n\
             (9103, 'tt2', 'transition', 'M2', 'null', {});\n",
            sql_ts(story.ago(10 * Story::DAY)),
            sql_ts(story.ago(Story::DAY)),
            sql_ts(story.ago(Story::DAY)),
        ),
    );
    let sources = |v: &Value| -> Vec<String> {
        let findings = v["findings"].as_array().expect("findings").iter();
        let malformed = v["assembly"]["malformed"]
            .as_array()
            .expect("malformed")
            .iter();
        findings
            .chain(malformed)
            .map(|x| x["source"].as_str().expect("source").to_string())
            .filter(|s| s.starts_with("memory_bank"))
            .collect()
    };
    let now = run(&["inspect", "tt2", "--json"], &env);
    assert_eq!(
        sources(&now),
        ["memory_bank id=9103", "memory_bank id=9102"],
        "{now}"
    );
    let at = fmt_ts(&story.ago(5 * Story::DAY));
    let then = run(&["inspect", "tt2", "--json", "--at", &at], &env);
    assert_eq!(sources(&then), Vec::<String>::new(), "{then}");
    assert_eq!(ids(&then["assembly"], "journey"), ["mb:9101"]);
}

/// `explain --at T` says it is as of T (second line; `as_of` in JSON) and what could not be
/// reconstructed, as `inspect --at` does; without `--at` it says nothing of the kind.
#[test]
fn explain_as_of_an_instant_says_so() {
    let at = "2025-01-15T05:00:00Z";
    let out = common::ctxlens(&["explain", "u005", "kn:25", "--at", at]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let second = out.stdout.lines().nth(1).unwrap_or_default();
    assert!(
        second.starts_with(&format!("as of {at} (data read at ")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("not reconstructed ("), "{}", out.stdout);
    let json = common::ctxlens(&["explain", "u005", "kn:25", "--at", at, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["as_of"]["at"], at);
    assert!(
        v["as_of"]["notes"]
            .as_array()
            .is_some_and(|n| !n.is_empty())
    );
    assert_eq!(v["row"]["id"], "kn:25", "{v}");
    let now = common::ctxlens(&["explain", "u005", "kn:25", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&now.stdout).expect("JSON");
    assert!(v.get("as_of").is_none());
}

/// `tui --at` later than the data's clock is refused before the terminal is taken, as `inspect
/// --at` refuses it; at the clock itself it goes on (here: to want a terminal).
#[test]
fn tui_at_a_moment_after_the_datas_clock_is_a_usage_error() {
    let out = ctxlens(&["tui", "--at", "9999-12-31T23:59:59Z"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "tui: --at 9999-12-31T23:59:59Z is later than the data's clock (2025-01-15T12:00:00Z)"
        ),
        "{}",
        out.stderr
    );
    let at_clock = ctxlens(&["tui", "--at", "2025-01-15T12:00:00Z"]);
    assert!(
        at_clock.stderr.contains("needs a terminal"),
        "{}",
        at_clock.stderr
    );
    // One snapshot file has one clock (its `now`): refused alike, before the terminal.
    let file = "tests/data/snapshot-u1.json";
    let out = ctxlens(&["tui", "--snapshot", file, "--at", "2025-01-16T00:00:00Z"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "tui: --at 2025-01-16T00:00:00Z is later than the data's clock (2025-01-15T12:00:00Z)"
        ),
        "{}",
        out.stderr
    );
    let before = ctxlens(&["tui", "--snapshot", file, "--at", "2025-01-15T00:00:00Z"]);
    assert!(
        before.stderr.contains("needs a terminal"),
        "{}",
        before.stderr
    );
}
