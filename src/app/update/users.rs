//! The users list: pages as they arrive, each row's numbers (baseline, and tuned on demand),
//! the fuzzy filter, the sort, and moving through it.

use std::collections::HashMap;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::{Effect, done_loading, moved, open_user, page, start_loading};
use crate::app::action::Action;
use crate::app::layout;
use crate::app::state::{Screen, SortKey, State, UserRow, UserStats};
use crate::app::task::Task;
use chrono::{DateTime, Utc};

/// Applies an action of this part of the state.
pub(super) fn apply(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::UsersLoaded(asked, page) => users_loaded(s, asked, page),
        // Counted as of another instant than the list's now: no longer wanted.
        Action::StatsComputed(_, at, _, _) if at != s.users.stats_at => vec![],
        Action::StatsComputed(tuned, _, stats, _) => {
            for (id, mut st) in stats {
                // The milestone of then, under --redact, as a loaded user shows it.
                if s.ui.redact {
                    match &mut st {
                        Ok(st) => {
                            let map = &s.session.engine.milestones;
                            st.milestone = st
                                .milestone
                                .as_deref()
                                .map(|m| crate::engine::redact::mask_milestone(m, map));
                        }
                        Err(e) => *e = crate::engine::redact::mask_quoted(e),
                    }
                }
                if let Some(row) = s.users.rows.iter_mut().find(|r| r.summary.user_id == id) {
                    match (st, tuned) {
                        (Ok(st), true) => row.tuned = Some(st),
                        (Ok(st), false) => {
                            row.stats = Some(st);
                            row.failed = None;
                        }
                        (Err(e), _) => row.failed = Some(e),
                    }
                }
            }
            done_loading(s, Task::Stats);
            reshow_users(s);
            vec![]
        }
        // The figures are the list's: elsewhere `t` says where it works instead of changing
        // a screen out of sight.
        Action::ToggleTuned if s.ui.screen != Screen::Users => {
            super::info(s, "t: on Users (1), the tuned policy's figures");
            vec![]
        }
        Action::ToggleTuned => {
            s.users.show_tuned = !s.users.show_tuned;
            let effects = tuned_stats(s);
            reshow_users(s);
            effects
        }
        _ => vec![],
    }
}

/// While the tuned figures are shown, counts them for every row under the tuned policy (once
/// per policy).
pub(super) fn tuned_stats(s: &mut State) -> Vec<Effect> {
    let policy = &s.session.policy;
    if !s.users.show_tuned || s.users.tuned_for.as_deref() == Some(policy) {
        return vec![];
    }
    s.users.tuned_for = Some(Box::new(policy.clone()));
    for r in &mut s.users.rows {
        r.tuned = None;
    }
    let users = s.users.ids();
    if users.is_empty() {
        return vec![];
    }
    vec![count(s, users, true)]
}

/// Counts `users`' numbers for the list under the baseline policy (the tuned one: `tuned`), as
/// of the list's instant.
pub(super) fn count(s: &mut State, users: Vec<String>, tuned: bool) -> Effect {
    start_loading(s, Task::Stats);
    let policy = if tuned {
        &s.session.policy
    } else {
        &s.session.baseline
    };
    Effect::ComputeStats {
        users,
        policy: Box::new(policy.clone()),
        tuned,
        at: s.users.stats_at,
    }
}

/// While the list is shown, its numbers follow the instant the open user is shown as of (`tui
/// --at`, time travel): counted again, as of then, when that instant moved.
pub(super) fn count_again_if_moved(s: &mut State) -> Vec<Effect> {
    if s.ui.screen != Screen::Users || s.users.stats_at == s.user.at {
        return vec![];
    }
    s.users.stats_at = s.user.at;
    s.users.tuned_for = None;
    for r in &mut s.users.rows {
        (r.stats, r.tuned, r.failed) = (None, None, None);
    }
    let users = s.users.ids();
    if users.is_empty() {
        return vec![];
    }
    let mut effects = vec![count(s, users, false)];
    effects.extend(tuned_stats(s));
    reshow_users(s);
    effects
}

/// Asks for the page at `cursor` (`None`: the first), the one page then awaited.
pub(super) fn ask_page(s: &mut State, cursor: Option<String>) -> Effect {
    s.users.asked = Some(cursor.clone());
    start_loading(s, Task::Users);
    Effect::LoadUsers { cursor }
}

