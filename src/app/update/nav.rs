//! Movement on each screen and in overlays, Tune steps, and the mouse.

mod marks;
mod prompt;

use super::{Effect, error, layers, moved, open_user, page, retune, users};
use crate::app::action::Action;
use crate::app::layout::{self, Areas};
use crate::app::state::{Input, InputKind, Overlay, Screen, State};
use crate::app::tune;
use crate::graph::{Geometry, Graph, Step};
use marks::{step, stretches};
pub use prompt::{
    PromptRows, current_match, match_scroll, prompt_area, prompt_lines, prompt_rows,
    scroll_to_match, search_hits, search_lines,
};

/// Rows one notch of the mouse wheel scrolls a panel.
const WHEEL_ROWS: usize = 3;

/// Movement and selection actions: the open overlay's, else the screen's.
pub fn navigate(s: &mut State, action: Action) -> Vec<Effect> {
    if overlay(s, &action) {
        return vec![];
    }
    match action {
        Action::Click(x, y) => return click(s, x, y),
        // On Journey the wheel scrolls the selection's panel (the keys move on the graph).
        Action::Scroll(up) if s.ui.screen == Screen::Journey => {
            journey_panel(s, WHEEL_ROWS, !up);
            return vec![];
        }
        Action::Scroll(up) => return navigate(s, if up { Action::Up } else { Action::Down }),
        _ => {}
    }
    match s.ui.screen {
        Screen::Users => users::navigate(s, action),
        Screen::Layers => layers::navigate(s, action),
        Screen::Tune => tune_keys(s, action),
        Screen::Journey => {
            journey(s, &action);
            vec![]
        }
        Screen::Prompt => prompt::navigate(s, action),
        Screen::Report => report(s, action),
        Screen::Live => {
            live(s, &action);
            vec![]
        }
        Screen::Budget => {
            budget(s, &action);
            vec![]
        }
    }
}

/// Moves on Budget scroll the layer budgets by row, when they do not fit.
fn budget(s: &mut State, action: &Action) {
    let Some(v) = s.user.view.as_ref() else {
        return;
    };
    let Some(a) = v.tuned.as_ref() else {
        return;
    };
    let b =
        crate::app::budget_view::layout(a, v.margins.as_ref(), layout::Areas::new(s.ui.size).body);
    let height = usize::from(b.gauges.height.saturating_sub(2)).max(1);
    let last = b.rows.len().saturating_sub(height);
    s.user.budget_scroll = moved(s.user.budget_scroll.min(last), last + 1, action, height);
}

/// Moves on Live: `tab` gives them to the upper panel (the cached context and findings) or
/// back to the events; each scrolls by row shown, ending on a full page.
fn live(s: &mut State, action: &Action) {
    if matches!(action, Action::NextPane | Action::PrevPane) {
        s.live.on_panel = !s.live.on_panel;
        return;
    }
    let (panel, rows, events) = crate::app::live_view::areas(s, layout::Areas::new(s.ui.size).body);
    if s.live.on_panel {
        let height = usize::from(panel.height.saturating_sub(2)).max(1);
        let rows = rows.map_or(0, |r| r.len());
        let last = rows.saturating_sub(height);
        s.live.panel_scroll = moved(s.live.panel_scroll.min(last), last + 1, action, height);
    } else {
        let height = usize::from(events.height.saturating_sub(2)).max(1);
        // Counted in rows: an unreadable message's reason wraps under it.
        let shown = live_shown(s);
        let row = usize::from(events.width.saturating_sub(2));
        let last = crate::app::live_view::EventRows::of(&s.live.key_prefix, &shown, (row, height))
            .last_first;
        s.live.scroll = moved(s.live.scroll.min(last), last + 1, action, height);
    }
}

/// `n` / `N` in the `:diff` overlay: to the next (previous) stretch of the prompt that
/// changed, from the top row shown; `None` when there is none that way.
fn diff_change(s: &State, scroll: usize, next: bool) -> Option<usize> {
    use crate::app::diff_view::Shown;
    use crate::engine::linediff::Change;
    let c = s.user.compared.as_ref()?;
    let width = usize::from(layout::item_popup(s.ui.size).width.saturating_sub(2));
    let rows = c.shown(width);
    let changed = |r: &Shown| match r {
        Shown::Pair(a, b) => [a, b]
            .iter()
            .any(|x| x.as_ref().is_some_and(|(ch, _)| *ch != Change::Same)),
        _ => false,
    };
    step(stretches(rows.len(), |i| changed(&rows[i])), scroll, next)
}

