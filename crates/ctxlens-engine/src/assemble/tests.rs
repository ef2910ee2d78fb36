use chrono::{Duration, TimeZone};
use serde_json::json;

use super::*;
use crate::assembly::Decision::{Dropped, Kept, Truncated};
use crate::snapshot::{JourneyEntry, JourneyKind, KnowledgeEntry, SessionEntry};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0)
        .single()
        .expect("valid date")
}

pub(super) fn snapshot() -> Snapshot {
    Snapshot {
        user_id: "u1".into(),
        session_id: Some("s1".into()),
        current_milestone: Some("M4".into()),
        now: now(),
        query: Some("how should I price?".into()),
        session: vec![],
        journey: vec![],
        knowledge: vec![],
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: vec![],
        notes: vec![],
        recorded: Default::default(),
    }
}

pub(super) fn turn(user: &str, hours_ago: i64) -> SessionEntry {
    let ts = now() - Duration::hours(hours_ago);
    SessionEntry::from_value(json!({"user": user, "assistant": "ok", "timestamp": ts.to_rfc3339()}))
}

fn journey(id: u32, kind: JourneyKind, milestone: Option<&str>, hours_ago: i64) -> JourneyEntry {
    JourneyEntry {
        id: format!("mb:{id}"),
        kind,
        milestone: milestone.map(str::to_string),
        data: json!({"summary": format!("item {id}")}),
        timestamp: Some(now() - Duration::hours(hours_ago)),
    }
}

pub(super) fn hit(id: u32, milestone: Option<&str>, similarity: f64) -> KnowledgeEntry {
    KnowledgeEntry {
        id: format!("kn:{id}"),
        milestone: milestone.map(str::to_string),
        title: format!("Article {id}"),
        content: "Landed cost adds freight, duty and fees.".into(),
        section: None,
        similarity,
        timestamp: None,
    }
}

/// A policy with one layer per `(name, source, weight)` under `total` tokens.
pub(super) fn policy(
    total: u32,
    strategy: &str,
    tokenizer: &str,
    layers: &[(&str, &str, f64)],
    extra: &str,
) -> Policy {
    let mut t = format!(
        "name = \"t\"\ntokenizer = \"{tokenizer}\"\nstrategy = \"{strategy}\"\n{extra}\n[budget]\ntotal = {total}\n"
    );
    for (n, s, w) in layers {
        t.push_str(&format!(
            "[[layers]]\nname = \"{n}\"\nsource = \"{s}\"\nweight = {w}\n"
        ));
    }
    Policy::from_toml(&t, "test.toml").expect("test policy is valid")
}

fn decisions(a: &Assembly) -> Vec<(&str, Decision, Option<Reason>)> {
    a.items
        .iter()
        .map(|i| (i.id.as_str(), i.decision, i.reason))
        .collect()
}

fn statics(modules: &[(&str, f64, usize)]) -> String {
    modules
        .iter()
        .map(|(n, p, len)| {
            format!(
                "[[static]]\nname = \"{n}\"\npriority = {p}\ncategories = [\"*\"]\ntext = \"{}\"\n",
                n.repeat(*len)
            )
        })
        .collect()
}

#[test]
fn seed_003_fit_contexts_to_budget_truncates_then_stops() {
    // fitContextsToBudget([{a ×2000, priority 1}, {b ×1200, priority 2}], 600) with estimateTokens:
    // b (300) fits, 300 remain; a (500) does not, 300 > 100 → a truncated to 300 × 4 × 0.9 = 1080 chars.
    let mut p = policy(600, "truncate", "chars4", &[("static", "static", 1.0)], "");
    p.modules = Policy::from_toml(&format!("name=\"x\"\n[budget]\ntotal=1\n[[layers]]\nname=\"s\"\nsource=\"static\"\nweight=1\n{}", statics(&[("a", 1.0, 2000), ("b", 2.0, 1200)])), "m.toml")
        .expect("modules")
        .modules;
    let a = Engine::default().assemble(&snapshot(), &p);
    assert_eq!(decisions(&a), [("b", Kept, None), ("a", Truncated, None)]);
    let cut = a.item("a").expect("a");
    assert_eq!(
        cut.kept_text.as_deref(),
        Some(format!("{}\n[...truncated]", "a".repeat(1080)).as_str())
    );
    assert_eq!((cut.tokens, cut.kept_tokens), (500, 274)); // ceil((1080 + 15) / 4)
    assert_eq!(a.total_tokens, 574);
    assert!(
        a.prompt
            .ends_with(&format!("{}\n[...truncated]", "a".repeat(1080)))
    );

    // Budget 350: b fits, 50 remain ≤ 100 → a is not truncated (dropped).
    let p = p
        .with_overrides(&["budget.total=350".into()])
        .expect("valid");
    let a = Engine::default().assemble(&snapshot(), &p);
    assert_eq!(
        decisions(&a),
        [("b", Kept, None), ("a", Dropped, Some(Reason::LayerBudget))]
    );
}

