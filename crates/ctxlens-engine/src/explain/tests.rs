//! A knowledge row failing each gate, on purpose-built snapshots.

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::snapshot::KnowledgeEntry;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0)
        .single()
        .expect("valid date")
}

fn row(id: u32, milestone: Option<&str>, similarity: f64, words: usize) -> KnowledgeEntry {
    KnowledgeEntry {
        id: format!("kn:{id}"),
        milestone: milestone.map(str::to_string),
        title: format!("Article {id}"),
        content: format!("article{id} ").repeat(words),
        section: None,
        similarity,
        timestamp: Some(now() - Duration::hours(100)),
    }
}

fn snapshot(hits: Vec<KnowledgeEntry>) -> Snapshot {
    let mut s = Snapshot::from_json(
        r#"{"user_id":"u1","session_id":"s1","current_milestone":"M4","now":"2025-01-15T12:00:00Z","query":"q"}"#,
    )
    .expect("snapshot");
    s.knowledge = hits;
    s
}

/// One knowledge layer of `cap` tokens (chars4), threshold 0.7, limit 2.
fn policy(cap: u32) -> Policy {
    Policy::from_toml(
        &format!(
            "name = \"t\"\ntokenizer = \"chars4\"\n[budget]\ntotal = {cap}\n[[layers]]\nname = \"knowledge\"\n\
             source = \"knowledge\"\nweight = 1.0\n[knowledge]\nsimilarity_threshold = 0.7\nlimit = 2\n\
             same_milestone_only = true"
        ),
        "t.toml",
    )
    .expect("policy")
}

fn gates(e: &Explanation) -> Vec<(GateName, Option<bool>)> {
    e.gates.iter().map(|g| (g.gate, g.pass)).collect()
}

#[test]
fn a_kept_row_passes_every_gate() {
    let hits = vec![row(1, Some("M4"), 0.9, 10), row(2, None, 0.8, 10)];
    let e = Engine::default().explain_knowledge(&snapshot(hits.clone()), &policy(1000), &hits[1]);
    assert_eq!(e.first_failed, None);
    assert_eq!(
        gates(&e),
        [
            (GateName::Search, Some(true)),
            (GateName::Similarity, Some(true)),
            (GateName::Milestone, Some(true)),
            (GateName::Rank, Some(true)),
            (GateName::Recency, None),
            (GateName::Score, None),
            (GateName::Budget, Some(true)),
        ]
    );
    assert_eq!(e.gates[1].detail, "0.800 ≥ threshold 0.70");
    assert_eq!(
        e.gates[2].detail,
        "a general row (no milestone): matches every milestone"
    );
    assert_eq!(e.gates[3].detail, "2 among the qualifying rows, limit 2");
    assert_eq!(
        e.gates[4].detail,
        "created 2025-01-11T08:00:00Z (4 days before now); outside the 24 h window: × 1.00"
    );
    assert_eq!(
        e.gates[5].detail,
        "0.800 relevance × 1.00 recency = 0.800, 2nd in the layer's fit order"
    );
    assert!(
        e.gates[6].detail.starts_with("kept whole: "),
        "{}",
        e.gates[6].detail
    );
    assert_eq!(e.decision, Some(Decision::Kept));
}

#[test]
fn each_gate_can_be_the_first_to_fail() {
    let engine = Engine::default();
    // Below the threshold.
    let low = row(3, Some("M4"), 0.55, 10);
    let e = engine.explain_knowledge(&snapshot(vec![low.clone()]), &policy(1000), &low);
    assert_eq!(e.first_failed, Some(GateName::Similarity));
    assert_eq!(e.gates[1].detail, "0.550 < threshold 0.70");
    assert_eq!(e.gates[3].pass, None, "not ranked");
    assert_eq!(e.reason, Some(Reason::BelowThreshold));
    // Another milestone.
    let other = row(4, Some("M2"), 0.9, 10);
    let e = engine.explain_knowledge(&snapshot(vec![other.clone()]), &policy(1000), &other);
    assert_eq!(e.first_failed, Some(GateName::Milestone));
    assert_eq!(e.gates[2].detail, "a row of M2; the user is at M4");
    // Beyond the limit of 2.
    let hits = vec![
        row(5, None, 0.95, 10),
        row(6, None, 0.9, 10),
        row(7, None, 0.85, 10),
    ];
    let e = engine.explain_knowledge(&snapshot(hits.clone()), &policy(1000), &hits[2]);
    assert_eq!(e.first_failed, Some(GateName::Rank));
    assert_eq!(e.gates[3].detail, "3 among the qualifying rows, limit 2");
    assert_eq!(e.reason, Some(Reason::OverLimit));
    // Cut by the budget: two rows of ~30 tokens in 40.
    let hits = vec![row(8, None, 0.95, 10), row(9, None, 0.9, 10)];
    let e = engine.explain_knowledge(&snapshot(hits.clone()), &policy(40), &hits[1]);
    assert_eq!(e.first_failed, Some(GateName::Budget));
    assert!(
        e.gates[6].detail.starts_with("dropped by layer_budget ("),
        "{}",
        e.gates[6].detail
    );
}

