//! The Prompt screen: its lines as drawn (the tuned prompt, or its diff against the baseline),
//! wrapped into rows once per prompt and width, the search's matches in them, and moving.

use super::marks::{step, stretches};
use crate::app::action::Action;
use crate::app::layout;
use crate::app::prompt_diff::diff_lines;
use crate::app::state::State;
use crate::app::update::{Effect, error, info, moved};

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

/// The Prompt screen as drawn at this size: its lines, made inert (as search matches them),
/// and the screen rows they wrap into, each its line's index and a byte range of that line.
/// In the diff a line wraps behind its two-cell mark (`- `, `+ `), which every row repeats.
pub struct PromptRows {
    pub lines: Vec<String>,
    pub rows: Vec<(usize, std::ops::Range<usize>)>,
}

/// The Prompt screen's text area at `size`: (columns, rows) inside its border.
pub fn prompt_area(size: (u16, u16)) -> (usize, usize) {
    let body = layout::Areas::new(size).body;
    (
        usize::from(body.width.saturating_sub(2)),
        usize::from(body.height.saturating_sub(2)).max(1),
    )
}

/// The Prompt screen's lines and rows (see [`PromptRows`]); both the screen and its scrolling
/// use this, so the rows scrolled through are the rows drawn. Made once per prompt, view and
/// width ([`PROMPT_VIEW`]): a prompt of a million tokens is 160,000 lines, too many to split,
/// make inert and wrap again for every frame and key.
pub fn prompt_rows(s: &State) -> std::rc::Rc<PromptRows> {
    let (width, _) = prompt_area(s.ui.size);
    let key = prompt_key(s, width);
    PROMPT_VIEW.with(|cache| {
        if let Some((k, view)) = cache.borrow().as_ref()
            && *k == key
        {
            return std::rc::Rc::clone(view);
        }
        let view = std::rc::Rc::new(make_prompt_rows(s, width));
        *cache.borrow_mut() = Some((key, std::rc::Rc::clone(&view)));
        view
    })
}

thread_local! {
    /// The last Prompt view made, under its [`prompt_key`]: frames and keys between two
    /// changes of the prompt share it.
    static PROMPT_VIEW: std::cell::RefCell<Option<(u64, std::rc::Rc<PromptRows>)>> =
        const { std::cell::RefCell::new(None) };
}

/// What the Prompt view is made from, hashed: the prompts shown (the tuned one, and in the
/// diff the baseline's), whether it is the diff, and the width. Hashing a prompt is far
/// cheaper than making its view.
fn prompt_key(s: &State, width: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    let view = s.user.view.as_ref();
    (view.and_then(|v| v.tuned.as_ref()).map(|a| &a.prompt)).hash(&mut h);
    if s.user.diff {
        (view.and_then(|v| v.baseline.as_ref()).map(|a| &a.prompt)).hash(&mut h);
    }
    (s.user.diff, width).hash(&mut h);
    h.finish()
}

fn make_prompt_rows(s: &State, width: usize) -> PromptRows {
    let lines: Vec<String> = prompt_lines(s)
        .iter()
        .map(|l| crate::text::inert(l).into_owned())
        .collect();
    let mark = if s.user.diff { 2 } else { 0 };
    let rows = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            let mark = mark.min(l.len());
            crate::text::wrap(&l[mark..], width.saturating_sub(mark))
                .into_iter()
                .map(move |r| (i, r.start + mark..r.end + mark))
        })
        .collect();
    PromptRows { lines, rows }
}

/// The first row of the Prompt screen's last page: where its scrolling ends.
fn prompt_last(s: &State, rows: usize) -> usize {
    rows.saturating_sub(prompt_area(s.ui.size).1)
}

/// The scroll that brings the `k`-th match to the top of the Prompt screen (or on the last
/// page, when it is there): the row it is on, not its line's first.
pub fn match_scroll(s: &State, k: usize) -> Option<usize> {
    let (row, rows) = match_row(s, k)?;
    Some(row.min(prompt_last(s, rows)))
}

/// The screen row of match `k`, and how many rows the prompt has.
fn match_row(s: &State, k: usize) -> Option<(usize, usize)> {
    let (line, at) = *search_hits(s).get(k)?;
    let view = prompt_rows(s);
    let row = view
        .rows
        .iter()
        .rposition(|(i, r)| *i == line && r.start <= at)
        .or_else(|| view.rows.iter().position(|(i, _)| *i == line))
        .unwrap_or(0);
    Some((row, view.rows.len()))
}