#[test]
fn stop_drops_everything_after_the_first_misfit_and_skip_goes_on() {
    let mut snap = snapshot();
    snap.session = vec![
        turn(&"x".repeat(400), 30),
        turn(&"y".repeat(40), 40),
        turn(&"z".repeat(40), 50),
    ];
    // chars4 texts: "User: …\nAssistant: ok" = 19 + len → 105, 15, 15 tokens; all scores 1.0, newest first.
    let stop = policy(100, "stop", "chars4", &[("session", "session", 1.0)], "");
    let a = Engine::default().assemble(&snap, &stop);
    assert_eq!(
        decisions(&a),
        [
            ("s1#0", Dropped, Some(Reason::LayerBudget)),
            ("s1#1", Dropped, Some(Reason::LayerBudget)),
            ("s1#2", Dropped, Some(Reason::LayerBudget))
        ]
    );
    let skip = stop
        .with_overrides(&["strategy=skip".into()])
        .expect("valid");
    let a = Engine::default().assemble(&snap, &skip);
    assert_eq!(
        decisions(&a),
        [
            ("s1#0", Dropped, Some(Reason::LayerBudget)),
            ("s1#1", Kept, None),
            ("s1#2", Kept, None)
        ]
    );
    assert_eq!(a.total_tokens, 30);
    // The prompt lists kept turns oldest first.
    let z = a.prompt.find("zzz").expect("z kept");
    let y = a.prompt.find("yyy").expect("y kept");
    assert!(z < y, "{}", a.prompt);
}

#[test]
fn session_keeps_only_the_newest_max_items() {
    let mut snap = snapshot();
    snap.session = (0..12)
        .map(|i| turn(&format!("turn {i}"), 100 - i))
        .collect();
    let p = policy(
        4000,
        "stop",
        "cl100k_base",
        &[("session", "session", 1.0)],
        "[session]\nmax_items = 10",
    );
    let a = Engine::default().assemble(&snap, &p);
    let dropped: Vec<&str> = a
        .items
        .iter()
        .filter(|i| i.reason == Some(Reason::MaxItems))
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(dropped, ["s1#0", "s1#1"]);
    assert_eq!(
        a.layers.get("session").map(|l| (l.kept, l.dropped)),
        Some((10, 2))
    );
}

#[test]
fn knowledge_filters_threshold_milestone_and_limit() {
    let mut snap = snapshot();
    snap.knowledge = vec![
        hit(1, Some("M4"), 0.91),
        hit(2, None, 0.88),
        hit(3, Some("M2"), 0.95),
        hit(4, Some("M4"), 0.69),
        hit(5, Some("M4"), 0.75),
    ];
    let p = policy(
        4000,
        "stop",
        "cl100k_base",
        &[("knowledge", "knowledge", 1.0)],
        "[knowledge]\nsimilarity_threshold = 0.7\nlimit = 2\nsame_milestone_only = true",
    );
    let a = Engine::default().assemble(&snap, &p);
    assert_eq!(
        decisions(&a),
        [
            ("kn:1", Kept, None),
            ("kn:2", Kept, None),
            ("kn:3", Dropped, Some(Reason::OtherMilestone)),
            ("kn:5", Dropped, Some(Reason::OverLimit)),
            ("kn:4", Dropped, Some(Reason::BelowThreshold)),
        ]
    );
    assert_eq!(a.item("kn:1").map(|i| i.relevance), Some(0.91));
}

