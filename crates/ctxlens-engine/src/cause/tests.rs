//! One pair of inputs per cause class, differing by exactly that cause (plus noise where the test
//! says so): the comparison must name it as the first cause and explain the change with it alone.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::milestones::MilestoneMap;
use crate::snapshot::{JourneyEntry, JourneyKind, KnowledgeEntry, SessionEntry};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0)
        .single()
        .expect("valid date")
}

fn turn(k: usize, hours_ago: i64) -> SessionEntry {
    let ts = now() - Duration::hours(hours_ago);
    SessionEntry::from_value(json!({
        "user": format!("question {k} about pricing the roasted beans"),
        "assistant": format!("answer {k}"),
        "timestamp": ts.to_rfc3339(),
    }))
}

fn row(id: u32, kind: JourneyKind, milestone: Option<&str>) -> JourneyEntry {
    JourneyEntry {
        id: format!("mb:{id}"),
        kind,
        milestone: milestone.map(str::to_string),
        data: json!({"summary": format!("journey row {id}")}),
        timestamp: Some(now() - Duration::days(3)),
    }
}

fn hit(id: u32, milestone: &str, similarity: f64, hours_ago: i64) -> KnowledgeEntry {
    KnowledgeEntry {
        id: format!("kn:{id}"),
        milestone: Some(milestone.into()),
        title: format!("Article {id}"),
        content: format!("Article {id} says landed cost adds freight, duty and fees."),
        section: None,
        similarity,
        timestamp: Some(now() - Duration::hours(hours_ago)),
    }
}

/// Five turns an hour apart, three journey rows, knowledge above and below the threshold and of
/// another milestone.
fn base() -> Snapshot {
    Snapshot {
        user_id: "u1".into(),
        session_id: Some("s1".into()),
        current_milestone: Some("M4".into()),
        now: now(),
        query: None,
        session: (0..5).map(|k| turn(k, 5 - k as i64)).collect(),
        journey: vec![
            row(1, JourneyKind::BusinessDna, None),
            row(2, JourneyKind::MilestoneData, Some("M1")),
            row(3, JourneyKind::MilestoneData, Some("M3")),
        ],
        knowledge: vec![
            hit(1, "M4", 0.82, 48),
            hit(2, "M4", 0.65, 48),
            hit(3, "M3", 0.91, 48),
        ],
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        malformed: vec![],
        notes: vec![],
        recorded: Default::default(),
    }
}

fn prolaunch() -> Policy {
    Policy::preset("prolaunch").expect("preset")
}

fn engine() -> Engine {
    Engine::new(MilestoneMap::default())
}

/// Compares and checks what every comparison must hold: the explaining set reproduces the
/// second prompt, and no input change is lost.
fn run(a: &Snapshot, pa: &Policy, b: &Snapshot, pb: &Policy) -> Comparison {
    let e = engine();
    let c = compare(&e, (a, pa), (b, pb), &|| false);
    assert_eq!(c.outcome, Outcome::Prompt, "the prompts differ");
    assert!(c.minimal);
    let delta = Delta::new((a, pa), (b, pb));
    let mut on = vec![false; delta.changes.len()];
    // The replayed set alone (a query named upstream of its hits is not replayed).
    for x in c.cause.iter().filter(|x| !x.upstream) {
        on[x.change] = true;
    }
    let (s, p) = delta.apply(&on).expect("a valid policy");
    assert_eq!(
        e.assemble(&s, &p).prompt,
        c.after.prompt,
        "the set reproduces it"
    );
    c
}

/// The first cause's class and subject.
fn first(c: &Comparison) -> (Cause, String) {
    let (e, i) = c.first().expect("a first cause");
    (e.cause, i.subject.clone())
}

#[test]
fn a_new_turn() {
    let a = base();
    let mut b = base();
    b.session.push(turn(5, 0));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::NewTurn, "s1#5".into()));
    assert_eq!(c.cause.len(), 1);
    let added: Vec<&str> = c
        .items
        .iter()
        .filter(|d| d.kind == ItemDeltaKind::Added)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(added, ["s1#5"]);
}

