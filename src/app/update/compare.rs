//! `:diff`: the open user under the baseline and the tuned policy, or against another user;
//! loaded and compared on a task, shown in an overlay. `e` and `:explain ROW`: why a knowledge
//! row was (not) used, gate by gate, in an overlay.

use super::{CompareRequest, CompareSide, Effect, done_loading, error, start_loading};
use crate::app::state::{Compared, Overlay, Screen, State};
use crate::app::task::Task;
use crate::engine::ItemKind;
use crate::engine::snapshot::fmt_ts;

/// Runs `:diff`: with a Journey moment shown, that moment → now; else the baseline → the tuned
/// policy. `:diff USER`: this user → USER, both as of the instant shown (now, or a moment).
pub(super) fn start(s: &mut State, other: Option<&str>) -> Vec<Effect> {
    let Some(v) = &s.user.view else {
        error(s, ":diff needs a user open (:user ID)");
        return vec![];
    };
    let user = v.data().user_id.clone();
    // The open user as ids are listed (the empty id is `""`) in the sides' labels.
    let who = crate::text::shown_id(&user).into_owned();
    let clock = v.data().now;
    let shown = Some(Box::new(v.user.clone()));
    let (baseline, tuned) = (&s.session.baseline, &s.session.policy);
    let side = |user: &str, policy: &crate::engine::Policy, label: String| CompareSide {
        user: user.to_string(),
        policy: policy.clone(),
        query: s.user.query.clone(),
        label,
        loaded: None,
        at: None,
        now: None,
    };
    let open = |policy: &crate::engine::Policy, label: String| CompareSide {
        loaded: shown.clone(),
        ..side(&user, policy, label)
    };
    // The present of this session: the instant the TUI was opened at (`tui --at T`) for a
    // moment before it, now for one after it (stepped past T with `]`) or with no T.
    let moment = s.shown_at();
    let present = s.user.opened_at.filter(|p| moment.is_some_and(|t| t < *p));
    let (a, b) = match (other, moment) {
        (None, Some(t)) if Some(t) != s.user.opened_at => (
            open(tuned, format!("{who} as of {}", fmt_ts(&t))),
            CompareSide {
                at: present,
                ..side(
                    &user,
                    tuned,
                    present.map_or_else(
                        || format!("{who} now"),
                        |p| format!("{who} as of {}", fmt_ts(&p)),
                    ),
                )
            },
        ),
        (None, _) if baseline == tuned => {
            error(
                s,
                ":diff compares the baseline with the tuned policy (or a Journey moment with \
                 now): tune something first, pick a moment, or :diff USER",
            );
            return vec![];
        }
        (None, _) => (
            open(baseline, format!("{who} · baseline {}", baseline.name)),
            open(tuned, format!("{who} · tuned")),
        ),
        (Some(arg), at) => {
            // Users of snapshot files are each at their file's own moment, which is theirs to
            // compare (as `ctxlens diff FILE FILE` does); users of a store are read at once,
            // and the seconds between two reads are no input change.
            let files = s.status.source == crate::store::snapshots::LABEL;
            let label = |who: &str| match at {
                Some(t) => format!("{who} as of {}", fmt_ts(&t)),
                None => who.to_string(),
            };
            (
                open(tuned, label(&who)),
                CompareSide {
                    query: None,
                    at,
                    now: (at.is_none() && !files).then_some(clock),
                    // Named as listings name ids: the empty id is `""`.
                    ..side(arg, tuned, label(&crate::text::shown_id(arg)))
                },
            )
        }
    };
    start_loading(s, Task::Compare);
    vec![Effect::Compare(Box::new(CompareRequest {
        a,
        b,
        redact: s.ui.redact,
    }))]
}

/// The comparison arrived: shown in the overlay.
pub(super) fn arrived(s: &mut State, c: Box<Compared>) -> Vec<Effect> {
    done_loading(s, Task::Compare);
    s.user.compared = Some(c);
    s.ui.overlay = Overlay::Diff { scroll: 0 };
    vec![]
}