#[test]
fn journey_relevance_follows_the_dependency_closure() {
    let mut snap = snapshot(); // current M4 ← M1, M3; closure M0..M3
    snap.journey = vec![
        journey(1, JourneyKind::BusinessDna, None, 500),
        journey(2, JourneyKind::MilestoneData, Some("M3"), 500),
        journey(3, JourneyKind::MilestoneData, Some("M0"), 500),
        journey(4, JourneyKind::MilestoneData, Some("M8"), 500),
        journey(5, JourneyKind::Transition, Some("M4"), 2),
        journey(6, JourneyKind::Transition, Some("M3"), 500),
        journey(7, JourneyKind::MilestoneData, Some("M4"), 500),
    ];
    let p = policy(
        4000,
        "stop",
        "cl100k_base",
        &[("journey", "journey", 1.0)],
        "[recency]\nwindow_hours = 24\nboost = 2.0",
    );
    let a = Engine::default().assemble(&snap, &p);
    let rel = |id: &str| {
        a.item(id)
            .map(|i| (i.relevance, i.multiplier, i.score))
            .expect("item")
    };
    assert_eq!(rel("mb:1"), (1.0, 1.0, 1.0));
    assert_eq!(rel("mb:2"), (0.9, 1.0, 0.9));
    assert_eq!(rel("mb:3"), (0.7, 1.0, 0.7));
    assert_eq!(rel("mb:4"), (0.4, 1.0, 0.4));
    assert_eq!(rel("mb:5"), (0.9, 2.0, 1.8)); // transition into M4, two hours ago
    assert_eq!(rel("mb:6"), (0.4, 1.0, 0.4));
    assert_eq!(rel("mb:7"), (0.9, 1.0, 0.9));
    // Fit order: score desc, then timestamp desc, then id.
    let order: Vec<&str> = a.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        order,
        ["mb:5", "mb:1", "mb:2", "mb:7", "mb:3", "mb:4", "mb:6"]
    );
}

/// A transition is scored by the `to` its text names; its row's milestone column counts only
/// when the data has no `to` (a row whose two disagree is a finding of the store's).
#[test]
fn a_transition_is_scored_by_its_to_not_its_rows_milestone() {
    let mut snap = snapshot(); // current M4
    let mut into_m4 = journey(1, JourneyKind::Transition, Some("M3"), 500);
    into_m4.data = json!({"from": "M3", "to": "M4", "context": {}});
    let mut into_m3 = journey(2, JourneyKind::Transition, Some("M4"), 500);
    into_m3.data = json!({"from": "M2", "to": "M3", "context": {}});
    let column_only = journey(3, JourneyKind::Transition, Some("M4"), 500);
    snap.journey = vec![into_m4, into_m3, column_only];
    let p = policy(
        4000,
        "stop",
        "cl100k_base",
        &[("journey", "journey", 1.0)],
        "",
    );
    let a = Engine::default().assemble(&snap, &p);
    let rel = |id: &str| a.item(id).map(|i| i.relevance).expect("item");
    assert_eq!(rel("mb:1"), 0.9, "to M4: direct");
    assert_eq!(rel("mb:2"), 0.4, "to M3: other, whatever its column says");
    assert_eq!(rel("mb:3"), 0.9, "no `to`: the column's M4");
}

#[test]
fn global_pass_applies_when_layers_overcommit() {
    let mut snap = snapshot();
    snap.session = vec![turn(&"a".repeat(60), 1), turn(&"b".repeat(60), 30)];
    snap.knowledge = vec![hit(1, None, 0.9)];
    // Weights 1.0 + 1.0: each layer alone fits, together they exceed T = 40 (chars4: turns 20 each, hit 13).
    let p = policy(
        40,
        "stop",
        "chars4",
        &[("session", "session", 1.0), ("knowledge", "knowledge", 1.0)],
        "[recency]\nwindow_hours = 24\nboost = 2.0",
    );
    let a = Engine::default().assemble(&snap, &p);
    // Global order: s1#0 (score 2.0), kn:1 (0.9), s1#1 (1.0 — but older)… scores: 2.0, 1.0, 0.9.
    assert_eq!(
        decisions(&a),
        [
            ("s1#0", Kept, None),
            ("s1#1", Kept, None),
            ("kn:1", Dropped, Some(Reason::GlobalBudget))
        ]
    );
    assert!(a.total_tokens <= 40);
    assert_eq!(a.truncation_rate, 1.0 / 3.0);
}

