//! Movement on each screen, the users list's filter and sort, Tune steps, and the mouse.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::{Effect, error, open_user, retune};
use crate::app::action::Action;
use crate::app::layout::{self, Areas};
use crate::app::state::{Input, InputKind, Overlay, Screen, SortKey, State};
use crate::app::task::Task;
use crate::app::tune;
use crate::engine::snapshot::Malformed;
use crate::engine::{Assembly, Item, Source};

/// Movement and selection actions, by screen.
pub fn navigate(s: &mut State, action: Action) -> Vec<Effect> {
    if let Overlay::Help { scroll, .. } = &mut s.ui.overlay {
        match action {
            Action::Down => *scroll += 1,
            Action::Up => *scroll = scroll.saturating_sub(1),
            _ => {}
        }
        return vec![];
    }
    match action {
        Action::Click(x, y) => return click(s, x, y),
        Action::Scroll(up) => return navigate(s, if up { Action::Up } else { Action::Down }),
        Action::CycleSort => {
            s.users.sort = s.users.sort.next();
            reshow_users(s);
            return vec![];
        }
        _ => {}
    }
    match s.ui.screen {
        Screen::Users => users(s, action),
        Screen::Layers => layers(s, action),
        Screen::Tune => tune_keys(s, action),
        Screen::Journey => {
            let n = s.session.engine.milestones.defs().len();
            s.user.milestone = moved(s.user.milestone, n, &action, 1);
            vec![]
        }
        Screen::Prompt => prompt(s, action),
        Screen::Report => {
            let page = page(s);
            let last = report_lines(s).saturating_sub(page) + 1;
            s.report.scroll = moved(s.report.scroll, last, &action, page);
            vec![]
        }
        Screen::Budget | Screen::Live => vec![],
    }
}

/// Lines of the Report screen (as `ui::report` lays them out): headline, then per section a
/// blank line, its title, and a header and its rows (or "none").
fn report_lines(s: &State) -> usize {
    let Some(summary) = &s.report.summary else {
        return 0;
    };
    let sections: usize = crate::report::format::sections(summary)
        .iter()
        .map(|sec| {
            2 + if sec.rows.is_empty() {
                1
            } else {
                1 + sec.rows.len()
            }
        })
        .sum();
    crate::report::format::headline(summary).len() + 1 + sections
}

/// The cursor after a movement over `n` rows, `page` rows to a page.
fn moved(cursor: usize, n: usize, action: &Action, page: usize) -> usize {
    let last = n.saturating_sub(1);
    match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        Action::PageUp => cursor.saturating_sub(page.max(1)),
        Action::PageDown => (cursor + page.max(1)).min(last),
        _ => cursor,
    }
}

fn page(s: &State) -> usize {
    layout::table_rows(Areas::new(s.ui.size).body)
}

fn users(s: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::Select {
        return match s.selected_row().map(|r| r.summary.user_id.clone()) {
            Some(id) => {
                s.ui.screen = Screen::Layers;
                open_user(s, id)
            }
            None => vec![],
        };
    }
    s.users.cursor = moved(s.users.cursor, s.users.shown.len(), &action, page(s));
    more_users(s)
}

/// Loads the next page when the cursor nears the end of what is loaded.
fn more_users(s: &mut State) -> Vec<Effect> {
    let near_end = s.users.cursor + page(s) >= s.users.shown.len();
    let idle = !s.status.loading.contains(&Task::Users);
    match s.users.next_cursor.clone() {
        Some(c) if near_end && idle && !s.users.loaded_all => {
            super::start_loading(s, Task::Users);
            vec![Effect::LoadUsers { cursor: Some(c) }]
        }
        _ => vec![],
    }
}

