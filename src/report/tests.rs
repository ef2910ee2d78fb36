use super::*;
use crate::engine::{Engine, Policy};

fn outcome(
    total: usize,
    layers: [usize; 2],
    static_tokens: usize,
    rag_hit: Option<bool>,
    lost_reached: (usize, usize),
    cache: CacheState,
) -> PolicyOutcome {
    PolicyOutcome {
        total_tokens: total,
        layer_tokens: layers.to_vec(),
        layer_needs: layers.to_vec(),
        kept_score: total as f64,
        static_tokens,
        rag_hit,
        rag_retrieved: 0,
        rag_kept: 0,
        lost: lost_reached.0,
        reached: lost_reached.1,
        cache,
        duplicates: (0, 0),
        near_unscreened: false,
    }
}

fn user(id: &str, milestone: Option<&str>, candidate: PolicyOutcome) -> UserOutcome {
    UserOutcome {
        user_id: id.into(),
        milestone: milestone.map(str::to_string),
        unreadable: (0, None),
        ambiguous: Vec::new(),
        candidate,
        baseline: None,
        change: None,
    }
}

/// Two layers, `static` (static source) then `knowledge`, under 4000 tokens.
fn two_layer_policy() -> Policy {
    Policy::from_toml(
        "name = \"two\"\ntokenizer = \"chars4\"\n[budget]\ntotal = 4000\n\
         [[layers]]\nname = \"static\"\nsource = \"static\"\nweight = 0.25\n\
         [[layers]]\nname = \"knowledge\"\nsource = \"knowledge\"\nweight = 0.75\n",
        "two.toml",
    )
    .expect("policy")
}

fn four_users() -> Vec<UserOutcome> {
    use CacheState::*;
    vec![
        user(
            "a",
            Some("M1"),
            outcome(1000, [200, 800], 200, Some(true), (0, 10), Absent),
        ),
        user(
            "b",
            Some("M1"),
            outcome(
                2000,
                [500, 1500],
                500,
                Some(false),
                (1, 10),
                Present { drift: false },
            ),
        ),
        user(
            "c",
            Some("M2"),
            outcome(
                3000,
                [600, 2400],
                600,
                Some(true),
                (0, 10),
                Present { drift: true },
            ),
        ),
        user(
            "d",
            None,
            outcome(4000, [1000, 3000], 1000, None, (1, 10), Unreadable),
        ),
    ]
}

#[test]
fn a_fleet_of_four_gives_the_hand_computed_figures() {
    let p = two_layer_policy();
    let mut t = Tally::new(DEFAULT_TOP, false);
    for u in four_users() {
        t.add(u);
    }
    let s = t.summary(&p, None, RunInfo::default());
    let c = &s.candidate;
    assert_eq!(s.users, 4);
    // (1000 + 2000 + 3000 + 4000) / 4 = 2500: not under the target.
    assert_eq!(c.avg_context_tokens, 2500.0);
    // Nearest rank: p50 is the 2nd of 4, p90 and p99 the 4th.
    assert_eq!(
        (c.total_tokens.p50, c.total_tokens.p90, c.total_tokens.p99),
        (2000, 4000, 4000)
    );
    assert_eq!(
        c.layers[0].tokens,
        Dist {
            sum: 2300,
            mean: 575.0,
            p50: 500,
            p90: 1000,
            p99: 1000
        }
    );
    assert_eq!(c.layers[1].tokens.mean, 1925.0);
    assert_eq!(c.layers[0].budget, 1000);
    // 2300 static of 10000 tokens.
    assert_eq!(c.static_share, Some(0.23));
    // Three users searched, two kept a hit.
    assert_eq!(c.rag_hit_rate, Some(0.6667));
    // 2 lost of 40 that reached a fit: exactly 5 %, not under it.
    assert_eq!(c.truncation_rate, 0.05);
    // Two of four have a cached context, one of those two drifted; one value is unreadable.
    assert_eq!(
        (c.cache_hit_rate, c.cache_drift_rate, c.cache_unreadable),
        (0.5, Some(0.5), 1)
    );
    let verdicts: Vec<(String, Option<bool>)> = s
        .monitoring
        .iter()
        .map(|m| (m.metric.clone(), m.candidate.pass))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("avg_context_tokens".to_string(), Some(false)),
            ("static_share".to_string(), Some(true)),
            ("rag_hit_rate".to_string(), Some(false)),
            ("truncation_rate".to_string(), Some(false)),
        ]
    );
    // Milestones in name order, users with no journey first (empty key).
    let ms: Vec<(Option<&str>, u64, f64)> = s
        .milestones
        .iter()
        .map(|m| {
            (
                m.milestone.as_deref(),
                m.users,
                m.candidate.avg_context_tokens,
            )
        })
        .collect();
    assert_eq!(
        ms,
        [
            (None, 1, 4000.0),
            (Some("M1"), 2, 1500.0),
            (Some("M2"), 1, 3000.0)
        ]
    );
    assert_eq!(s.milestones[1].candidate.truncation_rate, 0.05);
    assert_eq!(s.milestones[1].candidate.rag_hit_rate, Some(0.5));
    assert!(s.changes.is_none());
}