#[test]
fn a_max_items_shift() {
    let mut a = base();
    a.session = (0..10).map(|k| turn(k, 10 - k as i64)).collect();
    let mut b = a.clone();
    b.session.push(turn(10, 0));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::MaxItemsShift, "s1#10".into()));
    let (e, _) = c.first().expect("first");
    assert!(
        e.effects
            .iter()
            .any(|x| x == "s1#0 kept → dropped (max_items)"),
        "{:?}",
        e.effects
    );
    assert!(
        c.items
            .iter()
            .any(|d| d.id == "s1#0" && d.kind == ItemDeltaKind::NewlyDropped)
    );
}

#[test]
fn an_aged_out_turn_keeps_the_identity_of_the_turns_after_it() {
    let a = base();
    let mut b = base();
    b.session.remove(0);
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::AgedOutTurn, "s1#0".into()));
    // s1#1..s1#4 are now s1#0..s1#3: the same turns, not four changes.
    assert_eq!(c.items.len(), 1, "{:?}", c.items);
    assert_eq!(c.items[0].kind, ItemDeltaKind::Removed);
    assert_eq!(c.inputs[0].detail, "in A only: trimmed or expired");
    // One taken from the middle is not said to have aged out.
    let mut mid = base();
    mid.session.remove(2);
    let c = run(&a, &prolaunch(), &mid, &prolaunch());
    assert_eq!(first(&c), (Cause::TurnRemoved, "s1#2".into()));
    assert_eq!(c.inputs[0].detail, "in A only: taken out of the session");
}

#[test]
fn an_edited_turn_is_one_change() {
    let a = base();
    let mut b = base();
    let ts = (now() - Duration::hours(2)).to_rfc3339();
    b.session[3] = SessionEntry::from_value(
        json!({"user": "a different question", "assistant": "answer 3", "timestamp": ts}),
    );
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(c.inputs.len(), 1);
    assert_eq!(first(&c), (Cause::TurnEdited, "s1#3".into()));
    // Its id did not move: no "(was s1#3)".
    assert_eq!(c.inputs[0].detail, "text changed");
}

#[test]
fn a_recency_window_crossed() {
    // Room for one article: the recent one (0.80 × 2) wins until it is older than 24 h, then
    // the better but older one (0.90 × 1) does.
    let mut a = base();
    a.knowledge = vec![hit(1, "M4", 0.80, 23), hit(2, "M4", 0.90, 400)];
    let mut b = a.clone();
    b.now = a.now + Duration::hours(2);
    let p = Policy::from_toml(
        "name = \"one-article\"\n[budget]\ntotal = 24\n[recency]\nwindow_hours = 24\nboost = 2.0\n\
         [[layers]]\nname = \"knowledge\"\nsource = \"knowledge\"\nweight = 1.0\n",
        "test",
    )
    .expect("valid");
    let c = run(&a, &p, &b, &p);
    assert_eq!(first(&c), (Cause::RecencyWindowCrossed, "now".into()));
    let (e, _) = c.first().expect("first");
    assert!(
        e.effects
            .iter()
            .any(|x| x.starts_with("kn:1 kept → dropped")),
        "{:?}",
        e.effects
    );
}

#[test]
fn a_milestone_change() {
    let a = base();
    let mut b = base();
    b.current_milestone = Some("M3".into());
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(
        first(&c),
        (Cause::MilestoneChange, "current_milestone".into())
    );
    assert!(
        c.items
            .iter()
            .any(|d| d.id == "kn:3" && d.kind == ItemDeltaKind::NewlyKept)
    );
}

#[test]
fn a_memory_bank_row_added() {
    let a = base();
    let mut b = base();
    b.journey
        .push(row(9, JourneyKind::MilestoneData, Some("M4")));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::MemoryBankRowAdded, "mb:9".into()));
}

/// A row whose milestone alone changed is named by what changed, not as changed data.
#[test]
fn a_memory_bank_row_changed_says_what_changed() {
    let a = base();
    let mut b = base();
    b.journey[2].milestone = Some("M4".into());
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    let (e, i) = c.first().expect("a first cause");
    assert_eq!(
        (e.cause, i.subject.as_str()),
        (Cause::MemoryBankRowChanged, "mb:3")
    );
    assert_eq!(i.detail, "milestone changed");
    let mut d = base();
    d.journey[2].milestone = Some("M4".into());
    d.journey[2].data = json!({"summary": "another summary"});
    let c = run(&a, &prolaunch(), &d, &prolaunch());
    let (_, i) = c.first().expect("a first cause");
    assert_eq!(i.detail, "data, milestone changed");
}

