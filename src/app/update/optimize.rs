//! The optimizer overlay on Tune: starting a search, its progress, choosing a candidate and
//! loading it as the tuned policy (unsaved, so `:w` writes it), stopping it (`esc`, or leaving).

use super::screen::show;
use super::{Effect, done_loading, error, info, moved, retune, start_loading};
use crate::app::action::Action;
use crate::app::state::{Overlay, Screen, State};
use crate::app::task::Task;
use crate::optimize::run::{Candidate, Phase, Progress};

/// Candidates listed: the best so far, then the Pareto front without it.
pub fn candidates(p: &Progress) -> Vec<&Candidate> {
    let best = p.best.as_ref();
    best.into_iter()
        .chain(
            p.pareto
                .iter()
                .filter(move |c| best.is_none_or(|b| b.trial != c.trial)),
        )
        .collect()
}

/// `o`: shows the overlay on Tune and, unless one is under way, starts a search from the
/// baseline. A search that ended (or was stopped by leaving) is shown again first, its
/// candidates kept, while the baseline is the one it searched from; `o` on the overlay then
/// searches anew.
pub(super) fn start(s: &mut State) -> Vec<Effect> {
    let mut effects = if s.ui.screen == Screen::Tune {
        vec![]
    } else {
        show(s, Screen::Tune)
    };
    let reopened = s.ui.overlay != Overlay::Optimize;
    s.ui.overlay = Overlay::Optimize;
    if s.optimize.running.is_some() {
        return effects;
    }
    let kept = s.optimize.progress.is_some()
        && s.optimize.baseline.as_deref() == Some(&s.session.baseline);
    if reopened && kept {
        return effects;
    }
    // A search replays the fleet: while a store is down every trial would fail, as a report
    // would. Said, and left to `o` once the status bar says the store is back.
    if let Some(down) = s.status.stores.iter().find(|st| !st.up) {
        let said = format!(
            "the optimizer replays the fleet and {} {} is down: o again when it is back",
            crate::text::inert_line(&down.name),
            crate::text::inert_line(&down.host)
        );
        s.ui.overlay = Overlay::None;
        error(s, &said);
        return effects;
    }
    let o = &mut s.optimize;
    o.runs += 1;
    o.running = Some(o.runs);
    o.stopping = false;
    // Kept until the new search measures a trial (one stopped before that gives it back), when
    // it searched from the same baseline (so its candidates still apply).
    o.previous = o.progress.take().filter(|p| kept && p.trials > 0);
    o.cursor = 0;
    o.baseline = Some(Box::new(s.session.baseline.clone()));
    let id = o.runs;
    start_loading(s, Task::Optimize);
    let trials = match s.optimize.trials {
        0 => crate::optimize::run::TRIALS,
        n => n,
    };
    effects.push(Effect::RunOptimize {
        id,
        baseline: Box::new(s.session.baseline.clone()),
        trials,
    });
    effects
}

/// Keys while the overlay is open: moving over the candidates, `enter` loads one, `esc` stops
/// the search (then closes). `None`: the action is not the overlay's.
pub(super) fn overlay_keys(s: &mut State, action: &Action) -> Option<Vec<Effect>> {
    if s.ui.overlay != Overlay::Optimize || s.ui.input.is_some() {
        return None;
    }
    let n = s
        .optimize
        .progress
        .as_deref()
        .map_or(0, |p| candidates(p).len());
    match action {
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown => {
            s.optimize.cursor = moved(s.optimize.cursor, n, action, 5);
            Some(vec![])
        }
        Action::Scroll(up) => {
            let step = if *up { Action::Up } else { Action::Down };
            s.optimize.cursor = moved(s.optimize.cursor, n, &step, 5);
            Some(vec![])
        }
        Action::Select => Some(apply(s)),
        // The overlay says how it ends: "stopped (interrupted)", the best so far listed.
        Action::Back if s.optimize.running.is_some() => Some(stop(s)),
        Action::Back => {
            s.ui.overlay = Overlay::None;
            Some(vec![])
        }
        Action::Click(..) => Some(vec![]),
        _ => None,
    }
}

