//! The policy space: default keys, bounds, coverage, and changes against the baseline.

use super::*;
use crate::engine::Snapshot;
use crate::store::NEAR_MISSES;

fn prolaunch() -> Policy {
    Policy::preset("prolaunch").expect("preset")
}

#[test]
fn default_space_covers_weights_knowledge_session_and_strategy() {
    let s = Space::build(&prolaunch(), &[], &[]).expect("space");
    let keys: Vec<&str> = s.params.iter().map(|p| p.key.as_str()).collect();
    assert!(keys.contains(&"layers.journey.weight"));
    assert!(keys.contains(&"knowledge.limit"));
    assert!(keys.contains(&"strategy"));
    assert!(
        !keys.contains(&"budget.total"),
        "the total moves only when freed"
    );
    let limit = s
        .params
        .iter()
        .find(|p| p.key == "knowledge.limit")
        .expect("limit");
    assert_eq!(limit.domain, Domain::Int { lo: 1, hi: 15 });
    // A baseline at the bound covers its near misses too, but no limit past the bound is
    // searched (the space would refuse its own bounds).
    let most = prolaunch()
        .with_overrides(&[format!(
            "knowledge.limit={}",
            crate::engine::policy::MAX_KNOWLEDGE_LIMIT
        )])
        .expect("at the bound");
    let s = Space::build(&most, &[], &[]).expect("space");
    assert_eq!(
        domain(&s, "knowledge.limit"),
        Domain::Int {
            lo: 1,
            hi: crate::engine::policy::MAX_KNOWLEDGE_LIMIT as i64
        }
    );
}

#[test]
fn origin_replays_the_baseline() {
    let base = prolaunch();
    let s = Space::build(&base, &[], &[]).expect("space");
    let p = s.policy(&base, &s.origin(&base)).expect("policy");
    assert_eq!(p.layers, base.layers);
    assert_eq!(p.knowledge, base.knowledge);
    assert_eq!(p.strategy, base.strategy);
}

#[test]
fn free_bounds_fixed_and_coverage() {
    let base = prolaunch();
    let free = [
        "layers.*.weight=0.1..0.6".to_string(),
        "knowledge.similarity_threshold=0.1..0.9".into(),
    ];
    let s = Space::build(&base, &free, &["layers.session.weight".into()]).expect("space");
    let keys: Vec<&str> = s.params.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "layers.journey.weight",
            "layers.knowledge.weight",
            "knowledge.similarity_threshold"
        ]
    );
    assert_eq!(s.params[0].domain, Domain::Real { lo: 0.1, hi: 0.6 });
    // The hits were searched at 0.7 − 0.3: nothing below 0.4 is known.
    assert_eq!(s.params[2].domain, Domain::Real { lo: 0.4, hi: 0.9 });
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("below what the loaded hits cover"))
    );
    let err = Space::build(&base, &["layers.nope.weight".into()], &[]).expect_err("unknown layer");
    assert!(err.contains("no layer \"nope\""), "{err}");
    let err = Space::build(&base, &["knowledge.limit=3".into()], &[]).expect_err("bad bounds");
    assert!(err.contains("LO..HI"), "{err}");
}

/// An unset cap's search starts at its highest bound, which caps nothing: a search that
/// leaves it there recommends no change of it (the policy keeps no cap); a cap that does cut
/// the layer is a change.
#[test]
fn a_cap_that_caps_nothing_is_no_change() {
    let base = prolaunch();
    let s = Space::build(&base, &["layers.session.cap".into()], &[]).expect("space");
    let origin = s.origin(&base);
    assert_eq!(s.changes(&base, &origin), []);
    let p = s.policy(&base, &origin).expect("policy");
    assert_eq!(p.get("layers.session.cap"), None);
    // Nor do the flags that make it set one.
    assert_eq!(s.recommended_sets(&base, &origin), Vec::<String>::new());
    assert_eq!(
        s.recommended_sets(&base, &vec![500.0]),
        ["layers.session.cap=500"]
    );
    assert_eq!(p.layers, base.layers);
    // prolaunch's session share of 4,000 is 800: a cap of 500 cuts it.
    let cut = s.policy(&base, &vec![500.0]).expect("policy");
    assert_eq!(
        cut.get("layers.session.cap"),
        Some(toml::Value::Integer(500))
    );
    assert_eq!(
        s.changes(&base, &vec![500.0]),
        [("layers.session.cap".into(), "unset".into(), "500".into())]
    );
}