#[test]
fn a_knowledge_row_added() {
    let a = base();
    let mut b = base();
    b.knowledge.insert(0, hit(9, "M4", 0.88, 48));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::KnowledgeRowAdded, "kn:9".into()));
}

#[test]
fn a_similarity_that_crosses_the_threshold() {
    let a = base();
    let mut b = base();
    b.knowledge[1].similarity = 0.75;
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::SimilarityChanged, "kn:2".into()));
    assert_eq!(c.inputs[0].detail, "0.650 → 0.750");
}

/// Another query finds other rows: the query is the first cause, the hit it brings in and the
/// one it takes out its effects, not rows the table gained or lost.
#[test]
fn a_query_change_is_the_first_cause_of_the_hits_it_finds_and_loses() {
    let a = base();
    let mut b = base();
    b.query = Some("how do duties work".into());
    b.knowledge.remove(0);
    b.knowledge.insert(0, hit(9, "M4", 0.88, 48));
    b.knowledge[1].similarity = 0.75;
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::QueryChanged, "query".into()));
    let (e, _) = c.first().expect("a first cause");
    let said = e.effects.join("; ");
    assert!(said.contains("brings kn:9 into the hits"), "{said}");
    assert!(said.contains("takes kn:1 out of the hits"), "{said}");
    assert!(said.contains("moves the similarity of kn:2"), "{said}");
}

#[test]
fn a_policy_field_change() {
    let a = base();
    let pb = prolaunch()
        .with_overrides(&["session.max_items=3".into()])
        .expect("valid");
    let c = run(&a, &prolaunch(), &a, &pb);
    assert_eq!(
        first(&c),
        (Cause::PolicyFieldChange, "session.max_items".into())
    );
    assert_eq!(c.inputs[0].detail, "10 → 3");
    // A key a policy leaves out at its default is said with that default, not "unset".
    let near = prolaunch()
        .with_overrides(&["dedupe=near".into(), "dedupe_threshold=0.5".into()])
        .expect("valid");
    let base_policy = prolaunch();
    let d = Delta::new((&a, &base_policy), (&a, &near));
    let said: Vec<(&str, &str)> = d
        .changes
        .iter()
        .map(|i| (i.subject.as_str(), i.detail.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            ("dedupe", "\"off\" → \"near\""),
            ("dedupe_threshold", "0.7 → 0.5")
        ]
    );
}

#[test]
fn a_layer_weight_is_addressed_by_the_layer_name() {
    let a = base();
    let pb = prolaunch()
        .with_overrides(&["budget.total=300".into(), "recency.boost=1.5".into()])
        .expect("valid");
    let c = run(&a, &prolaunch(), &a, &pb);
    let subjects: Vec<&str> = c.inputs.iter().map(|i| i.subject.as_str()).collect();
    assert_eq!(subjects, ["budget.total", "recency.boost"]);
    assert_eq!(first(&c), (Cause::PolicyFieldChange, "budget.total".into()));
}

#[test]
fn changes_that_do_not_touch_the_prompt_are_left_out() {
    let a = base();
    let mut b = base();
    b.session.push(turn(5, 0));
    b.knowledge[1].similarity = 0.61; // still below the threshold
    b.knowledge[2].similarity = 0.95; // another milestone's row
    b.cached_context = Some(json!({"stale": true}));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(c.inputs.len(), 4);
    assert_eq!(c.cause.len(), 1);
    assert_eq!(first(&c), (Cause::NewTurn, "s1#5".into()));
}

#[test]
fn two_changes_needed_together_are_both_named_upstream_first() {
    let a = base();
    let mut b = base();
    b.knowledge.push(hit(9, "M4", 0.88, 48));
    b.session.push(turn(5, 0));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    let causes: Vec<Cause> = c.cause.iter().map(|e| e.cause).collect();
    assert_eq!(causes, [Cause::NewTurn, Cause::KnowledgeRowAdded]);
}

