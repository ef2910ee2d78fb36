//! Snapshots read and written: both turn shapes and why a turn is malformed, byte-for-byte round
//! trips, timestamps far from now, and a row that cannot be read kept as one malformed item.

use super::*;
use chrono::TimeZone;
use serde_json::json;

#[test]
fn both_turn_shapes_and_timestamp_forms_parse() {
    let a = parse_turn(
        &json!({"user": "hi", "assistant": "hello", "timestamp": "2025-01-15T11:00:00Z"}),
    );
    assert!(matches!(
        a,
        Ok(Turn {
            body: TurnBody::Exchange { .. },
            ..
        })
    ));
    let b = parse_turn(&json!({"role": "assistant", "content": "ok", "timestamp": 1736938800}))
        .expect("epoch int");
    assert_eq!(fmt_ts(&b.timestamp), "2025-01-15T11:00:00Z");
    let c = parse_turn(&json!({"role": "user", "content": "ok", "timestamp": 1736938800.5}))
        .expect("float");
    assert_eq!(fmt_ts(&c.timestamp), "2025-01-15T11:00:00.500Z");
}

#[test]
fn malformed_turns_say_why() {
    let cases = [
        (
            json!({"user": "hi", "timestamp": "2025-01-15T11:00:00Z"}),
            "missing field `assistant`",
        ),
        (
            json!({"user": "hi", "assistant": "x"}),
            "missing field `timestamp`",
        ),
        (
            json!({"user": "hi", "assistant": "x", "timestamp": "yesterday-ish"}),
            "timestamp: \"yesterday-ish\" is neither RFC 3339 nor epoch seconds",
        ),
        (
            json!({"role": "bot", "content": "x", "timestamp": 1}),
            "field `role` must be user, assistant or system, found \"bot\"",
        ),
        (
            json!({"user": "u", "assistant": "a", "role": "system", "content": "c", "timestamp": 1}),
            "holds both a message's `role`/`content` and an exchange's `user`/`assistant`: which one is the turn is not known",
        ),
        (
            json!({"content": "c", "user": "u", "timestamp": 1}),
            "holds both a message's `role`/`content` and an exchange's `user`/`assistant`: which one is the turn is not known",
        ),
        (
            json!({"user": 42, "assistant": "x", "timestamp": 1}),
            "field `user` must be a string, found a number",
        ),
        (json!(42), "expected a JSON object, found a number"),
        (
            json!("{oops"),
            "element is not JSON: key must be a string at line 1 column 2",
        ),
        (
            json!("hello there"),
            "expected a JSON object, found a string",
        ),
        (
            json!("{\"user\": \"x\"}"),
            "expected a JSON object, found a string (JSON encoded twice?)",
        ),
    ];
    for (v, want) in cases {
        assert_eq!(parse_turn(&v).expect_err("malformed"), want);
    }
}

#[test]
fn snapshot_round_trips_byte_for_byte() {
    let text = r#"{
  "user_id": "u1",
  "session_id": "s1",
  "current_milestone": "M3",
  "now": "2025-01-15T12:00:00Z",
  "query": "how should I price?",
  "session": [
    {
      "assistant": "Start from landed cost.",
      "timestamp": 1736938800,
      "user": "how should I price?"
    },
    {
      "user": "broken"
    }
  ],
  "journey": [],
  "knowledge": [
    {
      "id": "kn:5",
      "milestone": null,
      "title": "Pricing",
      "content": "Cost-plus vs value.",
      "similarity": 0.83,
      "timestamp": null
    }
  ],
  "cached_context": null
}
"#;
    let snap = Snapshot::from_json(text).expect("parses");
    assert_eq!(snap.to_json(), text);
    assert_eq!(snap.turns().count(), 1);
    assert_eq!(snap.malformed_turns()[0].source, "session:u1:s1[1]");
    assert_eq!(snap.newest_user_text(), Some("how should I price?"));
}

