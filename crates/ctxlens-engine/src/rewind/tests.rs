use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::snapshot::{JourneyKind, parse_turn};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_736_000_000 + secs, 0)
        .single()
        .expect("in range")
}

fn turn(secs: i64, text: &str) -> SessionEntry {
    SessionEntry::from_value(
        json!({"user": text, "assistant": "ok", "timestamp": fmt_ts(&t(secs))}),
    )
}

fn row(id: i64, kind: JourneyKind, milestone: Option<&str>, secs: Option<i64>) -> JourneyEntry {
    JourneyEntry {
        id: format!("mb:{id}"),
        kind,
        milestone: milestone.map(str::to_string),
        data: json!({}),
        timestamp: secs.map(t),
    }
}

fn hit(id: i64, secs: Option<i64>) -> KnowledgeEntry {
    KnowledgeEntry {
        id: format!("kn:{id}"),
        milestone: None,
        title: format!("article {id}"),
        content: "text".into(),
        section: None,
        similarity: 0.9,
        timestamp: secs.map(t),
    }
}

fn snap() -> Snapshot {
    Snapshot {
        user_id: "u1".into(),
        session_id: Some("s1".into()),
        current_milestone: Some("M3".into()),
        now: t(100_000),
        query: Some("latest".into()),
        session: vec![
            turn(90_000, "first"),
            turn(95_000, "second"),
            turn(99_000, "latest"),
        ],
        journey: vec![
            row(1, JourneyKind::BusinessDna, None, Some(0)),
            row(2, JourneyKind::MilestoneData, Some("M0"), Some(10_000)),
            row(3, JourneyKind::Transition, Some("M1"), Some(10_001)),
            row(4, JourneyKind::MilestoneData, Some("M1"), Some(50_000)),
            row(5, JourneyKind::Transition, Some("M2"), Some(50_001)),
            row(6, JourneyKind::MilestoneData, Some("M2"), Some(80_000)),
            row(7, JourneyKind::Transition, Some("M3"), Some(80_001)),
        ],
        knowledge: vec![hit(1, Some(0)), hit(2, Some(60_000)), hit(3, None)],
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: vec![],
        notes: vec![],
        recorded: Default::default(),
    }
}

fn at(at: i64, origin: Origin, map: &MilestoneMap) -> Rewind<'_> {
    Rewind {
        at: t(at),
        read_at: t(100_000),
        origin,
        cache_ttl: None,
        journey_row: true,
        map,
        key_prefix: "",
    }
}

fn kinds(s: &Snapshot, kind: NoteKind) -> Vec<&Note> {
    s.notes.iter().filter(|n| n.kind == kind).collect()
}

fn ids_j(s: &Snapshot) -> Vec<&str> {
    s.journey.iter().map(|j| j.id.as_str()).collect()
}

#[test]
fn keeps_rows_turns_and_hits_up_to_t_and_derives_the_milestone() {
    let map = MilestoneMap::default();
    let r = rewind(&snap(), &at(60_000, Origin::Stores, &map)).expect("past");
    let s = &r.snapshot;
    assert_eq!(s.now, t(60_000));
    assert_eq!(ids_j(s), ["mb:1", "mb:2", "mb:3", "mb:4", "mb:5"]);
    assert_eq!(s.current_milestone.as_deref(), Some("M2"));
    assert_eq!(
        r.as_of.milestone_from,
        MilestoneFrom::Transition { id: "mb:5".into() }
    );
    // Every turn is later than T: none kept, and that is said.
    assert!(s.session.is_empty());
    assert!(
        kinds(s, NoteKind::Expired)
            .iter()
            .any(|n| n.message.starts_with("no stored turn is at or before T")),
        "{:#?}",
        s.notes
    );
    let kept: Vec<&str> = s.knowledge.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(kept, ["kn:1", "kn:2"]);
    assert!(
        kinds(s, NoteKind::Undated)
            .iter()
            .any(|n| n.message.contains("kn:3"))
    );
    // The whole timeline of the data as read: 7 journey rows and 3 turns.
    assert_eq!(moments(&snap()).len(), 10);
}