/// A hit added beside a changed query: the replays' set is the hit alone (a replay keeps each
/// side's hits); the query is named upstream of it, outside the set and its count.
#[test]
fn a_query_named_upstream_is_not_counted_in_the_replayed_set() {
    let a = base();
    let mut b = base();
    b.query = Some("how do duties work".into());
    b.knowledge.push(hit(9, "M4", 0.88, 48));
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    assert_eq!(first(&c), (Cause::QueryChanged, "query".into()));
    assert!(c.cause[0].upstream);
    assert_eq!(c.replayed(), 1);
    let set: Vec<Cause> = c
        .cause
        .iter()
        .filter(|e| !e.upstream)
        .map(|e| e.cause)
        .collect();
    // The row is older than A's clock: A's query did not find it, the table did not gain it.
    assert_eq!(set, [Cause::KnowledgeHitFound]);
    let hit9 = c
        .inputs
        .iter()
        .find(|i| i.cause == Cause::KnowledgeHitFound)
        .expect("kn:9 found by the query");
    assert_eq!(hit9.subject, "kn:9");
    // A had no query: said so, not that its search missed the row.
    assert_eq!(
        hit9.detail,
        "a hit in B only, similarity 0.880; the row is older than A's clock: A had no query to \
         search with"
    );
    // The mirror: a hit only A has, B under another query.
    let mut asked = base();
    asked.query = Some("landed cost".into());
    asked.knowledge.push(hit(9, "M4", 0.88, 48));
    let mut other = base();
    other.query = Some("how do duties work".into());
    let c = run(&asked, &prolaunch(), &other, &prolaunch());
    let lost = c
        .inputs
        .iter()
        .find(|i| i.subject == "kn:9")
        .expect("kn:9 an input");
    assert_eq!(lost.cause, Cause::KnowledgeHitLost);
    assert_eq!(
        lost.detail,
        "a hit in A only, similarity 0.880; B's search under another query did not return it"
    );
    // One created after A's clock was added to the table, whatever the query.
    let mut late = base();
    late.now = a.now + chrono::Duration::hours(2);
    late.query = Some("how do duties work".into());
    let mut h = hit(10, "M4", 0.88, 48);
    h.timestamp = Some(a.now + chrono::Duration::hours(1));
    late.knowledge.push(h);
    let c = run(&a, &prolaunch(), &late, &prolaunch());
    assert!(
        c.inputs
            .iter()
            .any(|i| i.cause == Cause::KnowledgeRowAdded && i.subject == "kn:10"),
        "{:?}",
        c.inputs
    );
}

/// A similarity that only moves a hit among the ones dropped below the threshold changes no
/// decision: the two contexts are the same.
#[test]
fn a_hit_reordered_below_the_threshold_changes_nothing() {
    let mut a = base();
    a.knowledge.push(hit(4, "M4", 0.60, 48));
    let mut b = a.clone();
    b.knowledge[3].similarity = 0.68;
    let p = prolaunch();
    let e = engine();
    let (x, y) = (e.assemble(&a, &p), e.assemble(&b, &p));
    let order = |asm: &Assembly| -> Vec<String> {
        asm.items
            .iter()
            .filter(|i| i.id == "kn:2" || i.id == "kn:4")
            .map(|i| i.id.clone())
            .collect()
    };
    assert_ne!(order(&x), order(&y), "the two hits change places");
    let c = compare(&e, (&a, &p), (&b, &p), &|| false);
    assert_eq!(c.outcome, Outcome::Nothing);
    assert!(c.cause.is_empty() && c.items.is_empty(), "{:?}", c.items);
    assert_eq!(c.inputs.len(), 1, "the change is still listed");
}

#[test]
fn the_same_inputs_have_no_cause() {
    let e = engine();
    let a = base();
    let c = compare(&e, (&a, &prolaunch()), (&a, &prolaunch()), &|| false);
    assert_eq!(c.outcome, Outcome::Nothing);
    assert!(c.inputs.is_empty() && c.cause.is_empty() && c.items.is_empty());
}

