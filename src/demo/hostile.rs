//! Users whose stored text carries terminal payloads: escape sequences that retitle the window,
//! write the clipboard, clear the screen or make the terminal answer; C1 and bidi controls; BEL,
//! backspace, a bare CR. Every place text someone else typed can sit holds one: the user id (so
//! key names too), the session id, the display name, chat turns, journey data, knowledge titles,
//! the cached context. The tests show ctxlens prints and draws all of it inertly.

use serde_json::json;

use super::{
    CachedContext, Dataset, DemoUser, JourneyRow, KnowledgeRow, MemoryRow, RedisKey, RedisValue,
};

/// (name, payload): the kinds of stored text that would drive a terminal.
pub const PAYLOADS: &[(&str, &str)] = &[
    ("retitle", "\u{1b}]0;pwned\u{7}"),
    ("clipboard", "\u{1b}]52;c;cHduZWQ=\u{7}"),
    ("clear", "\u{1b}[2J"),
    ("answerback", "\u{1b}[6n"),
    ("c1-csi", "\u{9b}31m"),
    ("c1-osc", "\u{9d}0;pwned\u{9c}"),
    ("bidi-override", "\u{202e}evil\u{202c}"),
    ("bidi-isolate", "\u{2067}evil\u{2069}"),
    ("bell", "\u{7}\u{7}"),
    ("backspace", "secret\u{8}\u{8}\u{8}"),
    ("bare-cr", "shown\rhidden"),
    // Kept in multi-line text, shown as `␊` in a one-line field (a user id in a table).
    ("newline", "line\nfeed"),
];

/// The dataset's clock.
pub const NOW: &str = "2025-01-15T12:00:00Z";

/// The id of the user carrying payload `i`.
pub fn user_id(i: usize) -> String {
    format!("h{i:02}{}", PAYLOADS[i].1)
}

/// The question user `i` asks last (the knowledge query), payload included.
fn question(i: usize) -> String {
    format!("How should I price my candles {}?", PAYLOADS[i].1)
}

/// One user per payload, and one knowledge article per payload that every question retrieves.
pub fn dataset() -> Dataset {
    let knowledge = PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, (_, p))| KnowledgeRow {
            id: 9000 + i as i64,
            milestone: None,
            title: format!("Pricing guide {p}"),
            content: format!("How should I price my candles {p}?"),
            metadata: json!({"section": format!("pricing {p}")}),
            created_at: "2025-01-10T09:00:00Z".into(),
        })
        .collect();
    let users = PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, (_, p))| user(i, p))
        .collect();
    Dataset {
        now: NOW.into(),
        knowledge,
        users,
    }
}

fn user(i: usize, p: &str) -> DemoUser {
    let id = user_id(i);
    let turns = json!([
        {"user": format!("Hello {p} there"), "assistant": format!("Hi {p}, how can I help?"),
         "timestamp": "2025-01-15T10:00:00Z"},
        {"role": "user", "content": question(i), "timestamp": "2025-01-15T11:00:00Z"},
    ]);
    let base = 100 * (i as i64 + 1);
    let cache = json!({
        "user_id": id, "milestone": "M1", "policy": format!("prolaunch {p}"),
        "created_at": "2025-01-15T11:55:00Z", "total_tokens": 12,
        "items": [{"id": format!("s{p}#0"), "layer": "session", "tokens": 12}],
        "prompt": format!("## Recent conversation\n\nUser: Hello {p}"),
    });
    DemoUser {
        user_id: id,
        journey: Some(JourneyRow {
            current_milestone: "M1".into(),
            display_name: Some(format!("Name {p} Surname")),
            updated_at: "2025-01-14T09:00:00Z".into(),
        }),
        sessions: vec![RedisKey {
            session_id: format!("s{p}"),
            value: RedisValue::String(turns.to_string()),
            ttl: Some(3600),
        }],
        memory_bank: vec![
            MemoryRow {
                id: base,
                context_type: "business_dna".into(),
                milestone: None,
                data: json!({"business": format!("Candles {p} Ltd"), "founder": format!("Founder {p}")}),
                created_at: "2025-01-02T09:00:00Z".into(),
            },
            MemoryRow {
                id: base + 1,
                context_type: "milestone_data".into(),
                milestone: Some("M0".into()),
                data: json!({"key_decisions": [format!("Sell online {p}")], "notes": format!("Notes {p}")}),
                created_at: "2025-01-05T09:00:00Z".into(),
            },
            MemoryRow {
                id: base + 2,
                context_type: "transition".into(),
                milestone: Some("M1".into()),
                data: json!({"from": "M0", "to": "M1", "context": {"carried": format!("Carried {p}")}}),
                created_at: "2025-01-06T09:00:00Z".into(),
            },
        ],
        cached_contexts: vec![CachedContext {
            milestone: "M1".into(),
            value: cache.to_string(),
            ttl: Some(300),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_user_carries_its_payload_and_loads() {
        let d = dataset();
        assert_eq!(d.users.len(), PAYLOADS.len());
        let store = crate::store::MemoryStore::from_dataset(d, "HOSTILE").expect("loads");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        for (i, (name, payload)) in PAYLOADS.iter().enumerate() {
            let (snap, data) = rt
                .block_on(crate::store::load_snapshot(
                    &store,
                    &user_id(i),
                    &crate::store::LoadOptions::default(),
                    crate::store::KnowledgeParams::of(
                        &crate::engine::Policy::preset("prolaunch").expect("preset"),
                    ),
                ))
                .expect("user loads");
            assert_eq!(snap.turns().count(), 2, "{name}");
            assert!(data.display_name.expect("name").contains(payload));
            assert!(snap.query.expect("query").contains(payload));
            assert!(!snap.knowledge.is_empty());
        }
    }
}