#[test]
fn a_policy_without_static_layers_has_no_static_share() {
    let p = Policy::preset("prolaunch").expect("preset");
    let mut t = Tally::new(3, false);
    t.add(user(
        "a",
        None,
        outcome(100, [100, 0], 0, Some(true), (0, 1), CacheState::Absent),
    ));
    let s = t.summary(&p, None, RunInfo::default());
    assert_eq!(s.candidate.static_share, None);
    assert_eq!(
        s.monitoring[1].candidate,
        Metric {
            value: None,
            pass: None,
            exact: None
        }
    );
}

fn change(dropped: usize, added: usize) -> Change {
    Change {
        prompt_changed: true,
        tokens_newly_dropped: dropped,
        tokens_newly_added: added,
        ..Change::default()
    }
}

#[test]
fn the_most_affected_are_the_top_n_by_tokens_dropped_whatever_the_order_or_split() {
    let mut users = four_users();
    for (u, c) in users.iter_mut().zip([
        change(300, 0),
        change(100, 50),
        change(300, 10),
        Change::default(),
    ]) {
        u.baseline = Some(u.candidate.clone());
        u.change = Some(c);
    }
    let p = two_layer_policy();
    let mut whole = Tally::new(2, true);
    for u in users.clone() {
        whole.add(u);
    }
    // The same users in two workers, merged in the other order.
    let (mut left, mut right) = (Tally::new(2, true), Tally::new(2, true));
    for (i, u) in users.into_iter().enumerate() {
        if i % 2 == 0 {
            left.add(u)
        } else {
            right.add(u)
        }
    }
    right.merge(left);
    for t in [whole, right] {
        let s = t.summary(&p, Some(&p), RunInfo::default());
        let ch = s.changes.expect("compared");
        assert_eq!((ch.users_compared, ch.users_changed), (4, 3));
        assert_eq!((ch.tokens_newly_dropped, ch.tokens_newly_added), (700, 60));
        let top: Vec<(&str, usize)> = ch
            .most_affected
            .iter()
            .map(|a| (a.user_id.as_str(), a.tokens_newly_dropped))
            .collect();
        // c and a drop 300 each; c added more, so it ranks first.
        assert_eq!(top, [("c", 300), ("a", 300)]);
        assert_eq!(s.milestones[1].users_changed, Some(2));
    }
}

#[test]
fn histogram_quantiles_are_nearest_rank() {
    let mut h = Histogram::default();
    for v in 1..=100 {
        h.add(v);
    }
    assert_eq!(
        (
            h.quantile(0.5),
            h.quantile(0.9),
            h.quantile(0.99),
            h.quantile(1.0)
        ),
        (50, 90, 99, 100)
    );
    assert_eq!(h.mean(), 50.5);
    assert_eq!(Histogram::default().quantile(0.5), 0);
}

#[test]
fn an_outcome_reads_its_figures_off_the_assembly() {
    // seed 003's fitContextsToBudget: b (300 tokens) kept, a truncated to 274 under 600.
    let toml = "name = \"s\"\ntokenizer = \"chars4\"\nstrategy = \"truncate\"\n[budget]\ntotal = 600\n\
        [[layers]]\nname = \"static\"\nsource = \"static\"\nweight = 1.0\n\
        [[static]]\nname = \"a\"\npriority = 1.0\ncategories = [\"*\"]\ntext = \"A\"\n\
        [[static]]\nname = \"b\"\npriority = 2.0\ncategories = [\"*\"]\ntext = \"B\"\n";
    let mut p = Policy::from_toml(toml, "s.toml").expect("policy");
    p.modules[0].text = "a".repeat(2000);
    p.modules[1].text = "b".repeat(1200);
    let snap = bare_snapshot("u", None);
    let a = Engine::default().assemble(&snap, &p);
    let o = PolicyOutcome::of(&snap, &p, &a);
    assert_eq!(o.total_tokens, 574);
    assert_eq!(o.layer_tokens, [574]);
    assert_eq!(o.static_tokens, 574);
    assert_eq!((o.lost, o.reached), (1, 2));
    assert_eq!(o.rag_hit, None, "no query, no knowledge layer");
    assert_eq!(o.cache, CacheState::Absent);
}

