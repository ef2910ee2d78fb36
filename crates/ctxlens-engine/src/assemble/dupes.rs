//! Duplicates across layers, found and (under `dedupe`) removed before the fit.

use chrono::Duration;
use serde_json::json;

use super::tests::{hit, now, policy, snapshot};
use super::*;
use crate::assembly::Decision::{Dropped, Kept};
use crate::snapshot::{JourneyEntry, JourneyKind, SessionEntry};

const ARTICLE: &str = "Landed cost per unit adds freight, duty, insurance and fulfilment fees to \
    the factory price; price from landed cost, never from the factory quote.";
const SUMMARY: &str = "Validated demand with 24 interviews and 31 preorders at a price of 38 \
    dollars, direct to consumer first.";

/// A turn pasting the article, the article twice (two knowledge rows), a milestone summary and a
/// transition that carries the same summary.
fn dup_snapshot() -> Snapshot {
    let mut snap = snapshot();
    let ts = (now() - Duration::hours(1)).to_rfc3339();
    snap.session = vec![SessionEntry::from_value(json!({
        "user": format!("From the guide: {ARTICLE}"), "assistant": "Noted.", "timestamp": ts}))];
    let article = |id, sim| KnowledgeEntry {
        content: ARTICLE.into(),
        ..hit(id, None, sim)
    };
    snap.knowledge = vec![article(1, 0.82), article(2, 0.78), hit(3, None, 0.75)];
    let row = |id: &str, kind, m: &str, hours: i64, data| JourneyEntry {
        id: id.into(),
        kind,
        milestone: Some(m.into()),
        data,
        timestamp: Some(now() - Duration::hours(hours)),
    };
    snap.journey = vec![
        row(
            "mb:1",
            JourneyKind::MilestoneData,
            "M3",
            100,
            json!({"summary": SUMMARY}),
        ),
        row(
            "mb:2",
            JourneyKind::Transition,
            "M4",
            50,
            json!({"from": "M3", "to": "M4", "context": {"summary": SUMMARY}}),
        ),
    ];
    snap
}

fn three_layers(extra: &str) -> Policy {
    policy(
        4000,
        "stop",
        "chars4",
        &[
            ("session", "session", 0.2),
            ("journey", "journey", 0.5),
            ("knowledge", "knowledge", 0.3),
        ],
        extra,
    )
}

fn dups(a: &Assembly) -> Vec<(&str, &str, Match)> {
    a.items
        .iter()
        .filter_map(|i| {
            let d = i.duplicate.as_ref()?;
            Some((i.id.as_str(), d.of.as_str(), d.kind))
        })
        .collect()
}

#[test]
fn copies_are_found_within_and_across_layers_and_nothing_is_removed_by_default() {
    let a = Engine::default().assemble(&dup_snapshot(), &three_layers(""));
    // The recent turn (score 2.0) outranks both hits; both journey rows score 0.9 (M3 is a direct
    // dependency of M4; the transition is into M4) and the newer, the transition, comes first.
    assert_eq!(
        dups(&a),
        [
            ("mb:1", "mb:2", Match::Exact),
            ("kn:1", "s1#0", Match::Near),
            ("kn:2", "s1#0", Match::Near),
        ]
    );
    assert!(a.items.iter().all(|i| i.decision == Kept), "{a:?}");
    let pairs = &a.duplicates;
    assert_eq!(pairs.len(), 3);
    let kn1 = &pairs[1];
    assert_eq!(
        (kn1.layer.as_str(), kn1.of_layer.as_str()),
        ("knowledge", "session")
    );
    assert_eq!(kn1.spent, a.item("kn:1").map_or(0, |i| i.kept_tokens));
    assert!(
        kn1.similarity > 0.7 && kn1.similarity < 1.0,
        "{}",
        kn1.similarity
    );
    assert_eq!(
        a.duplicate_tokens(),
        ["mb:1", "kn:1", "kn:2"]
            .iter()
            .filter_map(|id| a.item(id))
            .map(|i| i.kept_tokens)
            .sum::<usize>()
    );
    // kn:3 is another text: no duplicate.
    assert!(a.item("kn:3").is_some_and(|i| i.duplicate.is_none()));
}

#[test]
fn dedupe_exact_removes_exact_copies_and_near_removes_both_before_the_fit() {
    let snap = dup_snapshot();
    let engine = Engine::default();
    let off = engine.assemble(&snap, &three_layers(""));
    let exact = engine.assemble(&snap, &three_layers("dedupe = \"exact\""));
    let removed = |a: &Assembly| -> Vec<String> {
        a.items
            .iter()
            .filter(|i| i.reason == Some(Reason::Duplicate))
            .map(|i| i.id.clone())
            .collect()
    };
    // mb:1, and kn:2, an exact copy of kn:1.
    assert_eq!(removed(&exact), ["mb:1", "kn:2"]);
    // Near copies stay, still marked.
    assert_eq!(
        dups(&exact)[1..],
        [
            ("kn:1", "s1#0", Match::Near),
            ("kn:2", "kn:1", Match::Exact)
        ]
    );
    let near = engine.assemble(&snap, &three_layers("dedupe = \"near\""));
    assert_eq!(removed(&near), ["mb:1", "kn:1", "kn:2"]);
    let mb1 = near.item("mb:1").expect("mb:1");
    assert_eq!((mb1.decision, mb1.kept_tokens), (Dropped, 0));
    assert_eq!(mb1.tokens, off.item("mb:1").expect("mb:1").tokens);
    assert_eq!(
        off.total_tokens - near.total_tokens,
        off.duplicate_tokens(),
        "what near dedupe saves is what the copies cost"
    );
    assert_eq!(off.prompt.matches("factory quote").count(), 3);
    assert_eq!(near.prompt.matches("factory quote").count(), 1);
    assert_eq!(near.prompt.matches("31 preorders").count(), 1);
    // Removed copies never reached a fit: they are not candidates of the truncation rate.
    assert_eq!(near.truncation_rate, 0.0);
    assert_eq!(
        near.layers.get("knowledge").map(|l| (l.kept, l.dropped)),
        Some((1, 2))
    );
}