/// Scrolling in an overlay (help, item); true when an overlay took the action.
fn overlay(s: &mut State, action: &Action) -> bool {
    if let (Overlay::Diff { scroll }, Action::NextMatch | Action::PrevMatch) =
        (&s.ui.overlay, action)
    {
        match diff_change(s, *scroll, *action == Action::NextMatch) {
            Some(row) => s.ui.overlay = Overlay::Diff { scroll: row },
            None => super::info(s, "no more prompt changes that way"),
        }
        return true;
    }
    let lines = match &s.ui.overlay {
        Overlay::None => return false,
        Overlay::ConfirmQuit | Overlay::Optimize => return true,
        Overlay::Help { .. } => s.ui.help_rows.get(),
        Overlay::Item { .. } => s.ui.item_rows.get(),
        Overlay::Diff { .. } => s.user.compared.as_ref().map_or(0, |c| {
            let width = usize::from(layout::item_popup(s.ui.size).width.saturating_sub(2));
            c.shown(width).len()
        }),
        Overlay::Explain { .. } => s.user.explained.as_ref().map_or(0, |e| {
            let width = usize::from(layout::item_popup(s.ui.size).width.saturating_sub(2));
            crate::app::diff_view::explain_rows(e, &crate::app::update::asked(s), width).len()
        }),
    };
    let height = usize::from(layout::item_popup(s.ui.size).height.saturating_sub(2)).max(1);
    let last = lines.saturating_sub(height) + 1;
    if let Overlay::Help { scroll, .. }
    | Overlay::Item { scroll }
    | Overlay::Diff { scroll }
    | Overlay::Explain { scroll } = &mut s.ui.overlay
    {
        // From where it is drawn: a scroll past the end (the text got shorter) moves at once.
        *scroll = moved((*scroll).min(last - 1), last, action, height);
    }
    true
}

/// The Live screen's events as listed: the open user's, or everyone's (`a`), newest first.
pub fn live_shown(s: &State) -> Vec<&crate::app::state::LiveEntry> {
    s.live
        .events
        .iter()
        .filter(|e| super::screen::listed_here(s, e))
        .collect()
}

/// The milestone graph, laid out (box sizes do not matter for moving).
pub(super) fn graph(s: &State) -> Graph {
    Graph::new(
        &s.session.engine.milestones,
        Geometry {
            box_w: crate::graph::MIN_BOX_W,
            name_lines: 0,
            row_gap: 1,
        },
    )
}

/// h/j/k/l and arrows move along the graph; the page keys scroll the selection's panel, which
/// starts at its top for each milestone selected.
fn journey(s: &mut State, action: &Action) {
    let page = s.user.panel_rows.get().1.max(1);
    let step = match action {
        Action::Left => Step::Left,
        Action::Right => Step::Right,
        Action::Up => Step::Up,
        Action::Down => Step::Down,
        Action::Top | Action::Bottom => {
            let n = s.session.engine.milestones.ids().count();
            s.user.milestone = match action {
                Action::Top => 0,
                _ => n.saturating_sub(1),
            };
            s.user.panel = 0;
            return;
        }
        Action::PageDown | Action::PageUp => {
            journey_panel(s, page, *action == Action::PageDown);
            return;
        }
        _ => return,
    };
    let to = graph(s).step(s.user.milestone, step);
    if to != s.user.milestone {
        s.user.milestone = to;
        s.user.panel = 0;
    }
}

/// Scrolls the Journey selection's panel `rows` down (or up), within its rows.
fn journey_panel(s: &mut State, rows: usize, down: bool) {
    let (len, height) = s.user.panel_rows.get();
    let last = len.saturating_sub(height);
    let at = s.user.panel.min(last);
    s.user.panel = if down {
        (at + rows).min(last)
    } else {
        at.saturating_sub(rows)
    };
}

fn tune_keys(s: &mut State, action: Action) -> Vec<Effect> {
    let fields = tune::fields(&s.session.policy);
    let Some(field) = fields
        .get(s.tune.cursor.min(fields.len().saturating_sub(1)))
        .cloned()
    else {
        return vec![];
    };
    let dir = match action {
        Action::Right | Action::Increase => 1,
        Action::Left | Action::Decrease => -1,
        // The fields move with j/k; a page key scrolls the replay diff's item changes, which
        // do not fit beside the fields on a small terminal.
        Action::PageDown => {
            s.tune.diff_scroll = (s.tune.diff_scroll + s.tune.diff_rows.get().max(1))
                .min(tune_diff_items(s).saturating_sub(1));
            return vec![];
        }
        Action::PageUp => {
            s.tune.diff_scroll = s
                .tune
                .diff_scroll
                .saturating_sub(s.tune.diff_rows.get().max(1))
                .min(tune_diff_items(s).saturating_sub(1));
            return vec![];
        }
        Action::Select => {
            let text = tune::shown(&s.session.policy, &field.key);
            s.ui.input = Some(Input::suggesting(InputKind::Edit, &text));
            return vec![];
        }
        // To the next (previous) field the tuning changed.
        Action::NextMatch | Action::PrevMatch => {
            let changed = tune::changed_fields(&s.session.baseline, &s.session.policy);
            match step(changed, s.tune.cursor, action == Action::NextMatch) {
                Some(i) => s.tune.cursor = i,
                None => super::info(s, "no more changed fields that way"),
            }
            return vec![];
        }
        other => {
            s.tune.cursor = moved(s.tune.cursor, fields.len(), &other, page(s));
            return vec![];
        }
    };
    match tune::step(&s.session.policy, &field, dir) {
        Ok(p) => retune(s, p),
        Err(m) => {
            error(s, &m);
            vec![]
        }
    }
}

