//! Movement on each screen and in overlays, Tune steps, and the mouse.

use super::{Effect, error, layers, moved, open_user, page, retune, users};
use crate::app::action::Action;
use crate::app::layout::{self, Areas};
use crate::app::prompt_diff::diff_lines;
use crate::app::state::{Input, InputKind, Overlay, Screen, State};
use crate::app::tune;
use crate::graph::{Geometry, Graph, Step};

/// Movement and selection actions: the open overlay's, else the screen's.
pub fn navigate(s: &mut State, action: Action) -> Vec<Effect> {
    if overlay(s, &action) {
        return vec![];
    }
    match action {
        Action::Click(x, y) => return click(s, x, y),
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
        Screen::Prompt => prompt(s, action),
        Screen::Report => report(s, action),
        Screen::Live => {
            let n = s.live.events.len();
            s.live.scroll = moved(s.live.scroll, n, &action, page(s));
            vec![]
        }
        Screen::Budget => vec![],
    }
}

/// Scrolling in an overlay (help, item); true when an overlay took the action.
fn overlay(s: &mut State, action: &Action) -> bool {
    let lines = match &s.ui.overlay {
        Overlay::None => return false,
        Overlay::ConfirmQuit | Overlay::Optimize => return true,
        Overlay::Help { .. } => s.ui.help_rows.get(),
        Overlay::Item { .. } => item_lines(s),
        Overlay::Diff { .. } => s.user.compared.as_ref().map_or(0, |c| c.rows.len()),
        Overlay::Explain { .. } => s.user.explained.as_ref().map_or(0, |e| {
            let width = usize::from(layout::item_popup(s.ui.size).width.saturating_sub(2));
            crate::app::diff_view::explain_rows(e, width)
        }),
    };
    let height = usize::from(layout::item_popup(s.ui.size).height.saturating_sub(2)).max(1);
    let last = lines.saturating_sub(height) + 1;
    if let Overlay::Help { scroll, .. }
    | Overlay::Item { scroll }
    | Overlay::Diff { scroll }
    | Overlay::Explain { scroll } = &mut s.ui.overlay
    {
        *scroll = moved(*scroll, last, action, height);
    }
    true
}

/// Lines the item overlay shows for the selected item at this size (its fields, then the text
/// wrapped to the overlay's width): where its scrolling ends.
pub fn item_lines(s: &State) -> usize {
    let Some(a) = s.user.view.as_ref().and_then(|v| v.tuned.as_ref()) else {
        return 0;
    };
    let width = usize::from(layout::item_popup(s.ui.size).width.saturating_sub(2)).max(1);
    let wrapped = |text: &str| -> usize {
        crate::text::inert(text)
            .lines()
            .map(|l| {
                unicode_width::UnicodeWidthStr::width(l)
                    .div_ceil(width)
                    .max(1)
            })
            .sum()
    };
    match layers::selected_row(s, a) {
        Some(layers::LayerRow::Item(it)) => {
            // The cut (truncated items), `copy of` and `copied by` fields.
            let extra = usize::from(it.kept_text.is_some()) * 2
                + usize::from(it.duplicate.is_some())
                + usize::from(a.duplicates.iter().any(|p| p.of == it.id));
            if s.ui.tokens.on && !s.ui.redact {
                return 8 + extra + token_view_lines(s, &it.text, a.tokenizer, width);
            }
            let kept = it.kept_text.as_deref().map_or(0, |k| wrapped(k) + 3);
            8 + extra + kept + wrapped(&it.text)
        }
        Some(layers::LayerRow::Malformed(..)) => 6,
        None => 0,
    }
}