fn layers(s: &mut State, action: Action) -> Vec<Effect> {
    let n = s.user.cursors.len();
    if n == 0 {
        return vec![];
    }
    let pane = s.user.pane.min(n - 1);
    match action {
        Action::NextPane | Action::Right => s.user.pane = (pane + 1) % n,
        Action::PrevPane | Action::Left => s.user.pane = (pane + n - 1) % n,
        Action::Select => {
            if layer_len(s, pane) > 0 {
                s.ui.overlay = Overlay::Item;
            }
        }
        other => {
            let len = layer_len(s, pane);
            s.user.cursors[pane] = moved(s.user.cursors[pane], len, &other, page(s));
        }
    }
    vec![]
}

/// Rows of the Layers pane `pane` in the tuned assembly: items and malformed data.
pub fn layer_len(s: &State, pane: usize) -> usize {
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return 0;
    };
    layer_rows(s, a, pane).len()
}

/// A row of a Layers pane: an item of the layer, or data of its source that could not be read.
#[derive(Debug, Clone, Copy)]
pub enum LayerRow<'a> {
    Item(&'a Item),
    Malformed(&'a Malformed),
}

/// The source layer a malformed entry would have fed, from its item id or where it was read.
fn malformed_source(m: &Malformed) -> Option<Source> {
    let id = m.id.as_deref().unwrap_or("");
    if id.starts_with("mb:") || m.source.starts_with("memory_bank") {
        Some(Source::Journey)
    } else if id.starts_with("kn:") || m.source.starts_with("knowledge") {
        Some(Source::Knowledge)
    } else if id.contains('#') || m.source.contains("session:") {
        Some(Source::Session)
    } else {
        None
    }
}

/// The rows of the pane of layer `pane`: its items in output order, then the malformed data of its
/// source (data of no layer's source goes to the first pane).
pub fn layer_rows<'a>(s: &'a State, a: &'a Assembly, pane: usize) -> Vec<LayerRow<'a>> {
    let layers = &s.session.policy.layers;
    let Some(layer) = layers.get(pane) else {
        return vec![];
    };
    let mut rows: Vec<LayerRow> = a.layer_items(&layer.name).map(LayerRow::Item).collect();
    let home = |m: &Malformed| {
        let src = malformed_source(m);
        layers
            .iter()
            .position(|l| Some(l.source) == src)
            .unwrap_or(0)
    };
    rows.extend(
        a.malformed
            .iter()
            .filter(|m| home(m) == pane)
            .map(LayerRow::Malformed),
    );
    rows
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
        Action::Select => {
            let text = tune::shown(&s.session.policy, &field.key);
            s.ui.input = Some(Input {
                kind: InputKind::Edit,
                text,
            });
            return vec![];
        }
        other => {
            s.tune.cursor = moved(s.tune.cursor, fields.len(), &other, page(s));
            return vec![];
        }
    };
    match tune::step(&s.session.policy, &field, dir) {
        Ok(p) => retune(s, p),
        Err(e) => {
            error(s, &e.to_string());
            vec![]
        }
    }
}

fn prompt(s: &mut State, action: Action) -> Vec<Effect> {
    let lines = s
        .user
        .view
        .as_ref()
        .and_then(|v| v.tuned.as_ref())
        .map_or(0, |a| a.prompt.lines().count());
    match action {
        Action::NextMatch | Action::PrevMatch => {
            let hits = search_lines(s);
            if hits.is_empty() {
                return vec![];
            }
            let n = hits.len();
            s.user.found = if action == Action::NextMatch {
                (s.user.found + 1) % n
            } else {
                (s.user.found + n - 1) % n
            };
            s.user.scroll = hits[s.user.found];
        }
        other => s.user.scroll = moved(s.user.scroll, lines, &other, page(s)),
    }
    vec![]
}

/// Lines of the tuned prompt containing the search text (case-insensitive).
pub fn search_lines(s: &State) -> Vec<usize> {
    let needle = s.user.search.to_lowercase();
    if needle.is_empty() {
        return vec![];
    }
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return vec![];
    };
    a.prompt
        .lines()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains(&needle))
        .map(|(i, _)| i)
        .collect()
}