#[test]
fn static_and_query_layers_and_rag_rendering() {
    let mut snap = snapshot();
    snap.knowledge = vec![hit(7, None, 0.8), hit(9, Some("M4"), 0.6)];
    snap.knowledge[0].section = Some("Benchmarks".into());
    let adr = Policy::preset("layered-adr").expect("preset");
    let a = Engine::default().assemble(&snap, &adr);
    let layers: Vec<&str> = a.layers.iter().map(|(n, _)| n).collect();
    assert_eq!(layers, ["static", "rag", "feature", "history"]);
    assert_eq!(
        a.item("query").map(|i| i.text.as_str()),
        Some("how should I price?")
    );
    assert_eq!(
        a.item("kn:7").map(|i| i.text.as_str()),
        Some("[1] Article 7\nLanded cost adds freight, duty and fees.")
    );
    assert!(
        a.prompt
            .contains("---\nRELEVANT DOCUMENTATION:\n\n[1] Article 7\n"),
        "{}",
        a.prompt
    );
    assert!(
        a.prompt
            .contains("Sources:\n[1] Article 7 - Benchmarks\n[2] Article 9\n---"),
        "{}",
        a.prompt
    );
    // Static modules in priority order, each counted with chars4.
    let st: Vec<(&str, usize)> = a
        .layer_items("static")
        .map(|i| (i.id.as_str(), i.tokens))
        .collect();
    let want: Vec<(&str, usize)> = adr
        .modules
        .iter()
        .map(|m| (m.name.as_str(), crate::tokens::chars4(&m.text)))
        .collect();
    assert_eq!(st, want);
}

#[test]
fn skip_anomaly_a_larger_budget_can_drop_a_smaller_item() {
    // Greedy skip in score order: at budget 20 the 21-token turn is skipped and the 15-token one kept;
    // at 25 the first fits and leaves no room for the second. The replay diff shows exactly this.
    let mut snap = snapshot();
    snap.session = vec![turn(&"x".repeat(65), 1), turn(&"y".repeat(41), 30)]; // chars4: 21, 15 tokens
    let p = policy(20, "skip", "chars4", &[("session", "session", 1.0)], "");
    let small = Engine::default().assemble(&snap, &p);
    let big = Engine::default().assemble(
        &snap,
        &p.with_overrides(&["budget.total=25".into()])
            .expect("valid"),
    );
    assert_eq!(small.item("s1#1").map(|i| i.decision), Some(Kept));
    assert_eq!(big.item("s1#1").map(|i| i.decision), Some(Dropped));
    assert_eq!(big.item("s1#0").map(|i| i.decision), Some(Kept));
}

#[test]
fn malformed_turns_are_reported_not_assembled() {
    let mut snap = snapshot();
    snap.session = vec![
        turn("fine", 1),
        SessionEntry::from_value(json!({"user": "no answer", "timestamp": 1})),
    ];
    let p = Policy::preset("prolaunch").expect("preset");
    let a = Engine::default().assemble(&snap, &p);
    assert_eq!(a.layer_items("session").count(), 1);
    assert_eq!(a.malformed.len(), 1);
    assert_eq!(a.malformed[0].source, "session:u1:s1[1]");
    assert_eq!(a.malformed[0].reason, "missing field `assistant`");
}

#[test]
fn reassembly_after_a_policy_change_never_retokenizes() {
    let mut snap = snapshot();
    snap.session = (0..6)
        .map(|i| turn(&format!("question {i} about landed cost"), i))
        .collect();
    snap.knowledge = vec![hit(1, Some("M4"), 0.9), hit(2, None, 0.8)];
    let engine = Engine::default();
    let p = Policy::preset("prolaunch").expect("preset");
    let first = engine.assemble(&snap, &p);
    let misses = engine.tokens.stats().misses;
    for set in [
        "layers.journey.weight=0.1",
        "budget.total=300",
        "strategy=skip",
        "knowledge.limit=1",
        "recency.boost=3",
    ] {
        let tuned = p.clone().with_overrides(&[set.to_string()]).expect("valid");
        engine.assemble(&snap, &tuned);
        assert_eq!(engine.tokens.stats().misses, misses, "{set} re-tokenized");
    }
    assert_eq!(engine.assemble(&snap, &p), first);
}
