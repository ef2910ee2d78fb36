//! Over generated snapshots: a rewind keeps exactly what is dated up to T, says what it cannot
//! tell, and gives the same answer for the same inputs.

use proptest::prelude::*;

use super::*;

/// A journey row or a turn at a second in [0, 1000), some without a timestamp.
fn arb_snapshot() -> impl Strategy<Value = Snapshot> {
    let rows = prop::collection::vec(
        (0..3u8, 0..10u8, prop::option::weighted(0.9, 0..1000i64)),
        0..12,
    );
    let turns = prop::collection::vec(prop::option::weighted(0.9, 0..1000i64), 0..12);
    (rows, turns, any::<bool>()).prop_map(|(rows, turns, journey_row)| {
        let mut s = snap();
        s.current_milestone = journey_row.then(|| "M9".into());
        s.journey = rows
            .into_iter()
            .enumerate()
            .map(|(i, (k, m, secs))| {
                let kind = [
                    JourneyKind::BusinessDna,
                    JourneyKind::MilestoneData,
                    JourneyKind::Transition,
                ][usize::from(k)];
                let m = format!("M{m}");
                row(
                    i as i64 + 1,
                    kind,
                    (kind != JourneyKind::BusinessDna).then_some(m.as_str()),
                    secs,
                )
            })
            .collect();
        s.session = turns
            .into_iter()
            .map(|secs| match secs {
                Some(secs) => turn(secs, "x"),
                None => SessionEntry::from_value(json!({"user": "x", "assistant": "y"})),
            })
            .collect();
        s.knowledge = (0..5).map(|i| hit(i, Some(i * 200))).collect();
        s.now = t(1000);
        s
    })
}

proptest! {
    #[test]
    fn keeps_exactly_what_is_dated_up_to_t(s in arb_snapshot(), at_secs in -10..1010i64) {
        let map = MilestoneMap::default();
        let r = Rewind {
            at: t(at_secs),
            read_at: t(1010),
            origin: Origin::Stores,
            cache_ttl: None,
            journey_row: s.current_milestone.is_some(),
            map: &map,
            key_prefix: "",
        };
        let out = rewind(&s, &r).expect("past");
        let o = &out.snapshot;
        prop_assert_eq!(o.now, t(at_secs));
        let want: Vec<&str> = s.journey.iter()
            .filter(|j| j.timestamp.is_some_and(|x| x <= t(at_secs)))
            .map(|j| j.id.as_str()).collect();
        prop_assert_eq!(ids_j(o), want);
        // Readable turns kept: exactly those at or before T, under their stored ids.
        let want: Vec<(usize, DateTime<Utc>)> = s.turns()
            .filter(|(_, x)| x.timestamp <= t(at_secs))
            .map(|(i, x)| (i, x.timestamp)).collect();
        let got: Vec<(usize, DateTime<Utc>)> = o.turns().map(|(i, x)| (i, x.timestamp)).collect();
        prop_assert_eq!(got, want);
        // Each entry as stored, but a turn stamped after T (stored before one at or before
        // it), which is left out as written too; what is written reads back as it is.
        for (i, e) in o.session.iter().enumerate() {
            let after_t = s.session[i].turn.as_ref().is_ok_and(|x| x.timestamp > t(at_secs));
            if after_t {
                prop_assert!(e.raw.get(crate::snapshot::LEFT_OUT).is_some());
            } else {
                prop_assert_eq!(&e.raw, &s.session[i].raw);
            }
            prop_assert_eq!(parse_turn(&e.raw), e.turn.clone());
        }
        prop_assert!(o.knowledge.iter().all(|k| k.timestamp.is_some_and(|x| x <= t(at_secs))));
        // The milestone: the newest transition's by T, when there is one.
        let newest = s.journey.iter()
            .filter(|j| j.kind == JourneyKind::Transition && j.timestamp.is_some_and(|x| x <= t(at_secs)))
            .max_by_key(|j| (j.timestamp, row_number(&j.id)));
        if let Some(j) = newest {
            prop_assert_eq!(o.current_milestone.as_ref(), j.milestone.as_ref());
        } else if o.journey.iter().all(|j| j.kind == JourneyKind::BusinessDna) {
            prop_assert_eq!(o.current_milestone.is_some(), s.current_milestone.is_some());
        }
        // Undated items are said exactly when there are some.
        let undated_rows = s.journey.iter().any(|j| j.timestamp.is_none());
        prop_assert_eq!(
            kinds(o, NoteKind::Undated).iter().any(|n| n.source == "memory_bank"),
            undated_rows
        );
        let undated_turns = s.session.iter().any(|e| e.turn.is_err());
        prop_assert_eq!(
            kinds(o, NoteKind::Undated).iter().any(|n| n.source.starts_with("session:")),
            undated_turns
        );
        // The same inputs, the same answer.
        prop_assert_eq!(rewind(&s, &r).expect("past"), out.clone());
        // Rewinding to T twice changes nothing more than once.
        let again = rewind(o, &Rewind { read_at: t(at_secs), ..r }).expect("past");
        prop_assert_eq!(ids_j(&again.snapshot), ids_j(o));
    }
}

fn row_number(id: &str) -> i64 {
    id.trim_start_matches("mb:").parse().unwrap_or(0)
}
