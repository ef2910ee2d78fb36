//! The selected user: loading it (the last one stays on screen meanwhile), replaying it under the
//! baseline and the tuned policy, and loading policies and tokenizers.

use super::Effect;
use super::open::open_user;
use super::{done_loading, info, start_loading};
use crate::app::action::Action;
use crate::app::state::UserView;
use crate::app::state::{HeldReplay, State};
use crate::app::task::Task;
use crate::engine::{Policy, Tokenizer};
use crate::loaded::Loaded;
use crate::store::KnowledgeParams;

/// Applies an action of this part of the state.
pub(super) fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::UserLoaded(loaded) => {
            let (load, data, snapshot, searched, query) = *loaded;
            // A load since superseded, or read with a knowledge search the policy no longer
            // asks (a threshold stepped since, its load held until the steps end), or a query
            // since changed: stale, and the load asked with what is asked now is on its way.
            if load != s.user.load
                || searched != KnowledgeParams::of(&s.session.policy)
                || query != s.user.query
            {
                return vec![];
            }
            user_loaded(s, data, snapshot)
        }
        Action::TokenizerReady(t) => {
            s.session.warming.remove(&t);
            s.session.ready.insert(t);
            done_loading(s, Task::Tokenizer(t));
            replay(s)
        }
        Action::PolicyLoaded(policy, from) => policy_loaded(s, *policy, &from),
        // The key acts on Tune only, where the tuning it throws away is on screen; `:reset`
        // from anywhere.
        Action::ResetTuning if s.ui.screen != crate::app::state::Screen::Tune => {
            if s.modified() {
                info(
                    s,
                    "r resets the tuning on Tune (5), where it shows; :reset does it from here",
                );
            }
            vec![]
        }
        Action::ResetTuning => reset_key(s),
        Action::Refresh => refresh(s),
        _ => vec![],
    }
}

/// `r` on Tune: unsaved tuning of more than one field is thrown away only by a second `r`
/// while the question shows (there is no undo); saved tuning, or one field, at once.
fn reset_key(s: &mut State) -> Vec<Effect> {
    if !s.modified() {
        info(s, "nothing tuned: the policy is the baseline");
        return vec![];
    }
    let changed = crate::app::tune::changed_keys(&s.session.baseline, &s.session.policy).len();
    let asked = s
        .tune
        .reset_asked
        .take()
        .is_some_and(|until| s.ui.tick <= until);
    if s.unsaved() && changed > 1 && !asked {
        s.tune.reset_asked = Some(
            s.ui.tick + crate::app::state::MESSAGE_SECONDS * crate::app::state::TICKS_PER_SECOND,
        );
        info(
            s,
            &format!("r again throws away the {changed} unsaved changes (:w saves them first)"),
        );
        return vec![];
    }
    reset_tuning(s)
}

/// Back to the baseline policy, replayed (the user read again when the tuning had changed the
/// knowledge search: the hits shown are then the baseline's own).
pub(super) fn reset_tuning(s: &mut State) -> Vec<Effect> {
    let effects = retune(s, s.session.baseline.clone());
    info(s, "tuning reset to the baseline policy");
    effects
}

/// A user read: shown when it is still the one (and the moment) asked for, then replayed.
fn user_loaded(
    s: &mut State,
    data: crate::store::UserData,
    snapshot: crate::engine::Snapshot,
) -> Vec<Effect> {
    if s.user.loading.as_deref() != Some(data.user_id.as_str())
        || data.as_of.as_ref().map(|a| a.at) != s.user.at
    {
        return vec![]; // a newer selection (of a user, or of a moment) superseded this load
    }
    done_loading(s, Task::User);
    s.user.loading = None;
    s.user.failed = None;
    // A user shown now: one that failed before is not opened by a later recovery.
    s.status.health.failed_user = None;
    if std::mem::take(&mut s.user.show_on_load) {
        super::screen::go(s, crate::app::state::Screen::Layers);
    }
    // Read through the stores just now: one shown as down is checked again at once, so the
    // bar does not say DOWN beside what it has just read.
    if s.status.stores.iter().any(|st| !st.up) {
        s.status.health.next_check = s.status.health.next_check.min(s.ui.tick);
    }
    let same = s
        .user
        .view
        .as_ref()
        .is_some_and(|v| v.data().user_id == data.user_id);
    // Another moment of the same user: the selection follows the milestone current then, as for
    // a user, unless it was moved off the current milestone (a milestone picked is kept).
    let moved = same && s.shown_at() != s.user.at;
    let index = |m: Option<&str>| {
        m.and_then(|m| s.session.engine.milestones.ids().position(|x| x == m))
            .unwrap_or(0)
    };
    let was_current = s
        .user
        .view
        .as_ref()
        .is_none_or(|v| index(v.data().current_milestone.as_deref()) == s.user.milestone);
    if !same || moved {
        if !same {
            s.user.cursor = 0;
            s.live.panel_scroll = 0;
            s.user.budget_scroll = 0;
            // Another user's changes are read from their first.
            s.tune.diff_scroll = 0;
        }
        s.user.scroll = 0;
        // The search stays, counted from its first match in this prompt.
        s.user.found = 0;
        s.user.panel = 0;
        if !same || was_current {
            s.user.milestone = index(snapshot.current_milestone.as_deref());
        }
    }
    let selected = if same {
        super::layers::selected_id(s)
    } else {
        None
    };
    // Masked here, once, under --redact: everything shown and searched is the masked copy.
    s.user.view = Some(UserView {
        user: Loaded::new(
            data,
            snapshot,
            s.ui.redact.then_some(&s.session.engine.milestones),
        ),
        baseline: None,
        tuned: None,
        margins: None,
        findings: None,
        loaded_tick: s.ui.tick,
    });
    let effects = replay(s);
    super::layers::reselect(s, selected);
    effects
}

