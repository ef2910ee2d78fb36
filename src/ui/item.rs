//! One item in full — its decision, source, score, tokens and whole text — as the Layers
//! screen's preview pane and as the overlay `enter` opens (scrollable).

use std::rc::Rc;

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::tokens::{self, TokenSource};
use super::{block, clear, il, inert_lines, styled, wrap};
use crate::app::layout;
use crate::app::state::{State, UserView};
use crate::app::update::{LayerRow, selected_row};
use crate::engine::snapshot::{Malformed, fmt_ts};
use crate::engine::tokens::chars4;
use crate::engine::{Assembly, Decision, Item, ItemKind};

/// Where an item came from: the Redis key or table row — on the embedded demo or from a
/// snapshot file, the key or row it stands for, marked as such (no store was read).
fn source_of(it: &Item, v: &UserView, s: &State) -> String {
    let file = s.status.source == crate::store::snapshots::LABEL;
    match stored_at(it, v) {
        (Some(_), place) if s.status.demo && !file => format!("embedded demo: {place}"),
        (Some(_), place) if file => format!("snapshot file: {place}"),
        (Some(store), place) => format!("{store} {place}"),
        (None, place) => place,
    }
}

/// The store an item is read from (none for policy text and the query) and its key or row.
fn stored_at(it: &Item, v: &UserView) -> (Option<&'static str>, String) {
    let snap = v.snapshot();
    match it.kind {
        ItemKind::Turn => {
            let idx = it.id.rsplit('#').next().unwrap_or("?");
            let key = v.data().session_key().map_or_else(
                || {
                    crate::engine::keys::session_key(
                        "",
                        &snap.user_id,
                        snap.session_id.as_deref().unwrap_or("?"),
                    )
                },
                str::to_string,
            );
            (Some("redis"), format!("{key}[{idx}]"))
        }
        ItemKind::BusinessDna | ItemKind::MilestoneData | ItemKind::Transition => (
            Some("postgres"),
            format!("memory_bank id={}", it.id.trim_start_matches("mb:")),
        ),
        ItemKind::Knowledge => (
            Some("postgres"),
            format!("knowledge id={}", it.id.trim_start_matches("kn:")),
        ),
        ItemKind::Static => (None, format!("policy [[static]] {}", it.id)),
        ItemKind::Query => (None, "the query (newest user turn, or --query)".into()),
    }
}

/// A `name       value` line of the item overlay.
fn field(t: &Theme, k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        styled(format!("{k:<FIELD$}"), t.muted()),
        styled(v, t.base()),
    ])
}

/// The item's decision, source, timestamp, score and tokens.
fn fields(it: &Item, s: &State, v: &UserView, a: &Assembly, t: &Theme) -> Vec<Line<'static>> {
    let field = |k: &str, v: String| field(t, k, v);
    let reason = it
        .reason
        .map(|r| format!(" ({})", r.as_str().replace('_', " ")))
        .unwrap_or_default();
    let estimate = chars4(&it.text);
    vec![
        Line::from(vec![
            styled(format!("{:<11}", "decision"), t.muted()),
            styled(
                format!("{}{reason}", it.decision.as_str()),
                t.decision(it.decision),
            ),
        ]),
        field("source", il(&source_of(it, v, s))),
        field(
            "timestamp",
            it.timestamp.as_ref().map_or("—".into(), fmt_ts),
        ),
        field("score", {
            let f = crate::engine::shown_factor;
            format!(
                "{} relevance × {} recency = {}",
                f(it.relevance, 3),
                f(it.multiplier, 2),
                f(it.score, 3)
            )
        }),
        field(
            "tokens",
            format!(
                "{} exact ({}) · {} by chars/4 ({}{})",
                super::num(it.tokens),
                a.tokenizer,
                super::num(estimate),
                if estimate >= it.tokens { "+" } else { "−" },
                super::num(estimate.abs_diff(it.tokens))
            ),
        ),
        field(
            "in prompt",
            format!("{} tokens", super::num(it.kept_tokens)),
        ),
    ]
}

