//! How a turn's time and the first cause's list of effects are told.

use super::*;

/// A turn whose words stayed and whose time moved is one change, its timestamp's; the same
/// instant written another way (epoch seconds, an offset) is no change at all.
#[test]
fn a_turns_timestamp_is_one_change_and_its_spelling_none() {
    let a = base();
    let mut b = base();
    let raw = |ts: serde_json::Value| {
        SessionEntry::from_value(json!({
            "user": "question 3 about pricing the roasted beans",
            "assistant": "answer 3",
            "timestamp": ts,
        }))
    };
    b.session[3] = raw(json!((now() - Duration::hours(30)).to_rfc3339()));
    let c = compare(&engine(), (&a, &prolaunch()), (&b, &prolaunch()), &|| false);
    assert_eq!(c.inputs.len(), 1, "{:?}", c.inputs);
    assert_eq!(c.inputs[0].cause, Cause::TurnEdited);
    assert_eq!(c.inputs[0].subject, "s1#3");
    assert_eq!(
        c.inputs[0].detail,
        "timestamp changed 2025-01-15T10:00:00Z → 2025-01-14T06:00:00Z"
    );
    let mut same = base();
    let at = now() - Duration::hours(2);
    same.session[3] = raw(json!(at.timestamp()));
    same.session[2] = SessionEntry::from_value(json!({
        "user": "question 2 about pricing the roasted beans",
        "assistant": "answer 2",
        "timestamp": (now() - Duration::hours(3))
            .with_timezone(&chrono::FixedOffset::east_opt(7200).expect("offset"))
            .to_rfc3339(),
    }));
    assert_ne!(same.session[3].raw, a.session[3].raw, "stored another way");
    let c = compare(
        &engine(),
        (&a, &prolaunch()),
        (&same, &prolaunch()),
        &|| false,
    );
    assert!(c.inputs.is_empty(), "{:?}", c.inputs);
    assert_eq!(c.outcome, Outcome::Nothing);
}

#[test]
fn a_first_cause_with_many_effects_says_how_many_are_not_listed() {
    let explained = |n: usize| Explained {
        change: 0,
        cause: Cause::MaxItemsShift,
        effects: (0..n).map(|i| format!("s1#{i} kept → dropped")).collect(),
        upstream: false,
    };
    assert_eq!(
        explained(EFFECTS_SHOWN).effects_shown().len(),
        EFFECTS_SHOWN
    );
    let shown = explained(EFFECTS_SHOWN + 3).effects_shown();
    assert_eq!(shown.len(), EFFECTS_SHOWN + 1);
    assert_eq!(
        shown[EFFECTS_SHOWN - 1],
        format!("s1#{} kept → dropped", EFFECTS_SHOWN - 1)
    );
    assert_eq!(shown[EFFECTS_SHOWN], "… 3 more, in the items below");
}