/// A page of users arrived (the one asked for at `asked`): its rows added (replacing the list
/// read again), the selection kept, their numbers counted, and what was waiting for it asked.
pub(super) fn users_loaded(
    s: &mut State,
    asked: Option<String>,
    page: crate::store::UserPage,
) -> Vec<Effect> {
    // Only the page awaited: one of a listing read again since (`R` while pages were still
    // coming), or the same page asked twice, would add its users a second time.
    if s.users.asked.as_ref() != Some(&asked) {
        return vec![];
    }
    s.users.asked = None;
    done_loading(s, Task::Users);
    s.users.failed = None;
    // A page read says nothing of a store it did not need (a page from Postgres alone while
    // Redis is frozen): a store shown down is checked again, not taken to be up.
    let recheck = s.status.stores.iter().any(|st| !st.up) && !s.status.health.checking;
    let (keep, last) = if std::mem::take(&mut s.users.replacing) {
        replaced_rows(s)
    } else {
        (None, HashMap::new())
    };
    let ids: Vec<String> = page.users.iter().map(|u| u.user_id.clone()).collect();
    add_rows(s, page.users, last);
    s.users.loaded_all = page.next_cursor.is_none();
    s.users.next_cursor = page.next_cursor;
    note_unlisted(s, &page.unlisted);
    reshow_users(s);
    if let Some(pos) = keep.filter(|_| !s.users.at_top).and_then(|id| {
        let rows = &s.users.rows;
        s.users
            .shown
            .iter()
            .position(|&i| rows[i].summary.user_id == id)
    }) {
        s.users.cursor = pos;
    }
    let mut effects = after_page(s, ids);
    if recheck {
        s.status.health.checking = true;
        effects.push(Effect::CheckHealth);
    }
    effects
}

/// The first page of a list read again replaces the rows: they are taken out, with the user
/// selected (kept by id) and each row by its user, which keeps its last figures until they are
/// counted again (a count that fails at an outage leaves the list as last read).
fn replaced_rows(s: &mut State) -> (Option<String>, HashMap<String, UserRow>) {
    let keep = s.selected_row().map(|r| r.summary.user_id.clone());
    let last = s
        .users
        .rows
        .drain(..)
        .map(|r| (r.summary.user_id.clone(), r))
        .collect();
    s.users.shown.clear();
    (keep, last)
}

/// The users of a page as rows, each with the figures its row had before the list was read
/// again (`last`).
fn add_rows(
    s: &mut State,
    users: Vec<crate::store::UserSummary>,
    mut last: HashMap<String, UserRow>,
) {
    // Display names are masked here, once, under --redact: the filter matches what is shown.
    s.users.rows.extend(users.into_iter().map(|mut summary| {
        if s.ui.redact {
            crate::loaded::mask_summary(&mut summary, &s.session.engine.milestones);
        }
        let before = last.remove(&summary.user_id);
        UserRow {
            summary,
            stats: before.as_ref().and_then(|r| r.stats.clone()),
            tuned: before.and_then(|r| r.tuned),
            failed: None,
        }
    }));
}

/// A key no user can own is named, not lost without a word: a note about the data (as the
/// CLI's `note:`), not an error of the app.
fn note_unlisted(s: &mut State, unlisted: &[crate::store::Unlisted]) {
    if let Some(first) = unlisted.first() {
        let more = match unlisted.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        super::info(
            s,
            &format!("note: {}{more}", crate::store::unlisted_note(first)),
        );
    }
}

/// What a page arrived (its users `ids`) asks for next: the page after it while `G` reads to
/// the end, its rows' numbers, a `:user` waiting for its row, the rest of a list filtered or
/// sorted.
fn after_page(s: &mut State, ids: Vec<String>) -> Vec<Effect> {
    let mut effects = Vec::new();
    if s.users.to_end {
        s.users.cursor = s.users.shown.len().saturating_sub(1);
        s.users.to_end = !s.users.loaded_all;
        if let Some(c) = s.users.next_cursor.clone().filter(|_| s.users.to_end) {
            effects.push(ask_page(s, Some(c)));
        }
    }
    if !ids.is_empty() {
        effects.push(count(s, ids.clone(), false));
        if s.users.show_tuned {
            effects.push(count(s, ids, true));
        }
    }
    if let Some(wanted) = s.users.wanted.take() {
        effects.extend(jump_to_user(s, wanted));
    }
    effects.extend(load_rest(s));
    effects
}

