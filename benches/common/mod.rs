//! Shared benchmark inputs: synthetic users of any size.
// Benchmark setup: a failed step ends the run with its message.
#![allow(clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

use ctxlens::engine::Snapshot;
use ctxlens::engine::snapshot::{JourneyEntry, JourneyKind, KnowledgeEntry, SessionEntry};

pub const SENTENCE: &str = "We validated demand with 24 interviews and 31 pre-orders; landed cost per unit is $6.40 \
    including freight, duty and fulfilment, so a $28 price keeps a 62% gross margin. ";

/// A user with `turns` session turns, `journey` memory-bank rows and `hits` knowledge hits.
pub fn user(turns: usize, journey: usize, hits: usize) -> Snapshot {
    let now = Utc
        .with_ymd_and_hms(2025, 1, 15, 12, 0, 0)
        .single()
        .expect("date");
    let at = |i: usize| now - Duration::minutes(37 * i as i64);
    Snapshot {
        user_id: "bench".into(),
        session_id: Some("s1".into()),
        current_milestone: Some("M4".into()),
        now,
        query: Some("How should I price my mugs against landed cost?".into()),
        session: (0..turns)
            .map(|i| {
                SessionEntry::from_value(json!({
                    "user": format!("Question {i}: {}", &SENTENCE[..80]),
                    "assistant": format!("Answer {i}: {}", SENTENCE.repeat(2)),
                    "timestamp": at(i).to_rfc3339(),
                }))
            })
            .collect(),
        journey: (0..journey)
            .map(|i| JourneyEntry {
                id: format!("mb:{i}"),
                kind: if i == 0 { JourneyKind::BusinessDna } else { JourneyKind::MilestoneData },
                milestone: (i > 0).then(|| format!("M{}", i % 10)),
                data: json!({"summary": SENTENCE.repeat(3), "key_decisions": ["DTC first", "Etsy later"], "n": i}),
                timestamp: Some(at(i * 20)),
            })
            .collect(),
        knowledge: (0..hits)
            .map(|i| KnowledgeEntry {
                id: format!("kn:{i}"),
                milestone: if i % 3 == 0 { None } else { Some("M4".into()) },
                title: format!("Pricing article {i}"),
                content: SENTENCE.repeat(4),
                section: Some("Benchmarks".into()),
                similarity: 0.95 - (i % 40) as f64 * 0.01,
                timestamp: Some(at(i * 50)),
            })
            .collect(),
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: vec![],
        notes: vec![],
        recorded: Default::default(),
    }
}
