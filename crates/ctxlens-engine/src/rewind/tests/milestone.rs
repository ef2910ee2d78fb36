//! The milestone of then: from the newest transition by T, from completions, the default or
//! none; the stored one at the read instant; and a present row that disagrees with the rows.

use super::*;

#[test]
fn milestone_from_completions_default_and_none() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.journey.retain(|j| j.kind != JourneyKind::Transition);
    let r = rewind(&s, &at(60_000, Origin::Stores, &map)).expect("past");
    // M0 and M1 completed: M2 is the first whose dependencies are all completed.
    assert_eq!(r.snapshot.current_milestone.as_deref(), Some("M2"));
    assert_eq!(
        r.as_of.milestone_from,
        MilestoneFrom::Completions { id: "mb:4".into() }
    );
    let early = rewind(&snap(), &at(5, Origin::Stores, &map)).expect("past");
    assert_eq!(early.snapshot.current_milestone.as_deref(), Some("M0"));
    assert_eq!(early.as_of.milestone_from, MilestoneFrom::Default);
    // Its note says where the milestone came from as the as-of line does: the default, not
    // memory_bank.
    let said = kinds(&early.snapshot, NoteKind::OnlyCurrent);
    let row = said
        .iter()
        .find(|n| n.source == "user_journeys")
        .expect("a note of user_journeys");
    assert!(
        row.message.contains("is the table's default") && !row.message.contains("memory_bank"),
        "{}",
        row.message
    );
    let mut none = snap();
    none.current_milestone = None;
    let r = Rewind {
        journey_row: false,
        ..at(-5, Origin::Stores, &map)
    };
    let out = rewind(&none, &r).expect("past");
    assert_eq!(out.snapshot.current_milestone, None);
    assert_eq!(out.as_of.milestone_from, MilestoneFrom::None);
    assert!(
        kinds(&out.snapshot, NoteKind::BeforeAnyData)
            .iter()
            .any(|n| n.message.contains(&fmt_ts(&t(0)))),
        "{:#?}",
        out.snapshot.notes
    );
}

#[test]
fn the_present_row_disagreeing_with_the_rows_is_said() {
    let map = MilestoneMap::default();
    let mut s = snap();
    s.current_milestone = Some("M4".into());
    let out = rewind(&s, &at(99_999, Origin::Stores, &map))
        .expect("past")
        .snapshot;
    assert_eq!(out.current_milestone.as_deref(), Some("M3"));
    let n = kinds(&out, NoteKind::OnlyCurrent);
    assert!(
        n.iter().any(|n| n.source == "user_journeys"
            && n.message.contains("current milestone M4")
            && n.message.contains("give M3")),
        "{n:#?}"
    );
}

/// At the instant the data was read, the stored current milestone is T's: read, not derived
/// (the rows could give another one when `user_journeys` moved without a journey row).
#[test]
fn at_the_read_instant_the_stored_milestone_is_used() {
    let map = MilestoneMap::default();
    let mut s = snap();
    // The rows say M3 (transition mb:7); the table says M5.
    s.current_milestone = Some("M5".into());
    let now = rewind(&s, &at(100_000, Origin::Stores, &map)).expect("the present");
    assert_eq!(now.snapshot.current_milestone.as_deref(), Some("M5"));
    assert_eq!(now.as_of.milestone_from, MilestoneFrom::Stored);
    assert!(
        kinds(&now.snapshot, NoteKind::OnlyCurrent)
            .iter()
            .all(|n| n.source != "user_journeys"),
        "nothing to say of the present: {:#?}",
        now.snapshot.notes
    );
    // A second earlier, it is derived again.
    let before = rewind(&s, &at(99_999, Origin::Stores, &map)).expect("past");
    assert_eq!(before.snapshot.current_milestone.as_deref(), Some("M3"));
}

/// A transition row whose milestone column says one thing and its `data.to` another: the
/// milestone of then follows `to`, as the row's text and score do.
#[test]
fn a_transition_gives_the_milestone_its_data_goes_to() {
    let map = MilestoneMap::default();
    let mut s = snap();
    for j in s.journey.iter_mut().filter(|j| j.id == "mb:5") {
        j.data = json!({"from": "M1", "to": "M7"});
    }
    let r = rewind(&s, &at(60_000, Origin::Stores, &map)).expect("past");
    assert_eq!(r.snapshot.current_milestone.as_deref(), Some("M7"));
    assert_eq!(
        r.as_of.milestone_from,
        MilestoneFrom::Transition { id: "mb:5".into() }
    );
    let labels: Vec<String> = crate::rewind::moments(&s)
        .into_iter()
        .map(|m| format!("{m:?}"))
        .collect();
    assert!(
        labels.iter().any(|l| l.contains("transition → M7")),
        "{labels:?}"
    );
}