/// A filter, or a sort other than by id, is about the whole list: the pages not loaded yet are
/// read, one after another, so a match or the top of an order is never only among those loaded.
pub(super) fn load_rest(s: &mut State) -> Vec<Effect> {
    let whole = !s.users.filter.is_empty() || s.users.sort != SortKey::Id;
    let idle = !s.status.loading.contains(&Task::Users);
    match s.users.next_cursor.clone() {
        Some(c) if whole && idle && !s.users.loaded_all => {
            vec![ask_page(s, Some(c))]
        }
        _ => vec![],
    }
}

/// The numbers a row shows: the tuned policy's while those are asked for.
pub fn shown_stats<'a>(s: &State, r: &'a UserRow) -> Option<&'a UserStats> {
    if s.users.show_tuned {
        r.tuned.as_ref()
    } else {
        r.stats.as_ref()
    }
}

/// A row's milestone and last activity as the list shows them: the listing's (now), or, while
/// the list is counted as of an earlier instant, those of then as its replay read them (`None`
/// until counted: today's would be wrong).
pub fn row_then(s: &State, r: &UserRow) -> Option<(Option<String>, Option<DateTime<Utc>>)> {
    if s.users.stats_at.is_none() {
        // A listing without activity (live stores list users without reading their sessions)
        // takes the newest turn the replay for the list read.
        let replayed = r.stats.as_ref().or(r.tuned.as_ref());
        let last = r
            .summary
            .last_activity
            .or_else(|| replayed.and_then(|st| st.last_activity));
        return Some((r.summary.current_milestone.clone(), last));
    }
    r.stats
        .as_ref()
        .or(r.tuned.as_ref())
        .map(|st| (st.milestone.clone(), st.last_activity))
}

pub(super) fn navigate(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Select => match s.selected_row().map(|r| r.summary.user_id.clone()) {
            Some(id) => {
                super::screen::go(s, Screen::Layers);
                open_user(s, id)
            }
            None => vec![],
        },
        // A new order is read from its top: the first row is selected, so the top of the list
        // is on screen (the rows' numbers arriving later keep the selection on its user).
        Action::CycleSort => {
            s.users.sort = s.users.sort.next();
            // The new order's top replaces a `G` still reading to the end.
            s.users.to_end = false;
            s.users.at_top = true;
            reshow_users(s);
            let mut effects = more_users(s);
            if effects.is_empty() {
                effects = load_rest(s);
            }
            effects
        }
        other => {
            s.users.at_top = false;
            s.users.cursor = moved(s.users.cursor, s.users.shown.len(), &other, page(s));
            // The bottom is the list's, not the loaded pages': read on to it.
            s.users.to_end = other == Action::Bottom && !s.users.loaded_all;
            more_users(s)
        }
    }
}

/// A click on row `row` of the table: selects it; a second click opens it.
pub(super) fn click(s: &mut State, row: usize) -> Vec<Effect> {
    let first = layout::offset(s.users.cursor, page(s), s.users.shown.len());
    let target = first + row;
    if target >= s.users.shown.len() {
        return vec![];
    }
    if target == s.users.cursor {
        return navigate(s, Action::Select);
    }
    s.users.at_top = false;
    s.users.cursor = target;
    vec![]
}

/// Loads the next page when the cursor nears the end of what is loaded.
fn more_users(s: &mut State) -> Vec<Effect> {
    let near_end = s.users.cursor + page(s) >= s.users.shown.len();
    let idle = !s.status.loading.contains(&Task::Users);
    match s.users.next_cursor.clone() {
        Some(c) if near_end && idle && !s.users.loaded_all => {
            vec![ask_page(s, Some(c))]
        }
        _ => vec![],
    }
}

/// Recomputes the shown rows: fuzzy filter, then sort; the cursor stays on the same user (a
/// new sort key then selects the first row: [`navigate`]).
pub fn reshow_users(s: &mut State) {
    let keep = s.selected_row().map(|r| r.summary.user_id.clone());
    let then: Vec<_> = s.users.rows.iter().map(|r| row_then(s, r)).collect();
    let mut shown = sorted(s, &then);
    if !s.users.filter.is_empty() {
        shown = filtered(s, shown, &then);
    }
    let rows = &s.users.rows;
    s.users.shown = shown;
    if s.users.at_top {
        s.users.cursor = 0;
        return;
    }
    s.users.cursor = keep
        .and_then(|id| {
            s.users
                .shown
                .iter()
                .position(|&i| rows[i].summary.user_id == id)
        })
        .unwrap_or(0)
        .min(s.users.shown.len().saturating_sub(1));
}