#[test]
fn turns_keep_their_stored_ids_and_the_query_moves_back() {
    let map = MilestoneMap::default();
    let s = rewind(&snap(), &at(96_000, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    let turns: Vec<String> = s.turns().map(|(i, _)| s.turn_id(i)).collect();
    assert_eq!(turns, ["s1#0", "s1#1"]);
    assert_eq!(s.newest_user_text(), Some("second"));
    // The live window: sessions last written an hour before T to an hour before the read.
    let window = kinds(&s, NoteKind::Expired);
    assert!(
        window.iter().any(|n| n.source == "session:u1:*"
            && n.message.contains(&fmt_ts(&t(92_400)))
            && n.message.contains(&fmt_ts(&t(96_400)))),
        "{window:#?}"
    );
}

#[test]
fn a_turn_stamped_after_t_but_stored_before_stays_malformed_with_its_id() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.session = vec![
        turn(10, "a"),
        turn(500, "skewed"),
        turn(20, "b"),
        turn(900, "later"),
    ];
    let out = rewind(&s, &at(100, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    assert_eq!(out.session.len(), 3);
    assert!(
        out.session[1]
            .turn
            .as_ref()
            .is_err_and(|e| e.contains("after --at"))
    );
    let ok: Vec<usize> = out.turns().map(|(i, _)| i).collect();
    assert_eq!(ok, [0, 2]);
    // Written out (a snapshot `--at T`) and read back, the entry stays left out, for the same
    // reason, and the turn's text (not of T) is not in the file.
    let written = out.to_json();
    assert!(!written.contains("skewed"), "{written}");
    let back = Snapshot::from_json(&written).expect("reads back");
    assert_eq!(back.session, out.session);
    let back_ok: Vec<usize> = back.turns().map(|(i, _)| i).collect();
    assert_eq!(back_ok, [0, 2]);
    // An entry unreadable as stored is counted as such, apart from the skewed turn.
    s.session
        .insert(1, SessionEntry::from_value(json!({"user": "no time"})));
    let out = rewind(&s, &at(100, Origin::Stores, &map)).expect("past");
    let undated = kinds(&out.snapshot, NoteKind::Undated);
    assert!(
        undated.iter().any(|n| n.message.ends_with(
            "(1): 1 stored among the turns up to T are kept as malformed, the rest left out"
        )),
        "{undated:#?}"
    );
}

#[test]
fn undated_entries_and_a_stale_session_are_said() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.session.insert(
        1,
        SessionEntry::from_value(json!({"user": "no time", "assistant": "x"})),
    );
    s.journey
        .push(row(8, JourneyKind::MilestoneData, Some("M3"), None));
    let out = rewind(&s, &at(98_000, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    let undated = kinds(&out, NoteKind::Undated);
    assert!(
        undated
            .iter()
            .any(|n| n.source == "memory_bank" && n.message.contains("mb:8"))
    );
    // An undated completion leaves the milestone at T uncertain: said, with the one derived.
    assert!(
        undated.iter().any(|n| n.message.starts_with(&format!(
            "the milestone at T ({}) is derived without mb:8 (completions or transitions",
            out.current_milestone.as_deref().unwrap_or("none")
        ))),
        "{undated:#?}"
    );
    assert!(
        undated.iter().any(|n| n.source == "session:u1:s1"
            && n.message.ends_with(
                "(1): 1 stored among the turns up to T are kept as malformed, the rest left out"
            )),
        "{undated:#?}"
    );
    // The newest turn by T is 3 000 s old: within the session TTL, nothing to say about it.
    assert!(
        !out.notes.iter().any(|n| n.message.contains(" earlier (")),
        "{:#?}",
        out.notes
    );
    let mut gap = snap();
    gap.session = vec![turn(10_000, "old"), turn(99_000, "new")];
    let out = rewind(&gap, &at(20_000, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    assert!(
        kinds(&out, NoteKind::Expired).iter().any(|n| n
            .message
            .starts_with("the newest turn at or before T is 2 h 46 min earlier")),
        "{:#?}",
        out.notes
    );
}

fn cache(created_at: &str) -> Value {
    json!({"user_id": "u1", "milestone": "M3", "policy": "prolaunch", "created_at": created_at,
           "total_tokens": 1, "items": [], "prompt": "p"})
}

#[test]
fn the_cached_context_is_kept_only_inside_its_window() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.cached_context = Some(cache("2000-01-01T00:00:00Z"));
    // Read with 200 s left of 300: written 100 s before the read.
    let with_ttl = |secs| Rewind {
        cache_ttl: Some(200),
        ..at(secs, Origin::Stores, &map)
    };
    let inside = rewind(&s, &with_ttl(99_950)).expect("past").snapshot;
    assert!(inside.cached_context.is_some(), "{:#?}", inside.notes);
    let before = rewind(&s, &with_ttl(99_850)).expect("past").snapshot;
    assert!(before.cached_context.is_none());
    assert!(
        kinds(&before, NoteKind::Expired)
            .iter()
            .any(|n| n.source == "context:u1:M3"
                && n.message
                    .contains(&format!("written at {}", fmt_ts(&t(99_900))))),
        "{:#?}",
        before.notes
    );
    // Another milestone at T: the key read is not T's.
    let other = rewind(&s, &with_ttl(60_000)).expect("past").snapshot;
    assert!(other.cached_context.is_none());
    assert!(
        kinds(&other, NoteKind::Expired)
            .iter()
            .any(|n| n.message.contains("at M2"))
    );
    // No TTL and an unreadable created_at: cannot be placed.
    s.cached_context = Some(json!({"odd": true}));
    let unknown = rewind(&s, &at(99_999, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    assert!(unknown.cached_context.is_none());
    assert!(
        kinds(&unknown, NoteKind::Undated)
            .iter()
            .any(|n| n.source == "context:u1:M3")
    );
    // None now, and T more than 300 s back: whether there was one cannot be told.
    s.cached_context = None;
    let gone = rewind(&s, &at(99_000, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    assert!(
        kinds(&gone, NoteKind::Expired)
            .iter()
            .any(|n| n.source == "context:u1:M3" && n.message.contains("cannot be told"))
    );
}

/// Under a key prefix (`--key-prefix app:`), the notes name the keys as the store does.
#[test]
fn notes_name_the_keys_under_the_stores_prefix() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.cached_context = None;
    let r = Rewind {
        key_prefix: "app:",
        ..at(96_000, Origin::Stores, &map)
    };
    let out = rewind(&s, &r).expect("past").snapshot;
    let expired: Vec<&str> = kinds(&out, NoteKind::Expired)
        .iter()
        .map(|n| n.source.as_str())
        .collect();
    assert!(expired.contains(&"app:session:u1:*"), "{expired:?}");
    assert!(expired.contains(&"app:context:u1:M3"), "{expired:?}");
    assert!(expired.iter().all(|k| k.starts_with("app:")), "{expired:?}");
}

#[test]
fn a_file_is_placed_by_its_created_at_and_its_query_is_kept() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.cached_context = Some(cache(&fmt_ts(&t(98_000))));
    let out = rewind(&s, &at(96_000, Origin::File, &map))
        .expect("past")
        .snapshot;
    assert!(out.cached_context.is_none());
    assert_eq!(out.query.as_deref(), Some("latest"));
    assert!(
        kinds(&out, NoteKind::OnlyCurrent)
            .iter()
            .any(|n| n.message.contains("not the file's query"))
    );
    assert!(
        kinds(&out, NoteKind::Expired)
            .iter()
            .any(|n| n.message.starts_with("a snapshot file holds one session"))
    );
    let kept = rewind(&s, &at(99_500, Origin::File, &map))
        .expect("past")
        .snapshot;
    assert!(kept.cached_context.is_some());
    // Before any user turn, the file's query is a later turn's: said too.
    let first = s
        .turns()
        .map(|(_, t)| t.timestamp)
        .min()
        .expect("dated turns");
    let before = rewind(
        &s,
        &at(first.timestamp() - 1_736_000_001, Origin::File, &map),
    )
    .expect("past")
    .snapshot;
    assert_eq!(before.newest_user_text(), None);
    assert!(
        kinds(&before, NoteKind::OnlyCurrent).iter().any(|n| n
            .message
            .starts_with("no user turn by T: the file's query is a later turn's")),
        "{:?}",
        before.notes
    );
}

#[test]
fn the_future_is_refused() {
    let map = MilestoneMap::default();
    let err = rewind(&snap(), &at(100_001, Origin::Stores, &map)).expect_err("future");
    assert_eq!(
        err.to_string(),
        format!(
            "--at {} is later than the data's clock ({}): nothing stored is from then",
            fmt_ts(&t(100_001)),
            fmt_ts(&t(100_000))
        )
    );
}

#[test]
fn moments_group_an_instant_and_name_no_text() {
    let mut s = snap();
    s.session.push(turn(10_001, "secret words"));
    let m = moments(&s);
    let at = m.iter().find(|m| m.at == t(10_001)).expect("the instant");
    assert_eq!(at.ids, ["mb:3", "s1#3"]);
    assert_eq!(at.label, "transition → M1, turn s1#3");
    assert!(m.windows(2).all(|w| w[0].at < w[1].at));
    assert!(!format!("{m:?}").contains("secret"));
}

/// Thousands of turns at one instant are one moment holding every id, its label the first few
/// and a count (read in linear time: 20,000 such turns once took seconds).
#[test]
fn one_instant_of_many_turns_names_a_few_and_counts_the_rest() {
    let mut s = snap();
    let before = s.session.len();
    for _ in 0..20_000 {
        s.session.push(turn(20_000, "x"));
    }
    let m = moments(&s);
    let at = m.iter().find(|m| m.at == t(20_000)).expect("the instant");
    assert_eq!(at.ids.len(), 20_000);
    assert_eq!(
        at.label,
        format!(
            "turn s1#{}, turn s1#{}, turn s1#{} and 19997 more",
            before,
            before + 1,
            before + 2
        )
    );
}

#[test]
fn span_reads_as_a_person_would() {
    assert_eq!(span(TimeDelta::seconds(59)), "59 s");
    assert_eq!(span(TimeDelta::seconds(7200)), "2 h");
    assert_eq!(span(TimeDelta::seconds(10_000)), "2 h 46 min");
}

/// The left-out marker is only a key anyone can store: a reason that is not a rewind's own is
/// read back quoted, as the entry's words (so `--redact` masks it with the quoted values).
#[test]
fn a_left_out_marker_not_written_by_a_rewind_is_quoted_as_the_entrys() {
    let planted = parse_turn(&json!({ crate::snapshot::LEFT_OUT: "call Jane on 555-0199" }));
    assert_eq!(
        planted,
        Err("left out, the entry says \"call Jane on 555-0199\"".into())
    );
    let masked = crate::redact::mask_quoted(&planted.expect_err("left out"));
    assert!(
        !masked.contains("Jane") && !masked.contains("555"),
        "{masked}"
    );
    // Posing as a rewind's words with a control character in it is not one either.
    let posing = "timestamp \u{1b}]0;x\u{7} is after --at 2025-01-01T00:00:00Z, yet stored \
                  before a turn at or before it";
    let read = parse_turn(&json!({ crate::snapshot::LEFT_OUT: posing })).expect_err("out");
    assert!(read.starts_with("left out, the entry says \""), "{read}");
    // Nor with words where its timestamps go.
    let posing = "timestamp Jane Doe 555-0199 is after --at x, yet stored before a turn at or \
                  before it";
    let read = parse_turn(&json!({ crate::snapshot::LEFT_OUT: posing })).expect_err("out");
    assert!(read.starts_with("left out, the entry says \""), "{read}");
    // A rewind's own words read back as written.
    let own = "timestamp 2025-01-15T11:00:00Z is after --at 2025-01-15T10:00:00Z, yet stored \
               before a turn at or before it";
    assert_eq!(
        parse_turn(&json!({ crate::snapshot::LEFT_OUT: own })),
        Err(own.into())
    );
}

/// A file written as of an instant, read as of an earlier one: the notes are of the new
/// instant only (the file's own, of its instant, would contradict them), and that the file is
/// itself a rewind is said.
#[test]
fn rewinding_a_rewound_file_says_only_what_is_true_of_the_new_instant() {
    let map = MilestoneMap::default();
    let first = rewind(&snap(), &at(60_000, Origin::Stores, &map)).expect("past");
    assert!(
        first.snapshot.notes.iter().any(|n| n.kind.is_time_travel()),
        "{:#?}",
        first.snapshot.notes
    );
    let again = Rewind {
        read_at: t(60_000),
        ..at(20_000, Origin::File, &map)
    };
    let second = rewind(&first.snapshot, &again).expect("earlier still");
    let travel: Vec<&Note> = second
        .snapshot
        .notes
        .iter()
        .filter(|n| n.kind.is_time_travel())
        .collect();
    // Each note the first rewind made is gone unless the second makes it again.
    let made_again = rewind(
        &{
            let mut plain = first.snapshot.clone();
            plain.notes.clear();
            plain
        },
        &again,
    )
    .expect("earlier still");
    let expected: Vec<&Note> = made_again.snapshot.notes.iter().collect();
    assert_eq!(travel.len(), expected.len() + 1, "{travel:#?}");
    assert!(
        travel
            .iter()
            .any(|n| n.source == "snapshot" && n.message.contains(&fmt_ts(&t(60_000)))),
        "{travel:#?}"
    );
    for n in &expected {
        assert!(travel.contains(n), "{n:?} in {travel:#?}");
    }
}

mod milestone;
mod property;
