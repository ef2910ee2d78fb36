use std::sync::OnceLock;

use super::*;
use crate::demo::DEMO_JSON;

/// The demo dataset, generated once for the tests that only read it.
pub(super) fn demo() -> &'static Dataset {
    static DEMO: OnceLock<Dataset> = OnceLock::new();
    DEMO.get_or_init(generate_demo)
}

/// Unix seconds of this generator's RFC 3339 text.
pub(super) fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (y, mp) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * mp + 2) / 5 + d - 1;
    let days = era * 146_097 + doe - 719_468;
    Some(days * DAY + num(11..13)? * HOUR + num(14..16)? * MINUTE + num(17..19)?)
}

fn seconds(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_rfc3339(s).map(|t| t as f64),
        _ => None,
    }
}

/// The JSON turns of a session key; elements that are not JSON are skipped.
fn turns(key: &RedisKey) -> Vec<Value> {
    match &key.value {
        RedisValue::String(s) => match serde_json::from_str(s) {
            Ok(Value::Array(items)) => items,
            _ => vec![],
        },
        RedisValue::List(items) => items
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect(),
    }
}

/// (time, session id, text) of every user message with a readable timestamp.
fn user_messages(u: &DemoUser) -> Vec<(f64, String, String)> {
    let mut out = vec![];
    for key in &u.sessions {
        for t in turns(key) {
            let text = match (t.get("user"), t.get("role").and_then(Value::as_str)) {
                (Some(Value::String(text)), _) => text.clone(),
                (None, Some("user")) => t["content"].as_str().unwrap_or_default().to_string(),
                _ => continue,
            };
            if let Some(at) = t.get("timestamp").and_then(seconds) {
                out.push((at, key.session_id.clone(), text));
            }
        }
    }
    out
}

fn newest_message(u: &DemoUser) -> (f64, String, String) {
    user_messages(u)
        .into_iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("user has a user turn")
}

pub(super) fn user<'a>(d: &'a Dataset, id: &str) -> &'a DemoUser {
    d.users
        .iter()
        .find(|u| u.user_id == id)
        .expect("user exists")
}

fn words(v: &Value) -> usize {
    match v {
        Value::String(s) => s.split_whitespace().count(),
        Value::Array(items) => items.iter().map(words).sum(),
        Value::Object(map) => map.values().map(words).sum(),
        _ => 0,
    }
}

fn milestone_index(id: &str) -> usize {
    MILESTONES
        .iter()
        .position(|(m, _)| *m == id)
        .expect("known milestone")
}

/// Similarities of a user's newest message to the articles of its milestone and the general ones.
fn similarities(d: &Dataset, u: &DemoUser) -> Vec<f64> {
    let current = u.journey.as_ref().map(|j| j.current_milestone.clone());
    let q = embed(&newest_message(u).2, BUILTIN_DIM);
    d.knowledge
        .iter()
        .filter(|k| k.milestone.is_none() || k.milestone == current)
        .map(|k| cosine(&q, &embed(&k.content, BUILTIN_DIM)))
        .collect()
}

#[test]
fn timestamps_are_rfc3339_utc() {
    assert_eq!(rfc3339(NOW_EPOCH), NOW);
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(parse_rfc3339("2024-12-31T23:59:59Z"), Some(1_735_689_599));
}

#[test]
fn generation_is_deterministic() {
    let (a, b) = (generate_demo(), generate_demo());
    assert_eq!(a, b);
    assert_eq!(to_pretty_json(&a), to_pretty_json(&b));
    let fleet = generate_synthetic(42, 40);
    assert_eq!(fleet, generate_synthetic(42, 40));
    assert_ne!(fleet.users, generate_synthetic(43, 40).users);
    // A smaller fleet is a prefix of a larger one.
    assert_eq!(generate_synthetic(42, 15).users[..], fleet.users[..15]);
}

