//! The optimizer overlay driven as a person would, on the demo: `o` starts a search on a task,
//! its progress arrives while it runs, the best is feasible, `enter` loads it as the tuned
//! policy (the Tune diff shows it, unsaved), `esc` stops a search and keeps its best.

use std::collections::VecDeque;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::tests::{demo_app, open, settle};
use super::*;
use crate::app::state::Overlay;
use crate::optimize::run::Phase;
use crate::tui::effects::EffectContext;

/// Trials a test search makes: the demo's first feasible point is trial 27.
pub(crate) const TEST_TRIALS: usize = 40;

/// The demo with u062 open, searches of [`TEST_TRIALS`], and a context whose effects can send
/// progress.
pub(crate) async fn optimizer_app() -> (State, EffectContext, UnboundedReceiver<Action>) {
    let (mut s, ctx) = demo_app().await;
    open(&mut s, &ctx, "u062").await;
    s.optimize.trials = TEST_TRIALS;
    let (tx, rx) = unbounded_channel();
    let ctx = EffectContext {
        actions: Some(tx),
        ..ctx
    };
    (s, ctx, rx)
}

/// What a drive saw: the progress applied before the end.
#[derive(Default)]
pub(crate) struct Seen {
    pub searching: Vec<usize>,
    pub loading: usize,
}

/// Applies `action`, then runs its effects as the loop would: a search on its own task, its
/// progress fed to `update` as it arrives, until every effect has answered. `stop_after`:
/// once a progress with at least this many trials arrives, `esc` is pressed.
pub(crate) async fn drive(
    s: &mut State,
    ctx: &EffectContext,
    rx: &mut UnboundedReceiver<Action>,
    action: Action,
    stop_after: Option<usize>,
) -> Seen {
    let mut seen = Seen::default();
    let mut queue: VecDeque<Effect> = update(s, action).into();
    while let Some(effect) = queue.pop_front() {
        if !matches!(effect, Effect::RunOptimize { .. }) {
            let result = crate::tui::effects::run(effect, ctx.clone()).await;
            queue.extend(update(s, result));
            continue;
        }
        let mut task = tokio::spawn(crate::tui::effects::run(effect, ctx.clone()));
        let last = loop {
            tokio::select! {
                biased;
                Some(a) = rx.recv() => {
                    if let Action::OptimizeProgress(_, p) = &a {
                        match p.phase {
                            Phase::Searching => seen.searching.push(p.trials),
                            Phase::Loading(_) => seen.loading += 1,
                            _ => {}
                        }
                        let stop = stop_after.is_some_and(|n| p.trials >= n);
                        queue.extend(update(s, a));
                        if stop {
                            queue.extend(update(s, Action::Back));
                            for e in std::mem::take(&mut queue) {
                                let r = crate::tui::effects::run(e, ctx.clone()).await;
                                queue.extend(update(s, r));
                            }
                        }
                    }
                }
                done = &mut task => break done.expect("the search task ends"),
            }
        };
        while let Ok(a) = rx.try_recv() {
            queue.extend(update(s, a));
        }
        queue.extend(update(s, last));
    }
    seen
}

#[tokio::test]
async fn a_search_runs_on_a_task_shows_its_progress_and_its_best_loads_as_the_tuned_policy() {
    let (mut s, ctx, mut rx) = optimizer_app().await;
    assert!(!s.modified());
    let seen = drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    assert_eq!(s.ui.screen, Screen::Tune);
    assert_eq!(s.ui.overlay, Overlay::Optimize);
    assert!(
        seen.searching.iter().any(|&n| n > 0 && n < TEST_TRIALS),
        "progress while it ran: {:?}",
        seen.searching
    );
    let p = s.optimize.progress.as_deref().expect("an answer");
    assert_eq!(p.phase, Phase::Done(None), "every trial made");
    assert_eq!(p.trials, TEST_TRIALS);
    assert!(
        p.users > 0 && p.held_out > 0,
        "{} / {}",
        p.users,
        p.held_out
    );
    let best = p.best.clone().expect("a best");
    assert!(
        best.feasible,
        "the demo has a feasible policy: {:?}",
        best.unmet
    );
    assert!(!best.changes.is_empty(), "it differs from the baseline");
    assert!(best.metrics.avg_tokens < p.baseline.expect("baseline").avg_tokens);
    assert!(p.holdout.is_some(), "measured on the held-out users");
    assert_eq!(s.optimize.running, None);
    assert!(!s.status.loading.contains(&Task::Optimize));
    // `enter` loads the best as the tuned policy: unsaved, shown by the Tune diff.
    settle(&mut s, &ctx, Action::Select).await;
    assert_eq!(s.ui.overlay, Overlay::None);
    assert!(s.modified(), "tuned, not saved");
    assert_eq!(s.session.policy, best.policy);
    assert_eq!(s.session.policy.name, s.session.baseline.name);
    let flags = crate::app::tune::set_flags(&s.session.baseline, &s.session.policy);
    for c in &best.changes {
        assert!(
            flags
                .iter()
                .any(|f| f.starts_with(&format!("--set {}=", c.key))),
            "{} in {flags:?}",
            c.key
        );
    }
    let msg = s.status.message.as_ref().expect("a message");
    assert!(msg.text.contains(":w FILE writes it"), "{}", msg.text);
}