/// Rows of the token view of `text` at `width`: its heading, each line behind its 7-cell count
/// (and a cut mark), and the ids beneath when shown.
fn token_view_lines(s: &State, text: &str, tok: crate::engine::Tokenizer, width: usize) -> usize {
    use unicode_width::UnicodeWidthStr;
    let spans = s.session.engine.tokens.split(tok, text);
    let rows = |w: usize| w.div_ceil(width).max(1);
    let mut n = 1;
    for line in crate::app::token_view::token_lines(text, &spans) {
        let w: usize = line
            .pieces
            .iter()
            .map(|(r, _)| crate::text::inert_line(&text[r.clone()]).width())
            .sum();
        n += rows(w + 8);
        if s.ui.tokens.ids && !line.ids.is_empty() {
            let ids: usize = line.ids.iter().map(|i| i.to_string().len() + 1).sum();
            n += rows(ids + 10);
        }
    }
    n
}

/// The milestone graph, laid out (box sizes do not matter for moving).
pub(super) fn graph(s: &State) -> Graph {
    Graph::new(
        &s.session.engine.milestones,
        Geometry {
            box_w: crate::graph::MIN_BOX_W,
            name_lines: 0,
        },
    )
}

/// h/j/k/l and arrows move along the graph.
fn journey(s: &mut State, action: &Action) {
    let step = match action {
        Action::Left => Step::Left,
        Action::Right => Step::Right,
        Action::Up => Step::Up,
        Action::Down => Step::Down,
        Action::Top => {
            s.user.milestone = 0;
            return;
        }
        _ => return,
    };
    s.user.milestone = graph(s).step(s.user.milestone, step);
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
            s.ui.input = Some(Input::new(InputKind::Edit, &text));
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

/// The Prompt screen's lines as shown: the tuned prompt, or its diff against the baseline.
pub fn prompt_lines(s: &State) -> Vec<String> {
    let Some(v) = s.user.view.as_ref() else {
        return vec![];
    };
    let Some(tuned) = v.tuned.as_ref() else {
        return vec![];
    };
    match (s.user.diff, v.baseline.as_ref()) {
        (true, Some(base)) => diff_lines(&base.prompt, &tuned.prompt)
            .into_iter()
            .map(|(c, l)| format!("{}{l}", c.mark()))
            .collect(),
        _ => tuned.prompt.lines().map(str::to_string).collect(),
    }
}

fn prompt(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::NextMatch | Action::PrevMatch => {
            let hits = search_lines(s);
            if hits.is_empty() {
                error(s, &format!("no match for /{}", s.user.search));
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
        Action::ToggleDiff => {
            s.user.diff = !s.user.diff;
            s.user.scroll = 0;
            s.user.found = 0;
        }
        other => {
            let lines = prompt_lines(s).len();
            s.user.scroll = moved(s.user.scroll, lines, &other, page(s));
        }
    }
    vec![]
}

/// Lines of the prompt as shown (made inert, as drawn) containing the search text, any case.
pub fn search_lines(s: &State) -> Vec<usize> {
    let needle = s.user.search.to_lowercase();
    if needle.is_empty() {
        return vec![];
    }
    prompt_lines(s)
        .iter()
        .enumerate()
        .filter(|(_, l)| crate::text::inert(l).to_lowercase().contains(&needle))
        .map(|(i, _)| i)
        .collect()
}

/// The Report screen: the cursor over its lines; `enter` on a most-affected user opens that
/// user's tune diff.
fn report(s: &mut State, action: Action) -> Vec<Effect> {
    let Some(summary) = s.report.summary.as_deref() else {
        return vec![];
    };
    let lines = crate::app::report_view::lines(summary);
    if action == Action::Select {
        let Some(user) = lines.get(s.report.cursor).and_then(|l| l.user.clone()) else {
            return vec![];
        };
        super::screen::go(s, Screen::Tune);
        return open_user(s, user);
    }
    s.report.cursor = moved(s.report.cursor, lines.len(), &action, page(s));
    vec![]
}

fn click(s: &mut State, x: u16, y: u16) -> Vec<Effect> {
    let areas = Areas::new(s.ui.size);
    if y == areas.tabs.y {
        let tab = layout::tabs(s.ui.size.0, s.ui.screen, s.header_reserve())
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