#[test]
fn changes_are_stated_against_the_baseline_even_when_its_value_is_outside_the_bounds() {
    let base = prolaunch();
    let s = Space::build(&base, &["budget.total=1..10".into()], &[]).expect("space");
    let origin = s.origin(&base);
    assert_eq!(origin, [10.0], "the origin is clamped into the bounds");
    // The clamped origin is a change: the policy it makes has a total of 10, not 4000.
    assert_eq!(
        s.changes(&base, &origin),
        [("budget.total".into(), "4000".into(), "10".into())]
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n
                == "budget.total: the baseline's 4000 is outside 1..10; the search starts at 10"),
        "{:?}",
        s.notes
    );
    // Within the bounds, the origin is no change and nothing is noted.
    let s = Space::build(&base, &["budget.total=1000..5000".into()], &[]).expect("space");
    assert!(s.changes(&base, &s.origin(&base)).is_empty());
    assert!(
        !s.notes.iter().any(|n| n.contains("outside")),
        "{:?}",
        s.notes
    );
    // A cap the baseline leaves unset shows as `unset`, and setting one is a change.
    let s = Space::build(&base, &["layers.session.cap=0..500".into()], &[]).expect("space");
    assert_eq!(
        s.changes(&base, &s.origin(&base)),
        [("layers.session.cap".into(), "unset".into(), "500".into())]
    );
}

#[test]
fn bounds_that_make_a_key_invalid_and_bounds_on_a_choice_are_refused() {
    let base = prolaunch();
    for (spec, says) in [
        ("budget.total=0..10", "budget.total must be ≥ 1"),
        ("budget.total=-5..10", "budget.total must be ≥ 1"),
        (
            "layers.*.weight=-0.5..0.5",
            "layers.session.weight must be ≥ 0",
        ),
        ("knowledge.similarity_threshold=0.5..1.5", "must be ≤ 1"),
        ("knowledge.limit=-1..3", "knowledge.limit must be ≥ 0"),
        ("strategy=1..2", "strategy is a choice"),
    ] {
        let err = Space::build(&base, &[spec.into()], &[]).expect_err(spec);
        assert!(err.starts_with(&format!("--free {spec}: ")), "{err}");
        assert!(err.contains(says), "{spec}: {err}");
    }
    // Three dots are a typo, not 0 to .1 (or 0. to 1).
    for spec in ["layers.*.weight=0...1", "layers.*.weight=0. ..1"] {
        let err = Space::build(&base, &[spec.into()], &[]).expect_err(spec);
        assert!(err.contains("bounds are LO..HI"), "{spec}: {err}");
    }
    // Bounds at the edge of what is valid are fine.
    Space::build(&base, &["budget.total=1..10".into()], &[]).expect("T = 1 is valid");
    Space::build(&base, &["strategy".into()], &[]).expect("strategy without bounds");
}

fn user(id: &str, query: Option<&str>, search: Option<(f64, usize)>) -> Snapshot {
    let mut v = serde_json::json!({ "user_id": id, "now": "2025-01-15T12:00:00Z" });
    if let Some(q) = query {
        v["query"] = q.into();
    }
    if let Some((min_similarity, limit)) = search {
        v["knowledge_search"] =
            serde_json::json!({ "min_similarity": min_similarity, "limit": limit });
    }
    serde_json::from_value(v).expect("snapshot")
}

fn domain(s: &Space, key: &str) -> Domain {
    s.params
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.domain.clone())
        .expect(key)
}

/// Users loaded by the baseline's own search cover what the baseline's margins say; users
/// without a question constrain nothing.
#[test]
fn users_searched_as_the_baseline_searches_cover_its_margins() {
    let base = prolaunch();
    let store = [
        user(
            "a",
            Some("q"),
            Some((crate::store::near_miss_floor(0.7), 10 + NEAR_MISSES)),
        ),
        user("b", None, None),
    ];
    assert_eq!(
        Coverage::of_snapshots(&base, &store),
        Coverage::of_policy(&base)
    );
    let silent = [user("c", None, None)];
    assert_eq!(
        Coverage::of_snapshots(&base, &silent),
        Coverage::of_policy(&base)
    );
}