#[tokio::test]
async fn esc_stops_a_search_and_keeps_its_best_so_far() {
    let (mut s, ctx, mut rx) = optimizer_app().await;
    let seen = drive(&mut s, &ctx, &mut rx, Action::Optimize, Some(3)).await;
    assert!(!seen.searching.is_empty());
    let p = s.optimize.progress.as_deref().expect("an answer");
    assert_eq!(p.phase, Phase::Done(Some("interrupted".into())));
    assert!(p.trials >= 3 && p.trials < TEST_TRIALS, "{}", p.trials);
    assert!(p.best.is_some(), "the best so far stays");
    assert_eq!(s.optimize.running, None);
    assert_eq!(
        s.ui.overlay,
        Overlay::Optimize,
        "still shown, to choose from"
    );
    // A second `esc` closes it; nothing was loaded.
    settle(&mut s, &ctx, Action::Back).await;
    assert_eq!(s.ui.overlay, Overlay::None);
    assert!(!s.modified());
}

#[tokio::test]
async fn leaving_the_overlay_stops_the_search() {
    let (mut s, _ctx, _rx) = optimizer_app().await;
    let effects = update(&mut s, Action::Optimize);
    let id = match effects.last() {
        Some(Effect::RunOptimize { id, .. }) => *id,
        other => panic!("a search starts: {other:?}"),
    };
    let effects = update(&mut s, Action::ShowReport);
    assert!(effects.contains(&Effect::StopOptimize(id)), "{effects:?}");
    // Asked once: another action while it winds down asks nothing more.
    assert!(!update(&mut s, Action::ShowUsers).contains(&Effect::StopOptimize(id)));
}

/// `q` closes the optimizer's overlay as it closes every other, at once, and leaving it stops
/// the search (`esc` is the key that stops it and keeps the overlay).
#[tokio::test]
async fn q_closes_the_overlay_of_a_running_search_and_stops_it() {
    let (mut s, _ctx, _rx) = optimizer_app().await;
    let effects = update(&mut s, Action::Optimize);
    let id = match effects.last() {
        Some(Effect::RunOptimize { id, .. }) => *id,
        other => panic!("a search starts: {other:?}"),
    };
    let effects = update(&mut s, Action::Close);
    assert_eq!(s.ui.overlay, Overlay::None);
    assert_eq!(effects, vec![Effect::StopOptimize(id)]);
    assert_eq!(s.ui.quit, crate::app::state::Quit::No, "closed, not quit");
}

#[tokio::test]
async fn a_search_stopped_while_loading_ends_without_a_candidate_and_without_an_error() {
    let (mut s, ctx, _rx) = optimizer_app().await;
    let mut effects = update(&mut s, Action::Optimize);
    let Some(run @ Effect::RunOptimize { id, .. }) = effects.pop() else {
        panic!("a search starts");
    };
    ctx.stop_optimizer(id);
    let last = crate::tui::effects::run(run, ctx.clone()).await;
    update(&mut s, last);
    let p = s.optimize.progress.as_deref().expect("an answer");
    assert_eq!(p.phase, Phase::Done(Some("interrupted".into())));
    assert!(p.best.is_none() && p.trials == 0);
    assert_eq!(s.optimize.running, None);
    settle(&mut s, &ctx, Action::Select).await;
    let msg = s.status.message.as_ref().expect("a message");
    assert!(
        msg.error && msg.text.contains("no candidate yet"),
        "{}",
        msg.text
    );
    assert!(!s.modified());
}