/// Asks the search under way to stop, once.
fn stop(s: &mut State) -> Vec<Effect> {
    match s.optimize.running {
        Some(id) if !s.optimize.stopping => {
            s.optimize.stopping = true;
            vec![Effect::StopOptimize(id)]
        }
        _ => vec![],
    }
}

/// Leaving the overlay (another screen, another overlay) stops the search; its best stays.
pub(super) fn stop_if_left(s: &mut State) -> Vec<Effect> {
    if s.ui.overlay == Overlay::Optimize {
        return vec![];
    }
    stop(s)
}

/// Loads the candidate under the cursor as the tuned policy.
fn apply(s: &mut State) -> Vec<Effect> {
    let chosen = s.optimize.progress.as_deref().and_then(|p| {
        let list = candidates(p);
        list.get(s.optimize.cursor.min(list.len().saturating_sub(1)))
            .map(|c| (c.trial, c.policy.clone()))
    });
    let Some((trial, policy)) = chosen else {
        error(s, "no candidate yet: the search has not measured one");
        return vec![];
    };
    if s.optimize.baseline.as_deref() != Some(&s.session.baseline) {
        error(
            s,
            "the baseline changed since this search: o searches again",
        );
        return vec![];
    }
    // Tuning not saved yet is replaced: the message names what was undone (what `:w` wrote
    // is not lost).
    let lost = if s.unsaved() {
        crate::app::tune::replaced(&s.session.baseline, &s.session.policy, &policy)
    } else {
        Vec::new()
    };
    let mut effects = stop(s);
    s.ui.overlay = Overlay::None;
    effects.extend(retune(s, policy));
    // The fields list opens at the first field the candidate changed (n/N go to the others).
    if let Some(&first) =
        crate::app::tune::changed_fields(&s.session.baseline, &s.session.policy).first()
    {
        s.tune.cursor = first;
    }
    let msg = if lost.is_empty() {
        format!("trial {trial} loaded as the tuned policy (not saved: :w FILE writes it)")
    } else {
        format!(
            "trial {trial} loaded as the tuned policy (not saved: :w FILE writes it); it \
             replaced unsaved tuning: {}",
            lost.join(", ")
        )
    };
    info(s, &msg);
    effects
}

/// Progress of search `id`: kept when it is the latest search and has not ended already.
pub(super) fn progress(s: &mut State, id: u64, p: Box<Progress>) -> Vec<Effect> {
    let o = &mut s.optimize;
    if id != o.runs || o.progress.as_deref().is_some_and(|p| p.phase.ended()) {
        return vec![];
    }
    let ended = p.phase.ended();
    let n = candidates(&p).len();
    o.cursor = o.cursor.min(n.saturating_sub(1));
    let phase = p.phase.clone();
    let tried = p.trials;
    let best = p.best.as_ref().map(|b| (b.trial, b.feasible));
    if tried > 0 {
        o.previous = None;
    }
    // Stopped before measuring anything: the search before it is shown again, if any.
    let restored = ended && tried == 0 && o.previous.is_some();
    o.progress = if restored { o.previous.take() } else { Some(p) };
    if !ended {
        return vec![];
    }
    o.running = None;
    o.stopping = false;
    done_loading(s, Task::Optimize);
    if let (Phase::Done(Some(why)), None) = (&phase, best) {
        let kept = if restored {
            ": the search before it is kept (o shows it)"
        } else {
            ""
        };
        info(
            s,
            &format!("search stopped ({why}) before its first trial{kept}"),
        );
        return vec![];
    }
    // The overlay, when shown, says it all; a message would cover its foot.
    let shown = s.ui.overlay == Overlay::Optimize;
    match (phase, best) {
        (_, _) if shown => {}
        (Phase::Failed(why), _) => error(s, &format!("optimizer: {why}")),
        (phase, Some((trial, feasible))) => {
            let what = if feasible {
                "meets every target"
            } else {
                "comes closest"
            };
            let ended = match phase {
                Phase::Done(Some(why)) => format!(
                    "search stopped ({why}) after {}",
                    crate::text::count(tried as u64, "trial", "trials")
                ),
                _ => "search done".to_string(),
            };
            info(
                s,
                &format!("{ended}: #{trial} {what} · o shows the candidates"),
            );
        }
        _ => {}
    }
    vec![]
}