/// A random mix of edits to the base: turns added and removed, rows added, removed and changed,
/// similarities moved, the clock, the milestone, the policy.
fn edited(ops: &[u8]) -> (Snapshot, Policy) {
    let mut s = base();
    let mut sets = Vec::new();
    for (k, op) in ops.iter().enumerate() {
        match op % 9 {
            0 => s.session.push(turn(10 + k, 0)),
            1 if !s.session.is_empty() => drop(s.session.remove(0)),
            2 => s
                .journey
                .push(row(20 + k as u32, JourneyKind::MilestoneData, Some("M4"))),
            3 if !s.journey.is_empty() => drop(s.journey.remove(k % s.journey.len())),
            4 => s
                .knowledge
                .push(hit(20 + k as u32, "M4", 0.71 + 0.01 * k as f64, 5)),
            5 if !s.knowledge.is_empty() => {
                let n = s.knowledge.len();
                s.knowledge[k % n].similarity = 0.5 + 0.04 * k as f64 % 0.5;
            }
            6 => s.now += Duration::hours(7),
            7 => s.current_milestone = Some(["M3", "M5", "M1"][k % 3].into()),
            _ => sets.push(format!("session.max_items={}", 2 + k % 6)),
        }
    }
    let p = prolaunch().with_overrides(&sets).expect("valid");
    (s, p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Applying no change gives the first inputs, every change the second, exactly; and the
    /// explaining set, applied alone, reproduces the second prompt.
    #[test]
    fn apply_spans_both_inputs_and_the_set_reproduces(ops_a in proptest::collection::vec(any::<u8>(), 0..6),
                                                     ops_b in proptest::collection::vec(any::<u8>(), 0..6)) {
        let (a, pa) = edited(&ops_a);
        let (b, pb) = edited(&ops_b);
        let delta = Delta::new((&a, &pa), (&b, &pb));
        let n = delta.changes.len();
        let (none_s, none_p) = delta.apply(&vec![false; n]).expect("valid");
        prop_assert_eq!(&none_s, &a);
        prop_assert_eq!(&none_p, &pa);
        let (all_s, all_p) = delta.apply(&vec![true; n]).expect("valid");
        prop_assert_eq!(&all_s, &b);
        prop_assert_eq!(&all_p, &pb);
        let e = engine();
        let c = compare(&e, (&a, &pa), (&b, &pb), &|| false);
        if c.outcome == Outcome::Prompt {
            let mut on = vec![false; n];
            for x in &c.cause {
                on[x.change] = true;
            }
            let (s, p) = delta.apply(&on).expect("valid");
            prop_assert_eq!(e.assemble(&s, &p).prompt, c.after.prompt.clone());
            prop_assert!(!c.cause.is_empty());
        }
    }
}

#[test]
fn a_query_change_says_what_each_side_asked() {
    let detail = |a: &Snapshot, b: &Snapshot| {
        let c = compare(&engine(), (a, &prolaunch()), (b, &prolaunch()), &|| false);
        c.inputs
            .iter()
            .find(|i| i.cause == Cause::QueryChanged)
            .map(|i| i.detail.clone())
    };
    let none = base();
    let mut newest = base();
    newest.query = newest.newest_user_text().map(str::to_string);
    let mut given = base();
    given.query = Some("how do I ship abroad".into());
    let mut other = base();
    other.query = Some("what about returns".into());
    let cases = [
        (&none, &newest, "no query → the newest user turn"),
        (&newest, &given, "the newest user turn → a given text"),
        (&given, &none, "a given text → no query"),
        (&given, &other, "a given text, another text"),
    ];
    for (a, b, said) in cases {
        assert_eq!(detail(a, b).as_deref(), Some(said));
    }
    assert_eq!(detail(&given, &given), None, "no change, no line");
}

/// Two users' contexts: the other user's turns are another session (named with its user),
/// never this one's turns aged out or new, even when the session ids are alike.
#[test]
fn another_users_turns_are_another_session() {
    let a = base();
    let mut b = base();
    b.user_id = "other".into();
    b.session.remove(0);
    b.session.push(turn(40, 0));
    let c = compare(&engine(), (&a, &prolaunch()), (&b, &prolaunch()), &|| false);
    let causes: Vec<Cause> = c.inputs.iter().map(|i| i.cause).collect();
    assert!(
        !causes.contains(&Cause::AgedOutTurn) && !causes.contains(&Cause::NewTurn),
        "{causes:?}"
    );
    let switch = c
        .inputs
        .iter()
        .find(|i| i.cause == Cause::SessionSwitched)
        .expect("a session switch");
    assert!(switch.detail.ends_with("→ other's s1"), "{}", switch.detail);
}

mod items;
mod turns;