#[test]
fn checked_in_fixture_is_current() {
    let fresh = to_pretty_json(demo());
    assert!(
        DEMO_JSON == fresh,
        "fixtures/demo.json is stale: run `cargo run --example gen_demo`"
    );
    assert!(
        fresh.len() < 1_500_000,
        "demo.json is {} bytes",
        fresh.len()
    );
    assert!(fresh.ends_with("}\n"));
}

#[test]
fn demo_has_sixty_normal_users_over_every_milestone() {
    let d = demo();
    assert!(d.users.len() >= 68);
    for (i, u) in d.users.iter().take(60).enumerate() {
        assert_eq!(u.user_id, format!("u{:03}", i + 1));
    }
    for (m, _) in MILESTONES {
        let n = d.users[..60]
            .iter()
            .filter(|u| {
                u.journey
                    .as_ref()
                    .is_some_and(|j| j.current_milestone == *m)
            })
            .count();
        assert!(n >= 4, "{m} has {n} users");
    }
    let awkward: Vec<&str> = d.users[60..].iter().map(|u| u.user_id.as_str()).collect();
    assert_eq!(
        awkward,
        [
            "u061", "u062", "u063", "u064", "u065", "u066", "u067", "u068", "u069", "u070", "u071"
        ]
    );
}

#[test]
fn knowledge_table_covers_every_milestone() {
    let d = demo();
    for (i, k) in d.knowledge.iter().enumerate() {
        assert_eq!(k.id, i as i64 + 1);
        let n = k.content.split_whitespace().count();
        assert!((80..=250).contains(&n), "article {} has {n} words", k.id);
        assert!(k.metadata["section"].is_string() && k.metadata["source"].is_string());
        assert!(parse_rfc3339(&k.created_at).is_some_and(|t| t < NOW_EPOCH));
    }
    for (m, _) in MILESTONES {
        let n = d
            .knowledge
            .iter()
            .filter(|k| k.milestone.as_deref() == Some(m))
            .count();
        assert!(n >= 5, "{m} has {n} articles");
    }
    assert!(d.knowledge.iter().filter(|k| k.milestone.is_none()).count() >= 6);
}

#[test]
fn memory_bank_ids_are_unique_and_increasing() {
    for d in [demo().clone(), generate_synthetic(7, 300)] {
        let ids: Vec<i64> = d
            .users
            .iter()
            .flat_map(|u| u.memory_bank.iter().map(|r| r.id))
            .collect();
        assert!(!ids.is_empty());
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids not strictly increasing"
        );
    }
}

/// Every journey makes its current milestone available and is internally consistent.
fn check_journey(u: &DemoUser) {
    let Some(journey) = &u.journey else { return };
    let current = milestone_index(&journey.current_milestone);
    let done: Vec<usize> = u
        .memory_bank
        .iter()
        .filter(|r| r.context_type == "milestone_data")
        .map(|r| {
            milestone_index(
                r.milestone
                    .as_deref()
                    .expect("milestone_data has a milestone"),
            )
        })
        .collect();
    assert!(
        !done.contains(&current),
        "{}: current milestone already completed",
        u.user_id
    );
    for &m in done.iter().chain([current].iter()) {
        for d in DEPENDENCIES[m] {
            assert!(
                done.contains(d),
                "{}: {} lacks dependency M{d}",
                u.user_id,
                MILESTONES[m].0
            );
        }
    }
    let dna = u
        .memory_bank
        .iter()
        .filter(|r| r.context_type == "business_dna")
        .count();
    assert_eq!(dna, 1, "{}", u.user_id);
    let times: Vec<i64> = u
        .memory_bank
        .iter()
        .map(|r| parse_rfc3339(&r.created_at).expect("rfc3339"))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "{}: rows out of order",
        u.user_id
    );
    assert!(times.iter().all(|&t| t < NOW_EPOCH));
    for r in u
        .memory_bank
        .iter()
        .filter(|r| r.context_type == "transition")
    {
        assert_eq!(
            r.milestone.as_deref(),
            Some(journey.current_milestone.as_str())
        );
        assert_eq!(r.data["to"], journey.current_milestone);
        assert!(r.data["context"].is_object() && r.data["from"].is_string());
    }
    assert!(parse_rfc3339(&journey.updated_at).is_some_and(|t| t <= NOW_EPOCH));
}