/// Recomputes the shown rows: fuzzy filter, then sort; keeps the cursor on the same user.
pub fn reshow_users(s: &mut State) {
    let keep = s.selected_row().map(|r| r.summary.user_id.clone());
    let rows = &s.users.rows;
    let mut shown: Vec<usize> = (0..rows.len()).collect();
    let key = |i: &usize| {
        let r = &rows[*i];
        match s.users.sort {
            SortKey::Id => (0i64, 0.0f64),
            SortKey::Milestone => (0, 0.0),
            SortKey::Tokens => (-(r.stats.map_or(-1, |x| x.tokens as i64)), 0.0),
            SortKey::Truncation => (0, -r.stats.map_or(-1.0, |x| x.truncation_rate)),
            SortKey::Activity => (
                -r.summary
                    .last_activity
                    .map_or(i64::MIN + 1, |t| t.timestamp_millis()),
                0.0,
            ),
        }
    };
    match s.users.sort {
        SortKey::Id => {}
        SortKey::Milestone => shown.sort_by(|a, b| {
            rows[*a]
                .summary
                .current_milestone
                .cmp(&rows[*b].summary.current_milestone)
        }),
        _ => shown.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        }),
    }
    if !s.users.filter.is_empty() {
        // Best matches first; equal scores keep the sort order.
        let pattern = Pattern::parse(&s.users.filter, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, usize)> = shown
            .into_iter()
            .filter_map(|i| {
                let r = &rows[i].summary;
                let hay = format!(
                    "{} {} {}",
                    r.user_id,
                    r.current_milestone.as_deref().unwrap_or(""),
                    r.display_name.as_deref().unwrap_or("")
                );
                pattern
                    .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                    .map(|sc| (sc, i))
            })
            .collect();
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        shown = scored.into_iter().map(|(_, i)| i).collect();
    }
    s.users.shown = shown;
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

/// `:user ID`: select the user (loading more pages if its row is not loaded yet) and open it.
pub fn jump_to_user(s: &mut State, id: String) -> Vec<Effect> {
    let known = s.users.rows.iter().any(|r| r.summary.user_id == id);
    if let (false, false, Some(c)) = (known, s.users.loaded_all, s.users.next_cursor.clone()) {
        // Not loaded yet: fetch on, select it when its page arrives, and open it now.
        s.users.wanted = Some(id.clone());
        super::start_loading(s, Task::Users);
        let mut e = vec![Effect::LoadUsers { cursor: Some(c) }];
        s.ui.screen = Screen::Layers;
        e.extend(open_user(s, id));
        return e;
    }
    s.users.filter.clear();
    reshow_users(s);
    s.ui.screen = Screen::Layers;
    open_user(s, id)
}

fn click(s: &mut State, x: u16, y: u16) -> Vec<Effect> {
    let areas = Areas::new(s.ui.size);
    if y == areas.tabs.y {
        let tab = layout::tabs(s.ui.size.0)
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
        Screen::Users => {
            let first = layout::offset(s.users.cursor, layout::table_rows(body));
            let target = first + row;
            if target >= s.users.shown.len() {
                return vec![];
            }
            if target == s.users.cursor {
                return users(s, Action::Select); // a second click opens
            }
            s.users.cursor = target;
            vec![]
        }
        Screen::Layers => {
            let panes = layout::panes(body, s.user.cursors.len());
            if let Some(p) = panes
                .iter()
                .position(|r| r.x <= x && x < r.x + r.width && r.y <= y && y < r.y + r.height)
            {
                s.user.pane = p;
                let inner = (y.saturating_sub(panes[p].y + 1)) as usize;
                let first = layout::offset(
                    s.user.cursors[p],
                    panes[p].height.saturating_sub(2) as usize,
                );
                let len = layer_len(s, p);
                if first + inner < len {
                    s.user.cursors[p] = first + inner;
                }
            }
            vec![]
        }
        Screen::Tune => {
            let n = tune::fields(&s.session.policy).len();
            let first = layout::offset(s.tune.cursor, layout::table_rows(body));
            if first + row < n {
                s.tune.cursor = first + row;
            }
            vec![]
        }
        _ => vec![],
    }
}