/// Snapshot files written under a narrower search than the baseline's margins bound the
/// knowledge keys to what every file holds: the space never leaves it, even when asked.
#[test]
fn snapshot_files_bound_the_knowledge_keys_to_what_they_hold() {
    let base = prolaunch();
    let files = [
        user("a", Some("q"), Some((0.45, 12))),
        user("b", Some("q"), Some((0.55, 8))),
        user("c", None, None),
    ];
    let cov = Coverage::of_snapshots(&base, &files);
    assert_eq!((cov.min_threshold, cov.max_limit), (0.55, 8));
    let s = Space::build_within(&base, &[], &[], &cov).expect("space");
    assert_eq!(
        domain(&s, "knowledge.similarity_threshold"),
        Domain::Real { lo: 0.55, hi: 1.0 }
    );
    assert_eq!(domain(&s, "knowledge.limit"), Domain::Int { lo: 1, hi: 8 });
    // The baseline's own margins (0.4, 15) would search past what the files hold.
    let wide = Space::build(&base, &[], &[]).expect("space");
    assert_eq!(
        domain(&wide, "knowledge.limit"),
        Domain::Int { lo: 1, hi: 15 }
    );
    let asked = [
        "knowledge.similarity_threshold=0.2..0.9".to_string(),
        "knowledge.limit=2..20".into(),
    ];
    let s = Space::build_within(&base, &asked, &[], &cov).expect("space");
    assert_eq!(
        domain(&s, "knowledge.similarity_threshold"),
        Domain::Real { lo: 0.55, hi: 0.9 }
    );
    assert_eq!(domain(&s, "knowledge.limit"), Domain::Int { lo: 2, hi: 8 });
    for want in [
        "knowledge.similarity_threshold searched within 0.55..0.90: the loaded hits reach down to 0.55 (the users' recorded knowledge searches)",
        "knowledge.limit: 20 is past what the loaded hits cover; searched up to 8",
        "knowledge.limit searched within 2..8: the loaded hits go to 8 (the users' recorded knowledge searches)",
    ] {
        assert!(s.notes.iter().any(|n| n == want), "{want}: {:?}", s.notes);
    }
    // Bounds the files cover are searched as asked, without a note saying they were cut.
    let inside = [
        "knowledge.similarity_threshold=0.9..0.95".to_string(),
        "knowledge.limit=2..5".into(),
    ];
    let s_in = Space::build_within(&base, &inside, &[], &cov).expect("space");
    assert!(
        s_in.notes.iter().all(|n| !n.contains("searched")),
        "{:?}",
        s_in.notes
    );
    // Every point of the space makes a policy whose search the files answer for.
    let mut far = vec![0.0, 100.0];
    s.clamp(&mut far);
    let p = s.policy(&base, &far).expect("policy");
    assert!(p.knowledge.similarity_threshold >= 0.55 && p.knowledge.limit <= 8);
}

/// A file with a question whose hits record no search is assumed to hold only what the
/// baseline keeps: the threshold may only rise and the limit only fall, and a note says why.
#[test]
fn hits_without_a_recorded_search_only_let_the_baseline_tighten() {
    let base = prolaunch();
    let files = [
        user("a", Some("q"), Some((0.4, 15))),
        user("b", Some("q"), None),
    ];
    let cov = Coverage::of_snapshots(&base, &files);
    assert_eq!((cov.min_threshold, cov.max_limit), (0.7, 10));
    let s = Space::build_within(&base, &[], &[], &cov).expect("space");
    assert_eq!(
        domain(&s, "knowledge.similarity_threshold"),
        Domain::Real { lo: 0.7, hi: 1.0 }
    );
    assert_eq!(domain(&s, "knowledge.limit"), Domain::Int { lo: 1, hi: 10 });
    assert!(
        s.notes.iter().any(|n| n.starts_with(
            "the hits of 1 user with a question do not record the search that fetched them"
        )),
        "{:?}",
        s.notes
    );
    // Without a knowledge key free, nothing is said of it.
    let s = Space::build_within(&base, &["strategy".into()], &[], &cov).expect("space");
    assert!(!s.notes.iter().any(|n| n.contains("do not record")));
}