#[test]
fn journeys_make_the_current_milestone_available() {
    for d in [demo().clone(), generate_synthetic(11, 500)] {
        d.users.iter().for_each(check_journey);
    }
}

#[test]
fn normal_users_have_realistic_text() {
    let d = demo();
    let fleet = generate_synthetic(5, 200);
    for u in d.users[..60].iter().chain(&fleet.users) {
        assert!((1..=3).contains(&u.sessions.len()), "{}", u.user_id);
        for key in &u.sessions {
            let n = turns(key).len();
            assert!(
                (2..=18).contains(&n),
                "{} {}: {n} turns",
                u.user_id,
                key.session_id
            );
        }
        for (_, _, text) in user_messages(u) {
            let n = text.split_whitespace().count();
            assert!(
                (10..=50).contains(&n),
                "{}: {n}-word message {text:?}",
                u.user_id
            );
            assert!(
                !text.contains('{'),
                "{}: unfilled placeholder in {text:?}",
                u.user_id
            );
        }
        for r in &u.memory_bank {
            let n = words(&r.data);
            let text = r.data.to_string();
            assert!(
                !text.contains("{product") && !text.contains("{price"),
                "{}: unfilled placeholder",
                u.user_id
            );
            if r.context_type == "milestone_data" {
                assert!(
                    (40..=200).contains(&n),
                    "{} row {}: {n} words",
                    u.user_id,
                    r.id
                );
            }
        }
    }
}

#[test]
fn normal_users_mix_turn_formats_and_mostly_chat_recently() {
    let d = demo();
    let normal = &d.users[..60];
    let stamps: Vec<Value> = normal
        .iter()
        .flat_map(|u| u.sessions.iter().flat_map(turns))
        .filter_map(|t| t.get("timestamp").cloned())
        .collect();
    assert!(stamps.iter().any(Value::is_i64) && stamps.iter().any(Value::is_f64));
    assert!(stamps.iter().filter(|s| s.is_string()).count() > stamps.len() / 2);
    let roles = normal
        .iter()
        .filter(|u| {
            u.sessions
                .iter()
                .flat_map(turns)
                .any(|t| t.get("role").is_some())
        })
        .count();
    assert!(roles >= 2);
    assert!(
        normal
            .iter()
            .flat_map(|u| &u.sessions)
            .any(|k| k.ttl.is_none())
    );
    let recent = normal
        .iter()
        .filter(|u| newest_message(u).0 >= (NOW_EPOCH - DAY) as f64)
        .count();
    assert!(recent >= 40, "only {recent} users chatted in the last 24 h");
    let all: Vec<f64> = normal.iter().flat_map(user_messages).map(|m| m.0).collect();
    assert!(all.iter().all(|&t| t <= NOW_EPOCH as f64));
    assert!(
        all.iter().any(|&t| t < (NOW_EPOCH - 7 * DAY) as f64),
        "no turn older than a week"
    );
}

#[test]
fn knowledge_queries_hit_and_nearly_miss() {
    let d = demo();
    let (mut hit, mut near) = (0, 0);
    for u in &d.users[..60] {
        let sims = similarities(d, u);
        hit += usize::from(sims.iter().any(|&s| s >= 0.70));
        near += usize::from(sims.iter().any(|&s| (0.55..0.70).contains(&s)));
    }
    assert!(hit >= 45, "{hit} of 60 users have an article >= 0.70");
    assert!(
        near >= 30,
        "{near} of 60 users have an article in [0.55, 0.70)"
    );
}