/// `e` on Layers: the selected knowledge item explained from the loaded data.
pub(super) fn explain_selected(s: &mut State) -> Vec<Effect> {
    let row = s.user.view.as_ref().and_then(|v| {
        let a = v.tuned.as_ref()?;
        let id = match crate::app::update::selected_row(s, a)? {
            crate::app::update::LayerRow::Item(it) if it.kind == ItemKind::Knowledge => {
                it.id.clone()
            }
            _ => return None,
        };
        v.user
            .explain_hit(&s.session.engine, &s.session.policy, &id)
    });
    let unreadable = super::layers::selected_unreadable(s);
    match (s.ui.screen, row, unreadable) {
        (Screen::Layers, Some(e), _) => explained(s, Box::new(e)),
        (Screen::Layers, None, Some((name, why))) => {
            error(
                s,
                &format!(
                    "e: {} could not be read ({}); nothing to explain — :explain ROW names \
                     another",
                    crate::text::inert_line(&name),
                    crate::text::preview(&why, 60)
                ),
            );
            vec![]
        }
        _ => {
            let key = s
                .session
                .keymap
                .key_for(&crate::app::action::Action::Explain)
                .unwrap_or_else(|| ":explain".into());
            error(
                s,
                &format!("{key} explains a knowledge row: select one on Layers, or :explain ROW"),
            );
            vec![]
        }
    }
}

/// `:explain ROW` (`kn:12`, `12`, or text in a title): found and scored on a task.
pub(super) fn explain_row(s: &mut State, arg: &str) -> Vec<Effect> {
    let Some(v) = &s.user.view else {
        error(s, ":explain needs a user open (:user ID)");
        return vec![];
    };
    let effect = Effect::ExplainRow {
        user: Box::new(v.user.clone()),
        policy: Box::new(s.session.policy.clone()),
        arg: arg.to_string(),
    };
    start_loading(s, Task::Explain);
    vec![effect]
}

/// An explanation to show.
pub(super) fn explained(
    s: &mut State,
    mut e: Box<crate::engine::explain::Explanation>,
) -> Vec<Effect> {
    done_loading(s, Task::Explain);
    // Explained under the tuned policy: named as every screen names it then (`prolaunch*`).
    if s.modified() {
        e.policy.push('*');
    }
    s.user.explained = Some(e);
    s.ui.overlay = Overlay::Explain { scroll: 0 };
    vec![]
}

