//! How the items that differ are matched and told: an item row's reason and signed delta, a
//! row or turn that became unreadable (not removed), one id in two sources.

use super::*;

/// An item's row says why: its reason in B, or for one only in A that A dropped, the reason
/// there; no change in tokens reads `0`, not `+0`.
#[test]
fn an_item_row_says_why_and_an_unsigned_zero() {
    use crate::diff::Fate;
    let dropped = Fate {
        decision: Decision::Dropped,
        reason: Some(Reason::MaxItems),
        kept_tokens: 0,
    };
    let kept = Fate {
        decision: Decision::Kept,
        reason: None,
        kept_tokens: 41,
    };
    let delta = |kind, before: Option<&Fate>, after: Option<&Fate>| ItemDelta {
        id: "s1#0".into(),
        was: None,
        layer: "session".into(),
        kind,
        before: before.cloned(),
        after: after.cloned(),
    };
    let removed = delta(ItemDeltaKind::Removed, Some(&dropped), None);
    assert_eq!(
        (removed.why(), removed.delta()),
        ("in A: max_items".into(), "0".into())
    );
    let gone = delta(ItemDeltaKind::NewlyDropped, Some(&kept), Some(&dropped));
    assert_eq!(
        (gone.why(), gone.delta()),
        ("max_items".into(), "-41".into())
    );
    let added = delta(ItemDeltaKind::Added, None, Some(&kept));
    assert_eq!((added.why(), added.delta()), (String::new(), "+41".into()));
}

/// A row that could not be read in B is not one the table lost: the item says it could not be
/// read, and so does the input change that explains it; the other way round alike.
#[test]
fn a_row_that_became_unreadable_is_named_so_not_removed() {
    let a = base();
    let mut b = base();
    b.journey.remove(0);
    b.malformed.push(crate::snapshot::Malformed {
        id: Some("mb:1".into()),
        source: "memory_bank id=1".into(),
        reason: "data: not JSON".into(),
    });
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    let (e, input) = c.first().expect("a first cause");
    assert_eq!(
        (e.cause, input.subject.as_str(), input.detail.as_str()),
        (
            Cause::MemoryBankRowRemoved,
            "mb:1",
            "business_dna in A only; in B it could not be read"
        )
    );
    let item = c.items.iter().find(|d| d.id == "mb:1").expect("mb:1");
    assert_eq!(item.kind, ItemDeltaKind::NowUnreadable);
    assert_eq!(
        (item.kind.label(), item.kind.mark()),
        ("could not be read in B", '-')
    );
    // B → A: the row could be read again.
    let back = run(&b, &prolaunch(), &a, &prolaunch());
    let item = back.items.iter().find(|d| d.id == "mb:1").expect("mb:1");
    assert_eq!(item.kind, ItemDeltaKind::NowReadable);
    let (_, input) = back.first().expect("a first cause");
    assert!(
        input.detail.ends_with("; in A it could not be read"),
        "{}",
        input.detail
    );
    // A row simply gone is still removed.
    let mut gone = base();
    gone.journey.remove(0);
    let c = run(&a, &prolaunch(), &gone, &prolaunch());
    let item = c.items.iter().find(|d| d.id == "mb:1").expect("mb:1");
    assert_eq!(item.kind, ItemDeltaKind::Removed);
}

/// A turn that could not be read in B is one input change saying so, not a turn removed and a
/// new one added; the other way round alike.
#[test]
fn a_turn_that_became_unreadable_is_one_change() {
    let a = base();
    let mut b = base();
    let ts = (now() - Duration::hours(3)).to_rfc3339();
    b.session[2] =
        SessionEntry::from_value(json!({"user": 7, "assistant": "answer 2", "timestamp": ts}));
    assert!(b.session[2].turn.is_err(), "unreadable");
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    let turns: Vec<(Cause, &str, &str)> = c
        .inputs
        .iter()
        .filter(|i| i.subject.starts_with("s1#"))
        .map(|i| (i.cause, i.subject.as_str(), i.detail.as_str()))
        .collect();
    assert_eq!(
        turns,
        [(
            Cause::TurnEdited,
            "s1#2",
            "could not be read in B (was s1#2)"
        )]
    );
    let item = c.items.iter().find(|d| d.id == "s1#2").expect("s1#2");
    assert_eq!(item.kind, ItemDeltaKind::NowUnreadable);
    let back = run(&b, &prolaunch(), &a, &prolaunch());
    let turns: Vec<&str> = back
        .inputs
        .iter()
        .filter(|i| i.subject.starts_with("s1#"))
        .map(|i| i.detail.as_str())
        .collect();
    assert_eq!(turns, ["could not be read in A"]);
}

/// A journey row given a knowledge hit's id (a hand-made file) is an item of its own, added,
/// never compared with the hit of that id (as `diff` matches items: by source and id).
#[test]
fn one_id_in_two_sources_is_two_items() {
    let a = base();
    let mut b = base();
    let mut r = row(9, JourneyKind::MilestoneData, Some("M4"));
    r.id = "kn:1".into();
    b.journey.push(r);
    let c = run(&a, &prolaunch(), &b, &prolaunch());
    let named: Vec<(ItemDeltaKind, &str)> = c
        .items
        .iter()
        .filter(|d| d.id == "kn:1")
        .map(|d| (d.kind, d.layer.as_str()))
        .collect();
    assert_eq!(named, [(ItemDeltaKind::Added, "journey")]);
}