#[test]
fn a_removed_copy_frees_budget_for_the_next_item() {
    let snap = dup_snapshot();
    // The knowledge layer holds one article-sized hit: with the copies gone kn:3 fits.
    let budget = |extra: &str| {
        three_layers(extra)
            .with_overrides(&["layers.knowledge.cap=60".into()])
            .expect("valid")
    };
    let engine = Engine::default();
    let off = engine.assemble(&snap, &budget(""));
    assert_eq!(
        off.item("kn:3").map(|i| (i.decision, i.reason)),
        Some((Dropped, Some(Reason::LayerBudget)))
    );
    let near = engine.assemble(&snap, &budget("dedupe = \"near\""));
    assert_eq!(near.item("kn:3").map(|i| i.decision), Some(Kept));
}

#[test]
fn the_threshold_is_the_policys() {
    let snap = dup_snapshot();
    let strict = Engine::default().assemble(&snap, &three_layers("dedupe_threshold = 0.95"));
    assert_eq!(
        dups(&strict),
        [
            ("mb:1", "mb:2", Match::Exact),
            ("kn:2", "kn:1", Match::Exact)
        ]
    );
    let bad = Policy::from_toml(
        "name=\"x\"\ndedupe_threshold = 0.0\n[budget]\ntotal=10\n[[layers]]\nname=\"s\"\nsource=\"session\"\nweight=1",
        "p.toml",
    );
    assert!(bad.is_err_and(|e| {
        e.to_string()
            .contains("dedupe_threshold: must be within (0, 1]")
    }),);
}

#[test]
fn redaction_marks_the_same_copies_from_the_stored_text() {
    let mut snap = dup_snapshot();
    // Two turns of other words of the same lengths: masked, they would read alike.
    for (words, hours) in [
        ("one two six ten red big old new", 30),
        ("ant bee cat dog elk fox gnu hen", 31),
    ] {
        let ts = (now() - Duration::hours(hours)).to_rfc3339();
        snap.session.push(SessionEntry::from_value(
            json!({"user": words, "assistant": "ok", "timestamp": ts}),
        ));
    }
    let p = three_layers("dedupe = \"near\"");
    let engine = Engine::default();
    let plain = engine.assemble(&snap, &p);
    let masked = engine.assemble_redacted(&snap, &p);
    assert_eq!(
        masked.item("s1#1").map(|i| i.text.clone()),
        masked.item("s1#2").map(|i| i.text.clone())
    );
    assert_eq!(dups(&plain).len(), 3, "the three copies");
    // The chat turn and the article are on two sides of the mask: not linked when masked.
    let mut unlinked = plain.clone();
    crate::redact::unlink_across_the_mask(&mut unlinked);
    assert_eq!(dups(&unlinked), dups(&masked));
    assert_eq!(
        dups(&masked),
        [("mb:1", "mb:2", Match::Exact)],
        "the journey copy (both sides masked), not the masked look-alikes"
    );
}

#[test]
fn decisions_only_assembly_finds_the_same_copies() {
    let snap = dup_snapshot();
    let p = three_layers("dedupe = \"near\"");
    let engine = Engine::default();
    let full = engine.assemble(&snap, &p);
    let lean = engine.assemble_decisions(&snap, &p);
    assert_eq!(dups(&full), dups(&lean));
    assert_eq!(full.total_tokens, lean.total_tokens);
}

/// Thousands of journey rows written from six words share their shingles: the screening's
/// bound is reached, the assembly says from where, and exact copies past it are still found.
#[test]
fn past_the_screening_bound_the_assembly_says_how_many_were_not_screened() {
    const WORDS: [&str; 6] = ["alpha", "beta", "gamma", "delta", "kappa", "sigma"];
    let mut state = 11u64;
    let mut bodies: Vec<String> = (0..2_000)
        .map(|_| {
            (0..30)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    WORDS[((state >> 32) % 6) as usize]
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // The oldest row, copied word for word: the last in fit order.
    bodies.push(bodies[0].clone());
    let mut snap = snapshot();
    let n = bodies.len() as i64;
    snap.journey = bodies
        .into_iter()
        .enumerate()
        .map(|(i, text)| JourneyEntry {
            id: format!("mb:{i}"),
            kind: JourneyKind::MilestoneData,
            milestone: Some("M3".into()),
            data: json!({ "summary": text }),
            // mb:0 newest, the copy oldest.
            timestamp: Some(
                now() - Duration::minutes(if i as i64 == n - 1 { n } else { i as i64 }),
            ),
        })
        .collect();
    // A low threshold: more of each row's shingles are looked up (a longer prefix).
    let a = Engine::default().assemble(&snap, &three_layers("dedupe_threshold = 0.3"));
    assert!(
        a.near_unscreened > 0 && a.near_unscreened < 2_001,
        "{}",
        a.near_unscreened
    );
    let copy = format!("mb:{}", n - 1);
    assert_eq!(
        a.item(&copy)
            .and_then(|i| i.duplicate.as_ref())
            .map(|d| (d.of.as_str(), d.kind)),
        Some(("mb:0", Match::Exact)),
        "exact copies are found past the bound"
    );
    let json = serde_json::to_value(&a).expect("json");
    assert_eq!(json["near_unscreened"], a.near_unscreened);
}