/// A user with nothing stored but its milestone.
fn bare_snapshot(user: &str, milestone: Option<&str>) -> crate::engine::Snapshot {
    crate::engine::Snapshot {
        user_id: user.into(),
        session_id: None,
        current_milestone: milestone.map(str::to_string),
        now: chrono::DateTime::UNIX_EPOCH,
        query: None,
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

/// A cached context the store could not read at all (a malformed item naming the current
/// milestone's key, under any prefix) is counted unreadable, not absent.
#[test]
fn an_unreadable_cached_context_is_counted_so() {
    let p = Policy::preset("prolaunch").expect("preset");
    let mut snap = bare_snapshot("u:1", Some("M2"));
    let cache = |snap: &crate::engine::Snapshot| {
        let a = Engine::default().assemble(snap, &p);
        PolicyOutcome::of(snap, &p, &a).cache
    };
    assert_eq!(cache(&snap), CacheState::Absent);
    snap.malformed.push(crate::engine::snapshot::Malformed {
        id: None,
        source: "app:context:u:1:M1".into(),
        reason: "cached context is not JSON: expected value".into(),
    });
    assert_eq!(cache(&snap), CacheState::Absent, "another milestone's key");
    snap.malformed[0].source = "app:context:u:1:M2".into();
    assert_eq!(cache(&snap), CacheState::Unreadable);
    // A readable cache, then the same written for another user: no hit of this user's.
    snap.malformed.clear();
    let entry = |user: &str, milestone: &str| {
        serde_json::json!({"user_id": user, "milestone": milestone, "policy": "prolaunch",
            "created_at": "2025-01-15T11:57:33Z", "total_tokens": 0, "items": [], "prompt": ""})
    };
    snap.cached_context = Some(entry("u:1", "M2"));
    assert!(matches!(cache(&snap), CacheState::Present { .. }));
    snap.cached_context = Some(entry("u:2", "M2"));
    assert_eq!(cache(&snap), CacheState::Foreign, "another user's");
    snap.cached_context = Some(entry("u:1", "M1"));
    assert_eq!(cache(&snap), CacheState::Foreign, "another milestone's");
}

/// A user without a journey and a user whose journey row is at an empty milestone are two
/// per-milestone rows (`(no journey)`, `(empty)`), never one average of both.
#[test]
fn no_journey_and_an_empty_milestone_are_two_rows() {
    let p = Policy::preset("prolaunch").expect("preset");
    let engine = Engine::default();
    let mut t = Tally::new(DEFAULT_TOP, false);
    for (user, milestone) in [("a", None), ("b", Some("")), ("c", Some("M2"))] {
        let snap = bare_snapshot(user, milestone);
        let a = engine.assemble(&snap, &p);
        t.add(UserOutcome::of(&snap, (&p, &a), None, None));
    }
    let s = t.summary(&p, None, RunInfo::default());
    let rows: Vec<(Option<&str>, u64)> = s
        .milestones
        .iter()
        .map(|m| (m.milestone.as_deref(), m.users))
        .collect();
    assert_eq!(rows, [(None, 1), (Some(""), 1), (Some("M2"), 1)]);
    let names: Vec<String> = s
        .milestones
        .iter()
        .map(|m| crate::report::milestone_name(m.milestone.as_deref()))
        .collect();
    assert_eq!(names, ["(no journey)", "(empty)", "M2"]);
    // In the CSV too they are two keys; a value there is not (no cache was compared: the
    // drift rate is n/a) is an empty field, as every missing value there.
    let csv = crate::report::format::csv(&s);
    let users_rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("milestones,") && l.contains(",users,"))
        .collect();
    assert_eq!(
        users_rows,
        [
            "milestones,(no journey),users,1",
            "milestones,,users,1",
            "milestones,M2,users,1"
        ],
        "{csv}"
    );
    assert!(!csv.contains("n/a"), "{csv}");
}

/// Under --redact, rows of milestones the map does not know are masked and go last, by their
/// figures: their order never tells where their hidden names sort among the known ones.
#[test]
fn hidden_milestones_go_last_by_their_figures_not_their_names() {
    let p = Policy::preset("prolaunch").expect("preset");
    let engine = Engine::default();
    let mut t = Tally::new(DEFAULT_TOP, false);
    let users = [
        ("a", "LZZZZ"),
        ("b", "M0"),
        ("c", "M1ZZZ"),
        ("d", "M1ZZZ"),
        ("e", "M1"),
        ("f", "AAAA"),
        ("g", "AAAA"),
        ("h", "AAAA"),
    ];
    for (user, milestone) in users {
        let snap = bare_snapshot(user, Some(milestone));
        let a = engine.assemble(&snap, &p);
        t.add(UserOutcome::of(&snap, (&p, &a), None, None));
    }
    let mut s = t.summary(&p, None, RunInfo::default());
    s.mask(&engine.milestones);
    let rows: Vec<(String, u64)> = s
        .milestones
        .iter()
        .map(|m| (m.milestone.clone().unwrap_or_default(), m.users))
        .collect();
    assert_eq!(
        rows,
        [
            ("M0".to_string(), 1),
            ("M1".to_string(), 1),
            ("••••".to_string(), 3),
            ("•••••".to_string(), 2),
            ("•••••".to_string(), 1),
        ]
    );
}

/// Hidden milestones of equal figures are not in the order of their names, in the table nor in
/// the headline's list of milestones the map does not have: named so that name order is length
/// order, their masks (which keep the length) would show it.
#[test]
fn hidden_milestones_of_equal_figures_are_not_in_name_order() {
    let p = Policy::preset("prolaunch").expect("preset");
    let engine = Engine::default();
    let mut t = Tally::new(DEFAULT_TOP, false);
    let names = ["A", "BB", "CCC", "DDDD", "EEEEE", "FFFFFF", "GGGGGGG"];
    for (i, milestone) in names.iter().enumerate() {
        let snap = bare_snapshot(&format!("u{i}"), Some(milestone));
        let a = engine.assemble(&snap, &p);
        t.add(UserOutcome::of(&snap, (&p, &a), None, None));
    }
    let run = RunInfo {
        map_ids: engine.milestones.ids().map(str::to_string).collect(),
        ..RunInfo::default()
    };
    let mut s = t.summary(&p, None, run);
    let plain: Vec<String> = s.outside_map.iter().map(|(m, _)| m.clone()).collect();
    assert_eq!(plain, names, "unmasked: by name");
    s.mask(&engine.milestones);
    let lengths =
        |ms: Vec<String>| -> Vec<usize> { ms.iter().map(|m| m.chars().count()).collect() };
    let in_name_order: Vec<usize> = (1..=names.len()).collect();
    let table = lengths(
        s.milestones
            .iter()
            .flat_map(|m| m.milestone.clone())
            .collect(),
    );
    let headline = lengths(s.outside_map.iter().map(|(m, _)| m.clone()).collect());
    for shown in [table, headline] {
        let mut sorted = shown.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, in_name_order, "every milestone listed once");
        assert_ne!(shown, in_name_order, "in the order of the hidden names");
    }
}