/// A layer whose name has dots in it is searched by default and can be freed or fixed by name.
#[test]
fn a_dotted_layer_name_is_a_key_like_any_other() {
    let text = prolaunch()
        .to_toml()
        .replace("name = \"journey\"", "name = \"j.v2\"");
    let base = Policy::from_toml(&text, "dotted").expect("policy");
    let s = Space::build(&base, &[], &[]).expect("the default space");
    assert!(s.params.iter().any(|p| p.key == "layers.j.v2.weight"));
    let s = Space::build(
        &base,
        &["layers.*.weight".into()],
        &["layers.j.v2.weight".into()],
    )
    .expect("space");
    let keys: Vec<&str> = s.params.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["layers.session.weight", "layers.knowledge.weight"]);
    let s = Space::build(&base, &["layers.j.v2.weight=0.1..0.2".into()], &[]).expect("space");
    let p = s.policy(&base, &vec![0.15]).expect("a policy");
    assert_eq!(p.layers[1].weight, 0.15);
}

/// A file whose hits contradict the search it records (hits below its `min_similarity`, more
/// than its `limit`) searched at least as far as its hits show; an absurd limit is capped.
#[test]
fn a_recorded_search_is_as_wide_as_the_hits_it_holds() {
    let base = prolaunch();
    let mut narrow = user("a", Some("q"), Some((0.99, 1)));
    for (i, sim) in [0.76, 0.65, 0.45].into_iter().enumerate() {
        narrow.knowledge.push(
            serde_json::from_value(serde_json::json!({
                "id": format!("kn:{i}"), "title": "t", "content": "c", "similarity": sim
            }))
            .expect("hit"),
        );
    }
    let cov = Coverage::of_snapshots(&base, [&narrow]);
    assert_eq!((cov.min_threshold, cov.max_limit), (0.45, 3));
    let huge = user("b", Some("q"), Some((0.4, usize::MAX)));
    let cov = Coverage::of_snapshots(&base, [&huge]);
    assert_eq!(cov.max_limit, 100_000);
}

/// One key freed twice with its own bounds is refused, as a second --target is; a key named
/// itself keeps its bounds against a `*` that also covers it, in either order.
#[test]
fn a_key_freed_twice_is_refused_and_a_named_key_wins_over_a_wildcard() {
    let base = prolaunch();
    let err = Space::build(
        &base,
        &[
            "layers.session.weight=0.1..0.2".into(),
            "layers.session.weight=0.5..0.6".into(),
        ],
        &[],
    )
    .expect_err("twice");
    let wild = Space::build(
        &base,
        &["layers.*.weight=0.1..0.5".into(), "layers.*.weight".into()],
        &[],
    )
    .expect_err("a pattern twice");
    assert!(
        wild.contains("a second --free for layers.*.weight"),
        "{wild}"
    );
    assert!(
        err.contains("a second --free for layers.session.weight")
            && err.contains("the first: layers.session.weight=0.1..0.2"),
        "{err}"
    );
    for free in [
        ["layers.*.weight=0.1..0.6", "layers.session.weight=0.2..0.3"],
        ["layers.session.weight=0.2..0.3", "layers.*.weight=0.1..0.6"],
    ] {
        let free: Vec<String> = free.iter().map(|f| f.to_string()).collect();
        let s = Space::build(&base, &free, &[]).expect("space");
        let session = s
            .params
            .iter()
            .find(|p| p.key == "layers.session.weight")
            .expect("session weight");
        assert_eq!(
            session.domain,
            Domain::Real { lo: 0.2, hi: 0.3 },
            "{free:?}"
        );
    }
}

/// Keys of a layer the policy does not have move nothing: refused, naming the layer.
#[test]
fn keys_of_a_missing_layer_are_refused() {
    let mut base = prolaunch();
    base.layers.retain(|l| l.source != Source::Knowledge);
    for key in ["knowledge.limit", "knowledge.similarity_threshold=0.5..0.9"] {
        let err = Space::build(&base, &[key.into()], &[]).expect_err(key);
        assert!(err.contains("has no knowledge layer"), "{err}");
    }
    base.layers.retain(|l| l.source != Source::Session);
    let err = Space::build(&base, &["session.max_items".into()], &[]).expect_err("no session");
    assert!(err.contains("has no session layer"), "{err}");
}