/// A policy file or preset loaded as the new baseline: every loaded user is replayed under it.
fn policy_loaded(s: &mut State, policy: Policy, from: &str) -> Vec<Effect> {
    done_loading(s, Task::Policy);
    // Not the last load asked for: a later one is what the person wants.
    let (asked, keep) = match s.session.policy_asked.take() {
        Some((spec, asked, keep)) if spec == from => (asked, keep),
        other => {
            // The one asked for last still loads: said so.
            if other.is_some() {
                start_loading(s, Task::Policy);
            }
            s.session.policy_asked = other;
            return vec![];
        }
    };
    // Asked over unsaved tuning without `!`: read, and the tuning kept (unless it was saved
    // while the policy loaded: then it loads as asked).
    if keep && s.unsaved() {
        let from = crate::text::quoted(from);
        super::error(
            s,
            &format!(
                "policy {} from {from} read, not loaded: the tuning is not saved; :w saves it \
                 first, :policy! {from} drops it and loads the policy",
                crate::text::inert_line(&policy.name)
            ),
        );
        return vec![];
    }
    // Tuned while it loaded: that tuning is not dropped without a word.
    if asked != s.session.policy {
        let from = crate::text::quoted(from);
        super::error(
            s,
            &format!(
                "policy {} from {from} not loaded: the policy was tuned while it loaded; \
                 :w saves that tuning, :policy! {from} loads over it",
                crate::text::inert_line(&policy.name)
            ),
        );
        return vec![];
    }
    let refetch = KnowledgeParams::of(&policy) != KnowledgeParams::of(&s.session.policy);
    s.session.baseline = policy.clone();
    s.session.policy = policy;
    info(
        s,
        &format!("policy {} loaded from {from}", s.session.policy.name),
    );
    if let Some(v) = &mut s.user.view {
        v.baseline = None;
        v.findings = None;
    }
    s.user.cursor = 0;
    s.user.layer = None;
    // The users list shows the baseline's numbers: replay every loaded user under it.
    let users = s.users.ids();
    let mut effects = replay(s);
    // The new policy searches knowledge differently: the open user is fetched again.
    if refetch {
        effects.extend(reload_user(s));
    }
    if !users.is_empty() {
        effects.push(super::users::count(s, users, false));
    }
    effects
}

pub(super) fn refresh(s: &mut State) -> Vec<Effect> {
    // The report is read again too (when its screen is shown), from the store.
    s.report.computed_for = None;
    let mut effects = vec![Effect::ForgetSnapshots];
    if s.status.stores.iter().any(|st| !st.up) {
        // A list read now would lose what the store that is down holds: the rows and their
        // figures stay, and the list is read again when the stores are back.
        // The stores are asked at once: if they are back, the list is read now.
        s.status.health.reload_users = true;
        let said = if s.users.rows.is_empty() {
            "a store is down: the users list is read as soon as it is back"
        } else {
            "a store is down: the users list stays as last read and is read again when it is back"
        };
        super::info(s, said);
        // `R` asks the stores at once: a check under way may have started before the store
        // came back, so another follows it at once, and the backoff starts again.
        s.status.health.backoff = 0;
        if s.status.health.checking {
            s.status.health.asked_again = true;
        } else {
            s.status.health.checking = true;
            effects.push(Effect::CheckHealth);
        }
    } else {
        // A list read again (not the first read) is said: on a store as fast as the demo
        // nothing else on screen may change.
        if !s.users.rows.is_empty() {
            let from = crate::text::inert_line(&s.status.source).into_owned();
            super::info(s, &format!("reading again from {from}"));
        }
        effects.extend(reload_users(s));
    }
    // With no user open, replay only starts loading the policy's tokenizer.
    effects.extend(replay(s));
    // The open user is read again; its last data stays on screen until the answer arrives.
    // With none open, the one that could not be opened is tried again.
    match reload_user(s) {
        Some(effect) => effects.push(effect),
        // A user a store kept from opening (not one it does not have), while no other loads.
        None if s.user.loading.is_none() => {
            let kept = s.user.failed.as_ref().map(|(id, _)| id.clone());
            if let Some(id) = kept.filter(|id| s.status.health.failed_user.as_ref() == Some(id)) {
                effects.extend(open_user(s, id));
            }
        }
        None => {}
    }
    effects
}