/// Under --redact the first unreadable item's key keeps no milestone the map does not know
/// (`context:u1:zqvsecret` is the user's cached context key), as every other key shown does.
#[test]
fn an_unreadable_keys_hidden_milestone_is_masked_under_redact() {
    let p = Policy::preset("prolaunch").expect("preset");
    let engine = Engine::default();
    let mut snap = bare_snapshot("u1", Some("zqvsecret"));
    snap.malformed.push(crate::engine::snapshot::Malformed {
        id: None,
        source: "context:u1:zqvsecret".into(),
        reason: "cached context is not JSON (zqvsecret)".into(),
    });
    let a = engine.assemble(&snap, &p);
    let first = |redact| {
        let o = UserOutcome::of(&snap, (&p, &a), None, redact);
        o.unreadable.1.expect("the unreadable item")
    };
    assert!(
        first(None).starts_with("context:u1:zqvsecret: "),
        "{}",
        first(None)
    );
    let masked = first(Some(&engine.milestones));
    assert!(!masked.contains("zqvsecret"), "{masked}");
    assert!(masked.starts_with("context:u1:•••••••••: "), "{masked}");
    // A milestone the map knows stays, as everywhere.
    snap.current_milestone = Some("M1".into());
    snap.malformed[0].source = "context:u1:M1".into();
    let a = engine.assemble(&snap, &p);
    let known = UserOutcome::of(&snap, (&p, &a), None, Some(&engine.milestones));
    assert!(
        known
            .unreadable
            .1
            .expect("item")
            .starts_with("context:u1:M1: ")
    );
}