#[test]
fn a_row_the_search_missed_is_scored_as_if_returned() {
    let engine = Engine::default();
    let missed = row(10, Some("M4"), 0.88, 10);
    // The search returned another row only: the missed one qualifies, so the search failed it.
    let e = engine.explain_knowledge(
        &snapshot(vec![row(11, None, 0.75, 10)]),
        &policy(1000),
        &missed,
    );
    assert!(!e.retrieved);
    assert_eq!(e.first_failed, Some(GateName::Search));
    assert!(e.gates[0].detail.contains("an approximate index missed it"));
    assert!(
        e.gates[6]
            .detail
            .starts_with("had the search returned it: kept whole: "),
        "{}",
        e.gates[6].detail
    );
    // One the search rightly left out: the search is not to blame, the threshold is.
    let far = row(12, Some("M4"), 0.2, 10);
    let e = engine.explain_knowledge(&snapshot(vec![]), &policy(1000), &far);
    assert_eq!(e.gates[0].pass, None);
    assert_eq!(e.first_failed, Some(GateName::Similarity));
}

#[test]
fn a_copy_removed_by_dedupe_fails_the_budget_gate_naming_the_original() {
    let a = row(13, None, 0.9, 12);
    let b = KnowledgeEntry {
        id: "kn:14".into(),
        similarity: 0.8,
        ..a.clone()
    };
    let p = policy(1000)
        .with_overrides(&["dedupe=exact".into()])
        .expect("valid");
    let e = Engine::default().explain_knowledge(&snapshot(vec![a, b.clone()]), &p, &b);
    assert_eq!(e.first_failed, Some(GateName::Budget));
    assert_eq!(
        e.gates[6].detail,
        "dropped before the fit as a copy of kn:13"
    );
}

/// A similarity that rounds to the threshold it is not equal to is shown with the digits that
/// tell them apart, so the gate never reads `0.700 < threshold 0.70`.
#[test]
fn the_similarity_gate_never_shows_two_equal_figures_as_unequal() {
    use super::similarity_detail;
    assert_eq!(
        similarity_detail(0.6999999, "<", 0.7),
        "0.6999999 < threshold 0.7000000"
    );
    assert_eq!(similarity_detail(0.7, "≥", 0.7), "0.700 ≥ threshold 0.70");
    assert_eq!(similarity_detail(0.712, "≥", 0.7), "0.712 ≥ threshold 0.70");
}

/// The recency gate says which side of the window the row is on: inside, the boost applies;
/// outside, none (× 1.00, not a wrong figure).
#[test]
fn the_recency_gate_says_inside_or_outside_the_window() {
    let mut fresh = row(1, Some("M4"), 0.9, 10);
    fresh.timestamp = Some(now() - Duration::hours(2));
    let old = row(2, Some("M4"), 0.8, 10);
    let hits = vec![fresh.clone(), old.clone()];
    let p = policy(1000);
    let recency = |r: &KnowledgeEntry| {
        let e = Engine::default().explain_knowledge(&snapshot(hits.clone()), &p, r);
        e.gates
            .iter()
            .find(|g| g.gate == GateName::Recency)
            .map(|g| g.detail.clone())
            .expect("a recency gate")
    };
    let boost = format!("{:.2}", p.recency.boost);
    assert!(
        recency(&fresh).ends_with(&format!("inside the 24 h window: × {boost}")),
        "{}",
        recency(&fresh)
    );
    assert!(
        recency(&old).ends_with("outside the 24 h window: × 1.00"),
        "{}",
        recency(&old)
    );
}

/// A row dated after the clock is said to be after it, not a negative time before it; a huge
/// window reads in exponent form.
#[test]
fn a_row_dated_after_the_clock_is_said_to_be() {
    let mut hit = row(1, Some("M4"), 0.9, 10);
    hit.timestamp = Some(now() + chrono::Duration::hours(3));
    let mut p = policy(1000);
    p.recency.window_hours = 1e308;
    let e = Engine::default().explain_knowledge(&snapshot(vec![hit.clone()]), &p, &hit);
    let recency = &e.gates[4].detail;
    assert!(recency.contains("(3.0 h after now)"), "{recency}");
    assert!(recency.contains("the 1e308 h window"), "{recency}");
}