#[test]
fn awkward_users_have_their_awkward_property() {
    let d = demo();
    let u061 = user(d, "u061");
    assert_eq!(u061.sessions.len(), 1);
    assert_eq!(u061.sessions[0].value, RedisValue::String("[]".to_string()));

    let u063 = user(d, "u063");
    assert_eq!(newest_message(u063).2, OFF_TOPIC_QUERY);
    let q = embed(OFF_TOPIC_QUERY, BUILTIN_DIM);
    for k in &d.knowledge {
        let s = cosine(&q, &embed(&k.content, BUILTIN_DIM));
        assert!(s < 0.5, "article {} scores {s}", k.id);
    }

    let u064 = user(d, "u064");
    assert_eq!(u064.sessions.len(), 1);
    let times: Vec<f64> = user_messages(u064).iter().map(|m| m.0).collect();
    assert_eq!(times.len(), 25);
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    assert!(times[0] >= (NOW_EPOCH - 3 * DAY) as f64 && times[24] <= NOW_EPOCH as f64);

    let u065 = user(d, "u065");
    let dna = u065
        .memory_bank
        .iter()
        .find(|r| r.context_type == "business_dna")
        .expect("dna");
    let dna = dna.data.to_string();
    assert!(dna.contains("Café Kōhī ☕") && dna.contains("für Zuhause 🍵"));
    let chat: String = user_messages(u065).into_iter().map(|m| m.2).collect();
    assert!(chat.contains("抹茶") && chat.contains("möchte") && chat.contains('👍'));
}

#[test]
fn over_budget_journey_is_long() {
    let d = demo();
    let u062 = user(d, "u062");
    assert_eq!(
        u062.journey.as_ref().map(|j| j.current_milestone.as_str()),
        Some("M9")
    );
    check_journey(u062);
    let rows: Vec<&MemoryRow> = u062
        .memory_bank
        .iter()
        .filter(|r| r.context_type == "milestone_data")
        .collect();
    for (m, _) in &MILESTONES[..9] {
        assert!(
            rows.iter().any(|r| r.milestone.as_deref() == Some(m)),
            "{m} missing"
        );
    }
    for r in &rows {
        let n = words(&r.data);
        assert!((300..=600).contains(&n), "row {} has {n} words", r.id);
    }
    let total: usize = u062.memory_bank.iter().map(|r| words(&r.data)).sum();
    assert!(total >= 6_000, "journey has {total} words");
}

#[test]
fn malformed_and_missing_data_users() {
    let d = demo();
    let u066 = user(d, "u066");
    let ids: Vec<&str> = u066
        .sessions
        .iter()
        .map(|k| k.session_id.as_str())
        .collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    let s1 = turns(&u066.sessions[0]);
    assert!(
        s1.iter()
            .any(|t| t.get("user").is_some() && t.get("assistant").is_none())
    );
    assert!(s1.iter().any(|t| t["timestamp"] == "yesterday-ish"));
    let RedisValue::List(items) = &u066.sessions[1].value else {
        panic!("s2 is a list")
    };
    assert!(items.iter().any(|s| s == "{oops"));
    assert!(
        items
            .iter()
            .filter(|s| serde_json::from_str::<Value>(s).is_ok())
            .count()
            >= 2
    );
    assert_eq!(
        u066.sessions[2].value,
        RedisValue::String("not json at all".to_string())
    );

    let u067 = user(d, "u067");
    assert!(u067.journey.is_none() && u067.memory_bank.is_empty());
    assert!(user_messages(u067).len() >= 2);

    let u068 = user(d, "u068");
    let ids: Vec<&str> = u068
        .sessions
        .iter()
        .map(|k| k.session_id.as_str())
        .collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    assert_eq!(newest_message(u068).1, "s2");
    let newest_of = |id: &str| {
        user_messages(u068)
            .iter()
            .filter(|m| m.1 == id)
            .map(|m| m.0)
            .fold(f64::MIN, f64::max)
    };
    assert!(
        newest_of("s3") > newest_of("s1"),
        "s3 should be the middle session"
    );
}

#[test]
fn synthetic_fleet_ids_and_size() {
    let fleet = generate_synthetic(9, 120);
    assert_eq!(fleet.users.len(), 120);
    assert_eq!(fleet.users[0].user_id, "s9-000000");
    assert_eq!(fleet.users[119].user_id, "s9-000119");
    assert_eq!(fleet.knowledge, demo().knowledge);
    assert!(generate_synthetic(9, 0).users.is_empty());
}