/// The rows describing `row`, `width` cells wide: fields, then the whole text (made inert), or
/// the text cut into its tokens when the token view is on. Wrapped here, so the overlay scrolls
/// through exactly the rows it draws.
pub(crate) fn lines(
    row: LayerRow,
    s: &State,
    v: &UserView,
    a: &Assembly,
    t: &Theme,
    width: usize,
) -> Rows {
    let it = match row {
        LayerRow::Item(it) => it,
        LayerRow::Malformed(m, _) => return Rows::of(wrap::all_rows(&malformed(m, t), width)),
    };
    let field = |k: &str, v: String| field(t, k, v);
    let mut out = fields(it, s, v, a, t);
    let src = TokenSource {
        counter: &s.session.engine.tokens,
        tokenizer: a.tokenizer,
        view: s.ui.tokens,
        redact: s.ui.redact,
        marker: &s.session.policy.truncate_marker,
        keys: (
            super::key_of(s, &crate::app::Action::ToggleTokens),
            super::key_of(s, &crate::app::Action::ToggleTokenIds),
        ),
    };
    if let Some(c) = tokens::cut(it, &src) {
        out.push(field("cut", c));
    }
    out.extend(duplicate_lines(it, a, t));
    out.push(Line::from(""));
    let mut head = field_rows(&out, width);
    if s.ui.tokens.on {
        head.extend(tokens::lines(it, &src, t, width));
        return Rows::of(head);
    }
    Rows {
        head,
        body: text_rows(it, t, width),
    }
}

/// An item's rows: its fields, then its text, wrapped once per text and width (a text of
/// megabytes, which a snapshot file may hold, is not wrapped again at every frame).
pub(crate) struct Rows {
    head: Vec<Line<'static>>,
    body: Rc<Vec<Line<'static>>>,
}

impl Rows {
    fn of(head: Vec<Line<'static>>) -> Self {
        Rows {
            head,
            body: Rc::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.head.len() + self.body.len()
    }

    /// Rows `skip..skip + take`.
    pub(crate) fn window(&self, skip: usize, take: usize) -> Vec<Line<'static>> {
        self.head
            .iter()
            .chain(self.body.iter())
            .skip(skip)
            .take(take)
            .cloned()
            .collect()
    }
}

/// What an item's text rows are made of: a hash of the whole text (and of what a truncation
/// kept), the width and the styles of the labels. Hashing is a small part of wrapping (tens of
/// milliseconds for 50 MB, against seconds), and two texts that differ anywhere are told apart.
#[derive(PartialEq)]
struct TextKey {
    texts: u64,
    width: usize,
    styles: [ratatui::style::Style; 2],
}

thread_local! {
    /// The last two texts' rows: the Layers preview and the overlay over it draw the same
    /// item at two widths in one frame.
    static TEXT_ROWS: std::cell::RefCell<Vec<(TextKey, Rc<Vec<Line<'static>>>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The item's text as rows (and what a truncation kept of it, first), kept for the next frame.
pub(super) fn text_rows(it: &Item, t: &Theme, width: usize) -> Rc<Vec<Line<'static>>> {
    use std::hash::{Hash, Hasher};
    let kept = it.kept_text.as_deref();
    let styles = [t.decision(Decision::Truncated), t.muted()];
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&it.text, kept).hash(&mut h);
    let key = TextKey {
        texts: h.finish(),
        width,
        styles,
    };
    TEXT_ROWS.with_borrow_mut(|memo| {
        if let Some((_, rows)) = memo.iter().find(|(k, _)| *k == key) {
            return rows.clone();
        }
        let mut out = Vec::new();
        if let Some(kept) = kept {
            out.push(Line::styled("truncated to:", styles[0]));
            out.extend(inert_lines(kept));
            out.push(Line::from(""));
            out.push(Line::styled("full text:", styles[1]));
        }
        // Masked when loaded under --redact.
        out.extend(inert_lines(&it.text));
        let rows = Rc::new(field_rows(&out, width));
        if memo.len() == 2 {
            memo.remove(0);
        }
        memo.push((key, rows.clone()));
        rows
    })
}

/// How wide a field's name is (`source     `).
const FIELD: usize = 11;

/// `lines` as rows `width` cells wide; a field's value wraps under itself, not under its name.
fn field_rows(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthStr;
    let blank = [ratatui::text::Span::raw(" ".repeat(FIELD))];
    lines
        .iter()
        .flat_map(|l| match l.spans.split_first() {
            Some((name, value)) if !value.is_empty() && name.content.width() == FIELD => {
                let value = Line::from(value.to_vec()).style(l.style);
                wrap::hanging(std::slice::from_ref(name), &blank, &value, width)
            }
            _ => wrap::rows(l, width),
        })
        .collect()
}