/// Moving the cursor off the best first: `enter` loads the Pareto row under it, not the best.
#[tokio::test]
async fn a_pareto_row_other_than_the_best_loads_as_the_tuned_policy() {
    let (mut s, ctx, mut rx) = optimizer_app().await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, None).await;
    let p = s.optimize.progress.as_deref().expect("an answer");
    let list = super::optimize::candidates(p);
    assert!(list.len() >= 3, "a front to choose from: {}", list.len());
    let best = list[0].clone();
    assert_eq!(Some(best.trial), p.best.as_ref().map(|b| b.trial));
    let chosen = list[2].clone();
    assert_ne!(chosen.policy, best.policy);
    settle(&mut s, &ctx, Action::Down).await;
    settle(&mut s, &ctx, Action::Down).await;
    assert_eq!(s.optimize.cursor, 2);
    settle(&mut s, &ctx, Action::Select).await;
    assert_eq!(s.ui.overlay, Overlay::None);
    assert!(s.modified(), "tuned, not saved");
    assert_eq!(s.session.policy, chosen.policy, "the row under the cursor");
    assert_ne!(s.session.policy, best.policy);
    let msg = s.status.message.as_ref().expect("a message");
    assert!(
        msg.text.starts_with(&format!(
            "trial {} loaded as the tuned policy",
            chosen.trial
        )),
        "{}",
        msg.text
    );
}

/// A search that ended is not thrown away by closing its overlay: `o` shows it again (no new
/// search), `o` on the overlay searches anew; one stopped by leaving says it was stopped, not
/// done, and where its candidates are.
#[tokio::test]
async fn a_stopped_search_is_shown_again_and_o_on_it_searches_anew() {
    let (mut s, ctx, mut rx) = optimizer_app().await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, Some(3)).await;
    let stopped = s.optimize.progress.clone().expect("an answer");
    settle(&mut s, &ctx, Action::Back).await;
    assert_eq!(s.ui.overlay, Overlay::None);
    let effects = update(&mut s, Action::Optimize);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RunOptimize { .. })),
        "{effects:?}"
    );
    assert_eq!(s.ui.overlay, Overlay::Optimize);
    assert_eq!(s.optimize.progress.as_ref(), Some(&stopped), "kept");
    let effects = update(&mut s, Action::Optimize);
    let Some(Effect::RunOptimize { id, .. }) = effects.last() else {
        panic!("o on the overlay searches anew: {effects:?}")
    };
    let id = *id;
    assert!(s.optimize.progress.is_none());
    // Left mid-search: the end it reports says stopped, with the trials made.
    update(&mut s, Action::ShowReport);
    let mut last = (*stopped).clone();
    last.trials = 3;
    update(&mut s, Action::OptimizeProgress(id, Box::new(last)));
    let msg = s.status.message.as_ref().expect("a message");
    assert!(
        msg.text
            .starts_with("search stopped (interrupted) after 3 trials: #")
            && msg.text.ends_with("o shows the candidates"),
        "{}",
        msg.text
    );
}

/// A new search stopped before its first trial says so, and the search before it (which
/// measured candidates) is shown again rather than lost.
#[tokio::test]
async fn a_search_stopped_before_its_first_trial_gives_back_the_one_before() {
    let (mut s, ctx, mut rx) = optimizer_app().await;
    drive(&mut s, &ctx, &mut rx, Action::Optimize, Some(3)).await;
    let before = s.optimize.progress.clone().expect("an answer");
    assert!(before.trials >= 3);
    // `o` on the overlay searches anew; leaving at once stops it before any trial.
    let mut effects = update(&mut s, Action::Optimize);
    let Some(run @ Effect::RunOptimize { id, .. }) = effects.pop() else {
        panic!("a new search")
    };
    update(&mut s, Action::ShowUsers);
    ctx.stop_optimizer(id);
    let last = crate::tui::effects::run(run, ctx.clone()).await;
    update(&mut s, last);
    let msg = s.status.message.as_ref().expect("a message");
    assert_eq!(
        msg.text,
        "search stopped (interrupted) before its first trial: the search before it is kept \
         (o shows it)"
    );
    assert_eq!(s.optimize.progress.as_ref(), Some(&before));
    assert_eq!(s.optimize.running, None);
    let effects = update(&mut s, Action::Optimize);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RunOptimize { .. })),
        "o shows it: {effects:?}"
    );
    assert_eq!(s.optimize.progress.as_ref(), Some(&before));
}