/// The users list read again from its first page, its rows counted as they arrive; until that
/// page arrives the rows stay as last read.
pub(super) fn reload_users(s: &mut State) -> Vec<Effect> {
    s.users.replacing = true;
    vec![super::users::ask_page(s, None)]
}

/// Replays the selected user: the baseline once, the tuned policy on every change. Waits for
/// a tokenizer that is still loading (items show "counting…").
pub(super) fn replay(s: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    for t in [s.session.baseline.tokenizer, s.session.policy.tokenizer] {
        if !s.session.ready.contains(&t) && s.session.warming.insert(t) {
            start_loading(s, Task::Tokenizer(t));
            effects.push(Effect::WarmTokenizer(t));
        }
    }
    let ready = |t: Tokenizer| s.session.ready.contains(&t);
    let (base_ready, tuned_ready) = (
        ready(s.session.baseline.tokenizer),
        ready(s.session.policy.tokenizer),
    );
    let engine = &s.session.engine;
    if let Some(v) = &mut s.user.view {
        if base_ready && v.baseline.is_none() {
            let base = v.user.assemble(engine, &s.session.baseline);
            v.findings = Some(v.user.findings(engine, &s.session.baseline, Some(&base)));
            v.baseline = Some(base);
        }
        v.tuned = if !tuned_ready {
            None
        } else if s.session.policy == s.session.baseline {
            v.baseline.clone()
        } else {
            Some(v.user.assemble(engine, &s.session.policy))
        };
        // Margins replay the user many times over: made when the Budget screen shows them
        // ([`margins_due`], after every update), not on every change of a tuning typed elsewhere.
        v.margins = None;
    }
    effects
}

/// The tuned assembly's margins, made when the Budget screen (the one that shows them) is open
/// and they are not made yet.
pub(super) fn margins_due(s: &mut State) {
    if s.ui.screen != crate::app::state::Screen::Budget {
        return;
    }
    let engine = &s.session.engine;
    if let Some(v) = &mut s.user.view
        && v.tuned.is_some()
        && v.margins.is_none()
    {
        v.margins = Some(v.user.margins(engine, &s.session.policy));
    }
}

/// Applies a tuned policy and replays. A change to what the knowledge search asks for
/// (threshold, limit, milestone filter) loads the user again, since the store does the search.
pub(super) fn retune(s: &mut State, policy: Policy) -> Vec<Effect> {
    if policy.layers.len() != s.session.policy.layers.len() {
        s.user.layer = None;
        s.user.cursor = 0;
    }
    let held = s.user.replay_held.take().unwrap_or_else(|| HeldReplay {
        knowledge: KnowledgeParams::of(&s.session.policy),
        selected: super::layers::selected_id(s),
    });
    s.session.policy = policy;
    s.tune.diff_scroll = 0;
    // Stepped again and again in a burst (a key held down), the replay is made once, after it.
    if s.ui.burst {
        s.user.replay_held = Some(held);
        return vec![];
    }
    replay_tuned(s, held)
}

/// The replay [`retune`] held back, if any, made now.
pub(super) fn release_held(s: &mut State) -> Vec<Effect> {
    match s.user.replay_held.take() {
        Some(held) => replay_tuned(s, held),
        None => vec![],
    }
}

/// Replays the tuned policy; the item selected before stays selected, and a change to the
/// knowledge search since `held` loads the user again.
fn replay_tuned(s: &mut State, held: HeldReplay) -> Vec<Effect> {
    let refetch = held.knowledge != KnowledgeParams::of(&s.session.policy);
    let mut effects = replay(s);
    // The selected item stays selected when the replay orders the rows otherwise.
    super::layers::reselect(s, held.selected);
    if refetch {
        effects.extend(reload_user(s));
    }
    effects.extend(super::users::tuned_stats(s));
    effects
}

/// Fetches the open user again (its knowledge search depends on the policy); the view stays
/// until the new load arrives.
pub(super) fn reload_user(s: &mut State) -> Option<Effect> {
    // The user being opened, if one is (its load asked another search), else the one shown.
    let id = s
        .user
        .loading
        .clone()
        .or_else(|| s.user.view.as_ref().map(|v| v.data().user_id.clone()))?;
    s.user.loading = Some(id.clone());
    start_loading(s, Task::User);
    s.user.load += 1;
    Some(Effect::LoadUser {
        load: s.user.load,
        user: id,
        knowledge: KnowledgeParams::of(&s.session.policy),
        query: s.user.query.clone(),
        at: s.user.at,
    })
}