/// How many item changes the Tune screen's replay diff lists.
fn tune_diff_items(s: &State) -> usize {
    s.user
        .view
        .as_ref()
        .and_then(|v| {
            Some(crate::engine::diff::diff(
                v.baseline.as_ref()?,
                v.tuned.as_ref()?,
            ))
        })
        .map_or(0, |d| d.items.len())
}

/// The Report screen: the cursor over its lines; `enter` on a most-affected user opens that
/// user's tune diff.
fn report(s: &mut State, action: Action) -> Vec<Effect> {
    let Some(summary) = s.report.summary.as_deref() else {
        return vec![];
    };
    let lines = crate::app::report_view::lines(summary);
    let users: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].user.is_some())
        .collect();
    match action {
        Action::Select => {
            let Some(user) = lines.get(s.report.cursor).and_then(|l| l.user.clone()) else {
                let hint = if users.is_empty() {
                    "no user is listed to open"
                } else {
                    "enter opens a most-affected user: n goes to the next one"
                };
                super::info(s, hint);
                return vec![];
            };
            super::screen::go(s, Screen::Tune);
            return open_user(s, user);
        }
        // From user line to user line, as a search's matches.
        Action::NextMatch | Action::PrevMatch => {
            let at = s.report.cursor;
            let to = if action == Action::NextMatch {
                users.iter().find(|&&i| i > at).or(users.first())
            } else {
                users.iter().rev().find(|&&i| i < at).or(users.last())
            };
            match to {
                Some(&i) => s.report.cursor = i,
                None => super::info(s, "no user is listed to open"),
            }
        }
        // Sideways, 8 columns a step, while some line is wider than the pane.
        Action::Left => s.report.left = s.report.left.saturating_sub(SIDEWAYS),
        Action::Right => {
            let pane = usize::from(s.ui.size.0.saturating_sub(2));
            let most = lines.iter().map(|l| l.overflow(pane)).max().unwrap_or(0);
            s.report.left = (s.report.left + SIDEWAYS).min(most);
        }
        // A page is the pane's lines (no header row): PgDn shows the next page.
        _ => {
            let page = layout::pane_rows(Areas::new(s.ui.size).body);
            s.report.cursor = moved(s.report.cursor, lines.len(), &action, page);
        }
    }
    vec![]
}

/// Columns the Report screen moves sideways a step.
const SIDEWAYS: usize = 8;

fn click(s: &mut State, x: u16, y: u16) -> Vec<Effect> {
    let areas = Areas::new(s.ui.size);
    if y == areas.tabs.y {
        let tab = layout::tabs(s, s.ui.size.0)
            .into_iter()
            .find(|(_, _, a, b)| (*a..*b).contains(&x));
        return match tab {
            Some((screen, ..)) => super::show(s, screen),
            None => vec![],
        };
    }
    let body = areas.body;
    if y < body.y + 2 || y >= body.y + body.height.saturating_sub(1) {
        return vec![];
    }
    let row = (y - body.y - 2) as usize;
    match s.ui.screen {
        Screen::Users => users::click(s, row),
        Screen::Layers => {
            layers::click(s, x, y);
            vec![]
        }
        Screen::Tune => {
            let (fields, _) = layout::tune_split(body, s);
            let n = tune::fields(&s.session.policy).len();
            let first = layout::offset(s.tune.cursor, layout::table_rows(fields), n);
            let inside = (fields.x..fields.right()).contains(&x)
                && y >= fields.y + 2
                && y < fields.bottom().saturating_sub(1);
            let row = usize::from(y.saturating_sub(fields.y + 2));
            if inside && first + row < n {
                s.tune.cursor = first + row;
            }
            vec![]
        }
        _ => vec![],
    }
}