/// The scroll that shows match `k` seen from scroll `from`: `from` itself when the match is
/// already on screen (the view moves only when it must, as in less and vim), else the match's
/// row at the top.
pub fn scroll_to_match(s: &State, k: usize, from: usize) -> Option<usize> {
    let (row, rows) = match_row(s, k)?;
    let (_, height) = prompt_area(s.ui.size);
    if (from..from + height).contains(&row) {
        Some(from)
    } else {
        Some(row.min(prompt_last(s, rows)))
    }
}

/// Moves on Prompt: by screen row, `n`/`N` to the search's matches (in the diff with no
/// search, to its changed stretches), and the diff turned on or off.
pub(super) fn navigate(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        // In the diff with no search, `n`/`N` go from one changed stretch to the next, as in
        // `:diff`.
        Action::NextMatch | Action::PrevMatch if s.user.diff && s.user.search.is_empty() => {
            let view = prompt_rows(s);
            let changed = |i: usize| {
                view.lines
                    .get(view.rows[i].0)
                    .is_some_and(|l| l.starts_with('-') || l.starts_with('+'))
            };
            let starts = stretches(view.rows.len(), changed);
            match step(starts, s.user.scroll, action == Action::NextMatch) {
                Some(row) => s.user.scroll = row.min(prompt_last(s, view.rows.len())),
                None => info(s, "no more changes that way"),
            }
        }
        Action::NextMatch | Action::PrevMatch if s.user.search.is_empty() => {
            let key = s
                .session
                .keymap
                .key_for(&Action::Filter)
                .unwrap_or_else(|| "(unbound)".into());
            info(s, &format!("no search: {key} searches the prompt"));
        }
        Action::NextMatch | Action::PrevMatch => {
            let n = search_lines(s).len();
            if n == 0 {
                error(s, &format!("no match for /{}", s.user.search));
                return vec![];
            }
            let at = current_match(s, n);
            s.user.found = if action == Action::NextMatch {
                (at + 1) % n
            } else {
                (at + n - 1) % n
            };
            s.user.scroll =
                scroll_to_match(s, s.user.found, s.user.scroll).unwrap_or(s.user.scroll);
        }
        Action::ToggleDiff => {
            s.user.diff = !s.user.diff;
            s.user.scroll = 0;
            s.user.found = 0;
        }
        other => {
            // By screen row: a long paragraph scrolls through to its end.
            let last = prompt_last(s, prompt_rows(s).rows.len());
            let (_, height) = prompt_area(s.ui.size);
            s.user.scroll = moved(s.user.scroll.min(last), last + 1, &other, height);
        }
    }
    vec![]
}

/// The match `n`/`N` is on, of `n` matches: never past the last (the prompt may have changed
/// under the search: another user, another policy).
pub fn current_match(s: &State, n: usize) -> usize {
    s.user.found.min(n.saturating_sub(1))
}

/// Each match of the search text in the prompt as shown (made inert, as drawn), any case, in
/// reading order: the line it is on, once per match (`n` steps through matches, not lines).
pub fn search_lines(s: &State) -> Vec<usize> {
    search_hits(s).into_iter().map(|(i, _)| i).collect()
}

/// Each match of the search text in the prompt as shown (made inert), any case, in reading
/// order: its line, and the byte of that inert line it starts at.
pub fn search_hits(s: &State) -> Vec<(usize, usize)> {
    let needle = s.user.search.to_lowercase();
    if needle.is_empty() {
        return vec![];
    }
    // The lines as drawn (made inert), made once per prompt (see `prompt_rows`).
    let view = prompt_rows(s);
    view.lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| {
            let lower = l.to_lowercase();
            let starts: Vec<usize> = lower.match_indices(&needle).map(|(p, _)| p).collect();
            // Lower-casing can change byte lengths: then a match is found by its character.
            let at: Vec<usize> = if lower.len() == l.len() {
                starts
            } else {
                starts
                    .into_iter()
                    .map(|p| {
                        let n = lower[..p].chars().count();
                        l.char_indices().nth(n).map_or(0, |(b, _)| b)
                    })
                    .collect()
            };
            at.into_iter().map(move |b| (i, b))
        })
        .collect()
}