/// The question the open user's knowledge was scored against, as the explain overlay and the
/// Layers header say it: the `:query` text (masked under `--redact`, as loaded), else the
/// newest user turn's; `none` when the user has no turn to ask with.
pub fn asked(s: &State) -> String {
    let Some(snap) = s.user.view.as_ref().map(|v| v.snapshot()) else {
        return "none".to_string();
    };
    let Some(q) = snap.query.as_deref() else {
        return "none".to_string();
    };
    let whose = if s.user.query.is_some() {
        ":query"
    } else if snap.newest_user_text() == Some(q) {
        "the newest turn"
    } else {
        "as stored"
    };
    format!(
        "\"{}\" ({whose})",
        crate::text::preview(q, super::QUERY_SHOWN)
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::{demo_app, open, settle, type_text};
    use crate::app::action::{Action, InputKey};
    use crate::app::state::{Overlay, State};
    use crate::engine::cause::Cause;

    /// The status bar's message (empty when none).
    fn message(s: &State) -> String {
        s.status
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    async fn command(s: &mut State, store: &crate::tui::effects::EffectContext, line: &str) {
        settle(s, store, Action::Palette).await;
        type_text(s, store, line).await;
        settle(s, store, Action::Input(InputKey::Enter)).await;
    }

    #[tokio::test]
    async fn diff_needs_a_user_and_a_change_then_names_the_tuned_key() {
        let (mut s, store) = demo_app().await;
        command(&mut s, &store, "diff").await;
        assert_eq!(message(&s), ":diff needs a user open (:user ID)");
        open(&mut s, &store, "u062").await;
        command(&mut s, &store, "diff").await;
        let msg = message(&s);
        assert!(msg.starts_with(":diff compares the baseline"), "{msg}");
        assert!(s.user.compared.is_none());
        command(&mut s, &store, "set session.max_items=3").await;
        command(&mut s, &store, "diff").await;
        let c = s.user.compared.as_ref().expect("compared");
        assert_eq!(s.ui.overlay, Overlay::Diff { scroll: 0 });
        let (first, input) = c.comparison.first().expect("a first cause");
        assert_eq!(
            (first.cause, input.subject.as_str()),
            (Cause::PolicyFieldChange, "session.max_items")
        );
        assert_eq!(c.a, "u062 · baseline prolaunch");
        // The overlay scrolls, and esc closes it.
        settle(&mut s, &store, Action::Down).await;
        assert_eq!(s.ui.overlay, Overlay::Diff { scroll: 1 });
        settle(&mut s, &store, Action::Bottom).await;
        let Overlay::Diff { scroll } = s.ui.overlay else {
            panic!("the overlay stays")
        };
        assert!(scroll > 10, "{scroll}");
        // `n` goes to the prompt's first changed stretch, `N` back; none before the first.
        settle(&mut s, &store, Action::Top).await;
        settle(&mut s, &store, Action::NextMatch).await;
        let Overlay::Diff { scroll: at } = s.ui.overlay else {
            panic!("the overlay stays")
        };
        let width = usize::from(crate::app::layout::item_popup(s.ui.size).width - 2);
        let rows = crate::app::diff_view::shown(&s.user.compared.as_ref().expect("c").rows, width);
        assert!(
            matches!(&rows[at], crate::app::diff_view::Shown::Pair(Some((ch, _)), _)
                if *ch != crate::engine::linediff::Change::Same),
            "{:?}",
            rows[at]
        );
        settle(&mut s, &store, Action::PrevMatch).await;
        assert_eq!(s.ui.overlay, Overlay::Diff { scroll: at }, "none before it");
        assert!(message(&s).contains("no more prompt changes"));
        settle(&mut s, &store, Action::Back).await;
        assert_eq!(s.ui.overlay, Overlay::None);
    }

    #[tokio::test]
    async fn diff_against_another_user() {
        let (mut s, store) = demo_app().await;
        open(&mut s, &store, "u005").await;
        // The other user is replayed at the open user's clock: the seconds between the two
        // reads are no input change.
        let clock = s.user.view.as_ref().map(|v| v.data().now);
        let asked = super::start(&mut s, Some("u006"));
        let [super::Effect::Compare(req)] = asked.as_slice() else {
            panic!("{asked:?}")
        };
        assert_eq!(req.b.now, clock);
        command(&mut s, &store, "diff u006").await;
        let c = s.user.compared.as_ref().expect("compared");
        assert_eq!((c.a.as_str(), c.b.as_str()), ("u005", "u006"));
        assert_eq!(c.comparison.after.user_id, "u006");
        assert!(!c.comparison.cause.is_empty());
        command(&mut s, &store, "diff nobody").await;
        let msg = message(&s);
        assert!(msg.contains("nobody"), "{msg}");
    }

    /// Two snapshot files of one user are two moments: each replayed at its own clock, as
    /// `ctxlens diff FILE FILE` does, so the clock's move is one of the input changes.
    #[tokio::test]
    async fn diff_of_two_snapshot_files_keeps_each_files_clock() {
        let read = |f: &str| {
            std::fs::read_to_string(format!("{}/fixtures/diff/{f}", env!("CARGO_MANIFEST_DIR")))
                .expect("fixture")
        };
        let (mut s, store, _dir) = crate::app::update::tests::app_over_files(&[
            ("u005-before.json", read("u005-before.json")),
            ("u005-after.json", read("u005-after.json")),
        ])
        .await;
        open(&mut s, &store, "u005@u005-after.json").await;
        let asked = super::start(&mut s, Some("u005@u005-before.json"));
        let [super::Effect::Compare(req)] = asked.as_slice() else {
            panic!("{asked:?}")
        };
        assert_eq!(req.b.now, None, "the file's own clock");
        command(&mut s, &store, "diff u005@u005-before.json").await;
        let c = s.user.compared.as_ref().expect("compared");
        let inputs: Vec<String> = c
            .comparison
            .inputs
            .iter()
            .map(|i| i.subject.clone())
            .collect();
        assert!(inputs.iter().any(|i| i == "now"), "{inputs:?}");
    }

    #[tokio::test]
    async fn e_explains_the_selected_knowledge_item_and_explain_finds_any_row() {
        let (mut s, store) = demo_app().await;
        open(&mut s, &store, "u005").await;
        settle(&mut s, &store, Action::ShowLayers).await;
        settle(&mut s, &store, Action::Explain).await;
        let msg = message(&s);
        assert!(
            msg.starts_with("e explains a knowledge row"),
            "the first row is a turn: {msg}"
        );
        let rows = super::super::tests::shown_ids(&s);
        s.user.cursor = rows
            .iter()
            .position(|id| id == "kn:25")
            .expect("kn:25 is shown");
        settle(&mut s, &store, Action::Explain).await;
        assert_eq!(s.ui.overlay, Overlay::Explain { scroll: 0 });
        let e = s.user.explained.as_ref().expect("explained");
        assert_eq!((e.row.id.as_str(), e.first_failed), ("kn:25", None));
        settle(&mut s, &store, Action::Back).await;
        // A row the search did not return: scored on a task, its first failed gate named.
        command(&mut s, &store, "explain kn:27").await;
        let e = s.user.explained.as_ref().expect("explained");
        assert_eq!(e.row.id, "kn:27");
        assert!(!e.retrieved);
        assert_eq!(
            e.first_failed,
            Some(crate::engine::explain::GateName::Similarity)
        );
        command(&mut s, &store, "explain no such title at all").await;
        let msg = message(&s);
        assert!(msg.contains("no knowledge row's title contains"), "{msg}");
    }

    #[tokio::test]
    async fn diff_of_a_journey_moment_against_now() {
        let (mut s, store) = demo_app().await;
        open(&mut s, &store, "u062").await;
        settle(&mut s, &store, Action::ShowJourney).await;
        // Back past the newest turns, to before u062's M8 record.
        for _ in 0..4 {
            settle(&mut s, &store, Action::Earlier).await;
        }
        let at = s.shown_at().expect("a moment is shown");
        command(&mut s, &store, "diff").await;
        let c = s.user.compared.as_ref().expect("compared");
        assert_eq!(
            c.a,
            format!("u062 as of {}", crate::engine::snapshot::fmt_ts(&at))
        );
        assert_eq!(c.b, "u062 now");
        assert_eq!(c.comparison.before.user_id, "u062");
        assert!(!c.comparison.inputs.is_empty());
        assert!(
            c.comparison.first().is_some(),
            "a moment before now differs from now"
        );
        // Another user, as of the same moment: both sides say so, and both are of then.
        settle(&mut s, &store, Action::Back).await;
        command(&mut s, &store, "diff u005").await;
        let c = s.user.compared.as_ref().expect("compared");
        let then = crate::engine::snapshot::fmt_ts(&at);
        assert_eq!(
            (c.a.clone(), c.b.clone()),
            (format!("u062 as of {then}"), format!("u005 as of {then}"))
        );
        settle(&mut s, &store, Action::Back).await;
        let asked = super::start(&mut s, Some("u005"));
        let [super::Effect::Compare(req)] = asked.as_slice() else {
            panic!("{asked:?}")
        };
        assert_eq!(
            (req.a.at, req.b.at),
            (None, Some(at)),
            "u005 read as of then"
        );
        assert!(req.a.loaded.is_some(), "u062 as shown");
        assert_eq!(req.b.now, None, "as of then: at the clock of then");
    }

    /// Opened as of T (`tui --at T`), a moment is compared with T, the session's present, not
    /// with the machine's clock; T itself shown, `:diff` is the baseline against the tuning.
    #[tokio::test]
    async fn diff_of_a_moment_in_a_session_opened_as_of_t_is_against_t() {
        use crate::engine::snapshot::fmt_ts;
        let (mut s, store) = demo_app().await;
        let t0 = chrono::DateTime::parse_from_rfc3339("2025-01-15T12:00:00Z")
            .expect("instant")
            .to_utc();
        (s.user.at, s.user.opened_at, s.users.stats_at) = (Some(t0), Some(t0), Some(t0));
        open(&mut s, &store, "u062").await;
        assert_eq!(s.shown_at(), Some(t0));
        command(&mut s, &store, "diff").await;
        assert!(
            message(&s).starts_with(":diff compares the baseline"),
            "{}",
            message(&s)
        );
        settle(&mut s, &store, Action::ShowJourney).await;
        for _ in 0..4 {
            settle(&mut s, &store, Action::Earlier).await;
        }
        let at = s.shown_at().expect("a moment is shown");
        assert!(at < t0);
        let asked = super::start(&mut s, None);
        let [super::Effect::Compare(req)] = asked.as_slice() else {
            panic!("{asked:?}")
        };
        assert_eq!(req.b.at, Some(t0), "B read as of the session's instant");
        assert_eq!(req.b.label, format!("u062 as of {}", fmt_ts(&t0)));
        settle(&mut s, &store, Action::Back).await;
        command(&mut s, &store, "diff").await;
        let c = s.user.compared.as_ref().expect("compared");
        assert_eq!(
            (c.a.clone(), c.b.clone()),
            (
                format!("u062 as of {}", fmt_ts(&at)),
                format!("u062 as of {}", fmt_ts(&t0))
            )
        );
        // A moment after the session's instant (stepped past it with `]`): compared with now,
        // never back in time.
        settle(&mut s, &store, Action::Back).await;
        s.user.opened_at = Some(at - chrono::Duration::hours(1));
        let asked = super::start(&mut s, None);
        let [super::Effect::Compare(req)] = asked.as_slice() else {
            panic!("{asked:?}")
        };
        assert_eq!((req.b.at, req.b.label.as_str()), (None, "u062 now"));
    }
}