/// A row's milestone and last activity as the list shows them ([`row_then`]).
type Then = (Option<String>, Option<DateTime<Utc>>);

/// A row's milestone then, of the rows' [`row_then`] (`then`).
fn milestone_then(then: &[Option<Then>], i: usize) -> Option<String> {
    then[i].as_ref().and_then(|t| t.0.clone())
}

/// Every row, in the order of the list's sort key (`then`: each row's [`row_then`]).
fn sorted(s: &State, then: &[Option<Then>]) -> Vec<usize> {
    let rows = &s.users.rows;
    let mut shown: Vec<usize> = (0..rows.len()).collect();
    let stats = |i: &usize| shown_stats(s, &rows[*i]);
    let milestone = |i: &usize| milestone_then(then, *i);
    match s.users.sort {
        // By id whatever order the store lists in (snapshot files come in file order).
        SortKey::Id => {
            shown.sort_by(|a, b| rows[*a].summary.user_id.cmp(&rows[*b].summary.user_id))
        }
        SortKey::Milestone => shown.sort_by_key(milestone),
        SortKey::Tokens => {
            shown.sort_by_key(|i| std::cmp::Reverse(stats(i).map_or(-1, |x| x.tokens as i64)))
        }
        SortKey::Truncation => shown.sort_by(|a, b| {
            let key = |i: &usize| stats(i).map_or(-1.0, |x| x.truncation_rate);
            key(b).total_cmp(&key(a))
        }),
        SortKey::Activity => shown.sort_by_key(|i| {
            let last = then[*i].as_ref().and_then(|t| t.1);
            std::cmp::Reverse(last.map(|t| t.timestamp_millis()))
        }),
    }
    shown
}

/// The rows of `shown` the filter matches: those holding every word of the query as it is
/// typed (any case), in the sort order; only when none does, fuzzily, best matches first
/// (fzf's syntax: `'exact`, `^start`).
fn filtered(s: &State, shown: Vec<usize>, then: &[Option<Then>]) -> Vec<usize> {
    // As the row shows it: the id, the milestone's id and its name, the display name, each
    // made inert as the row draws it (an escape is matched by the `␛` on screen).
    let hay = |i: &usize| {
        let r = &s.users.rows[*i].summary;
        let m = milestone_then(then, *i).unwrap_or_default();
        let name = s.session.engine.milestones.name(&m);
        let il = crate::text::inert_line;
        format!(
            "{} {} {} {}",
            il(&r.user_id),
            il(&m),
            if name == m { "".into() } else { il(name) },
            il(r.display_name.as_deref().unwrap_or(""))
        )
    };
    let words: Vec<String> = s
        .users
        .filter
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let plain: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|i| {
            let h = hay(i).to_lowercase();
            words.iter().all(|w| h.contains(w.as_str()))
        })
        .collect();
    if !plain.is_empty() {
        return plain;
    }
    let pattern = Pattern::parse(&s.users.filter, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = shown
        .into_iter()
        .filter_map(|i| {
            pattern
                .score(Utf32Str::new(&hay(&i), &mut buf), &mut matcher)
                .map(|sc| (sc, i))
        })
        .collect();
    // Equal scores keep the sort order.
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// `:user ID`: select the user (loading more pages if its row is not loaded yet) and open it.
pub fn jump_to_user(s: &mut State, id: String) -> Vec<Effect> {
    let known = s.users.rows.iter().any(|r| r.summary.user_id == id);
    if !known && s.users.loaded_all {
        // Every user is listed, and not this one: it may have come since the list was read
        // (a ticket's new user). Asked of the store: Layers shows it when it is there; when it
        // is not, the screen stays and says so (the user shown before, if any, stays).
        let effects = open_user(s, id);
        s.user.show_on_load = true;
        return effects;
    }
    if let (false, false, Some(c)) = (known, s.users.loaded_all, s.users.next_cursor.clone()) {
        // Not loaded yet: fetch on, select it when its page arrives, and open it now.
        s.users.wanted = Some(id.clone());
        let mut e = vec![ask_page(s, Some(c))];
        super::screen::go(s, Screen::Layers);
        e.extend(open_user(s, id));
        return e;
    }
    s.users.filter.clear();
    reshow_users(s);
    super::screen::go(s, Screen::Layers);
    open_user(s, id)
}