/// `copy of   s1#6 (session) · near, Jaccard 0.75 · 125 tokens spent on it`, and the items
/// that copy this one.
fn duplicate_lines(it: &Item, a: &Assembly, t: &Theme) -> Vec<Line<'static>> {
    let field = |k: &str, v: String| field(t, k, v);
    let mut out = Vec::new();
    if let Some(p) = a.duplicates.iter().find(|p| p.id == it.id) {
        let how = match p.kind {
            crate::engine::dedupe::Match::Exact => "exact".to_string(),
            crate::engine::dedupe::Match::Near => format!(
                "near, Jaccard {}",
                crate::engine::dedupe::shown_similarity(p.similarity)
            ),
        };
        let cost = if p.removed {
            "removed by dedupe".to_string()
        } else {
            format!("{} tokens spent on it", p.spent)
        };
        out.push(field(
            "copy of",
            format!("{} ({}) · {how} · {cost}", il(&p.of), il(&p.of_layer)),
        ));
    }
    let copies: Vec<String> = a
        .duplicates
        .iter()
        .filter(|p| p.of == it.id)
        .map(|p| format!("{} ({})", il(&p.id), il(&p.layer)))
        .collect();
    if !copies.is_empty() {
        out.push(field("copied by", copies.join(", ")));
    }
    out
}

fn malformed(m: &Malformed, t: &Theme) -> Vec<Line<'static>> {
    let field = |k: &str, v: &str| {
        Line::from(vec![
            styled(format!("{k:<11}"), t.muted()),
            styled(il(v), t.base()),
        ])
    };
    vec![
        Line::styled("⚠ malformed: not read", t.error()),
        field("item", m.id.as_deref().unwrap_or("—")),
        field("source", &m.source),
        Line::from(vec![
            styled(format!("{:<11}", "reason"), t.muted()),
            styled(il(&m.reason), t.error()),
        ]),
        Line::from(""),
        Line::styled("The rest of the user is assembled without it.", t.muted()),
    ]
}

/// The overlay: the selected row in full, scrolled to `scroll`.
pub fn render(frame: &mut Frame, s: &State, t: &Theme, scroll: usize) {
    let Some(v) = &s.user.view else { return };
    let Some(a) = &v.tuned else { return };
    let Some(row) = selected_row(s, a) else {
        return;
    };
    let area = layout::item_popup(s.ui.size);
    let name = match row {
        LayerRow::Item(it) => format!("{} · {}", it.id, it.layer),
        LayerRow::Malformed(m, _) => format!("{} · malformed", m.id.as_deref().unwrap_or("—")),
    };
    let rows = lines(row, s, v, a, t, usize::from(area.width.saturating_sub(2)));
    let total = rows.len();
    let area = layout::fitted(area, total);
    clear(frame, area, t);
    // Where the scroll keys stop: the last row drawn.
    s.ui.item_rows.set(total);
    let height = usize::from(area.height.saturating_sub(2));
    let scroll = scroll.min(total.saturating_sub(height));
    // An unreadable row has no text to cut into tokens.
    let tokens = match row {
        // What the key does now: to the tokens, or back to the text.
        LayerRow::Item(_) => super::key_hint(
            s,
            &crate::app::Action::ToggleTokens,
            "T",
            if s.ui.tokens.on {
                "plain text"
            } else {
                "tokens"
            },
        ),
        LayerRow::Malformed(..) => String::new(),
    };
    let head = format!(
        " {} · {}",
        il(&name),
        super::span((scroll + 1).min(total), (scroll + height).min(total), total),
    );
    let copy = super::key_hint(s, &crate::app::Action::Yank, "y", "copy");
    let title = fitted_title(
        &head,
        [&scroll_hint(s), &tokens, &copy, &super::close_hint(s)],
        usize::from(area.width.saturating_sub(4)),
    );
    let shown = rows.window(scroll, height);
    frame.render_widget(Paragraph::new(shown).block(block(title, true, t)), area);
}
/// The item overlay's title in `room` columns: its hints give way, least needed first, before
/// the title is cut (with `…`), so `esc` stays in sight.
pub(super) fn fitted_title(
    head: &str,
    [scroll, tokens, copy, close]: [&str; 4],
    room: usize,
) -> String {
    super::first_that_fits(
        [
            format!("{head}{scroll}{tokens}{copy}{close} "),
            format!("{head}{tokens}{copy}{close} "),
            format!("{head}{close} "),
        ],
        head,
        room,
    )
}

/// ` · j/k scroll`, from the keymap in use.
pub(super) fn scroll_hint(s: &State) -> String {
    match scroll_keys(s).as_str() {
        "" => String::new(),
        keys => format!(" · {keys} scroll"),
    }
}

/// `j/k`, the keys that scroll, from the keymap in use (empty when neither is bound).
pub(super) fn scroll_keys(s: &State) -> String {
    use crate::app::Action;
    super::pair_keys(s, (&Action::Down, "j"), (&Action::Up, "k")).unwrap_or_default()
}