#[test]
fn notes_are_optional_and_round_trip() {
    let text = r#"{"user_id":"u","now":"2025-01-15T12:00:00Z"}"#;
    let mut snap = Snapshot::from_json(text).expect("no notes field");
    assert!(snap.notes.is_empty() && !snap.to_json().contains("notes"));
    snap.notes.push(Note {
        kind: NoteKind::TimestampOutOfRange,
        source: "knowledge id=5".into(),
        message: "created_at is infinity".into(),
    });
    let json = snap.to_json();
    assert!(
        json.contains(r#""kind": "timestamp_out_of_range""#),
        "{json}"
    );
    assert_eq!(Snapshot::from_json(&json).expect("parses"), snap);
}

/// A year RFC 3339 cannot write, as the snapshot of a legal Postgres timestamp writes it,
/// reads back as the same instant.
#[test]
fn years_past_9999_and_before_0000_read_back() {
    for year in [10_000, 262_142, -4712, 0] {
        let t = Utc
            .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let written = fmt_ts(&t);
        assert_eq!(parse_timestamp(&json!(written)), Ok(t), "{written}");
    }
    assert!(parse_timestamp(&json!("+2025-01-01 00:00")).is_err());
    assert!(parse_timestamp(&json!("-")).is_err());
}

#[test]
fn a_journey_kind_that_is_not_one_says_which_there_are() {
    let kind = |v: Value| serde_json::from_value::<JourneyKind>(v).map_err(|e| e.to_string());
    assert_eq!(kind(json!("transition")), Ok(JourneyKind::Transition));
    assert_eq!(
        kind(json!(5)),
        Err(
            "invalid type: integer `5`, expected one of `business_dna`, `milestone_data`, `transition`"
                .into()
        )
    );
    assert_eq!(
        kind(json!("chat")),
        Err(
            "unknown variant `chat`, expected one of `business_dna`, `milestone_data`, `transition`"
                .into()
        )
    );
    for k in JourneyKind::ALL {
        assert_eq!(kind(json!(k.as_str())), Ok(k));
    }
}

#[test]
fn a_huge_epoch_is_named_as_written() {
    let err = parse_timestamp(&serde_json::json!(1e300)).expect_err("out of range");
    assert_eq!(err, "epoch seconds `1e300` out of range");
    // Milliseconds where seconds belong: a turn thousands of years ahead, refused.
    let err = parse_timestamp(&serde_json::json!(1_736_935_200_000_i64)).expect_err("ms");
    assert_eq!(
        err,
        "epoch seconds `1736935200000` is after 9999-12-31 (milliseconds where seconds belong?)"
    );
    assert!(parse_timestamp(&serde_json::json!(253_402_300_799_i64)).is_ok());
    // Past 2^53 the number is named as written, not as its nearest f64.
    let err = parse_timestamp(&serde_json::json!(9_007_199_254_740_993_u64)).expect_err("big");
    assert!(
        err.starts_with("epoch seconds `9007199254740993` "),
        "{err}"
    );
}

#[test]
fn an_unscorable_hit_is_a_malformed_item_and_the_others_stay() {
    let text = r#"{"user_id":"u","now":"2025-01-15T12:00:00Z","knowledge":[{"id":"kn:1","title":"t","content":"c","similarity":1.5},{"id":"kn:2","title":"t","content":"c","similarity":-0.2}]}"#;
    let mut snap = Snapshot::from_json(text).expect("parses");
    let bad = snap.unscorable_hits("f.json");
    assert_eq!(
        bad,
        vec![Malformed {
            id: Some("kn:1".into()),
            source: "f.json knowledge (hit kn:1)".into(),
            reason: "similarity 1.5 is outside [-1, 1]".into(),
        }]
    );
    assert_eq!(snap.knowledge.len(), 1);
    assert_eq!(snap.knowledge[0].id, "kn:2");
}
