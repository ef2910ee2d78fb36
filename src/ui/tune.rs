//! The tune screen: policy fields (baseline → tuned), the replay diff per layer and per item,
//! and the equivalent `--set` flags.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::{block, styled};
use crate::app::layout::{offset, table_rows, tune_split};
use crate::app::state::State;
use crate::app::tune;
use crate::engine::Assembly;
use crate::engine::Decision;
use crate::engine::diff::{AssemblyDiff, ChangeKind, ItemChange, diff};

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let (fields, rest) = tune_split(area, s);
    render_fields(frame, fields, s, t);
    // With the `--set`s given at launch first: together they turn `--policy NAME` into the
    // tuned policy.
    let set = tune::all_flags(&s.session.baseline, &s.session.policy);
    // One flag per line, every one shown while the diff keeps its layer table whole and a row
    // of item changes; past that the title says how many there are (`y` copies them all).
    let text = if set.is_empty() {
        "(baseline: no overrides)".to_string()
    } else {
        set.iter()
            .map(|f| super::il(f))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let p = Paragraph::new(text).wrap(Wrap { trim: false });
    let want = p.line_count(rest.width.saturating_sub(2)) + 2;
    // The flags take what the diff's item changes leave, three rows at least (then packed).
    // The replay diff, once per frame: its rows are counted here and drawn below.
    let d = s
        .user
        .view
        .as_ref()
        .and_then(|v| Some(diff(v.baseline.as_ref()?, v.tuned.as_ref()?)));
    let diff_min = crate::app::layout::tune_diff_rows(s, rest.width);
    let diff_wants = diff_min.saturating_add(crate::app::layout::more_change_rows(
        d.as_ref().map_or(0, |d| d.items.len()),
    ));
    let rows = u16::try_from(want)
        .unwrap_or(u16::MAX)
        .min(rest.height.saturating_sub(diff_wants).max(3))
        .min(rest.height.saturating_sub(diff_min).max(3));
    // One per line does not fit: side by side, wrapped, so every flag still shows if it can.
    let (p, want) = if usize::from(rows) < want && set.len() > 1 {
        // Packed whole, two spaces apart: a row never ends on a `--set` without its value.
        let width = usize::from(rest.width.saturating_sub(2)).max(1);
        let mut packed: Vec<String> = Vec::new();
        for f in set.iter().map(|f| super::il(f)) {
            match packed.last_mut() {
                Some(row) if row.width() + 2 + f.width() <= width => {
                    row.push_str("  ");
                    row.push_str(&f);
                }
                _ => packed.push(f),
            }
        }
        let p = Paragraph::new(packed.join("\n")).wrap(Wrap { trim: false });
        let want = p.line_count(rest.width.saturating_sub(2)) + 2;
        (p, want)
    } else {
        (p, want)
    };
    let [diff_area, flags] =
        Layout::vertical([Constraint::Min(diff_min), Constraint::Length(rows)]).areas(rest);
    render_diff(frame, diff_area, s, t, d.as_ref());
    let more = if usize::from(rows) < want {
        format!(
            " · {} flags, {} copies all ",
            set.len(),
            super::key_of(s, &crate::app::Action::Yank)
        )
    } else {
        format!(" · {} copies ", super::key_of(s, &crate::app::Action::Yank))
    };
    let title = format!(
        " Equivalent flags · policy {}{more}",
        super::il(&s.session.baseline.name)
    );
    frame.render_widget(p.block(block(title, false, t)), flags);
}

fn render_fields(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let fields = tune::fields(&s.session.policy);
    let height = table_rows(area);
    let first = offset(s.tune.cursor, height, fields.len());
    let rows: Vec<Row> = fields
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, f)| {
            let base = tune::shown(&s.session.baseline, &f.key);
            let now = tune::shown(&s.session.policy, &f.key);
            let changed = base != now;
            let selected = i == s.tune.cursor;
            let cell = |text: String, style: ratatui::style::Style| {
                if selected {
                    Line::from(text)
                } else {
                    Line::styled(text, style)
                }
            };
            let mark = if changed { "● " } else { "  " };
            let row = Row::new(vec![
                cell(format!("{mark}{}", super::il(&f.key)), t.base()),
                cell(super::il(&base), t.muted()),
                cell(super::il(&now), if changed { t.accent() } else { t.base() }),
            ]);
            if selected {
                row.style(t.selected())
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(["FIELD (● changed)", "BASELINE", "TUNED"]).style(t.title());
    let value_w = |p: &crate::engine::Policy| {
        u16::try_from(tune::values_width(p, &fields)).unwrap_or(u16::MAX)
    };
    let widths = [
        Constraint::Min(
            fields
                .iter()
                .map(|f| f.key.chars().count() + 2)
                .max()
                .unwrap_or(10) as u16,
        ),
        Constraint::Length(value_w(&s.session.baseline)),
        Constraint::Length(value_w(&s.session.policy)),
    ];
    let room = usize::from(area.width.saturating_sub(4));
    let title = fields_title(s, (first, height, fields.len()), room);
    let b = block(title, true, t);
    frame.render_widget(Table::new(rows, widths).header(header).block(b), area);
}

/// The fields table's title in `room` columns: the policy's name, how many fields changed,
/// which rows show (`first`, `height` of `len`), and the keys when they fit.
fn fields_title(s: &State, (first, height, len): (usize, usize, usize), room: usize) -> String {
    let marker = if s.modified() { "*" } else { "" };
    // The name, how many fields changed (n/N go to them), where the view is when the fields do
    // not all fit; the key hints last, dropped when the title would be cut.
    let (base, now) = (&s.session.baseline, &s.session.policy);
    let changed = match (
        tune::changed_fields(base, now).len(),
        tune::unlisted_changes(base, now).len(),
    ) {
        (0, 0) => String::new(),
        (n, 0) => format!(" · {n} changed{}", next_changed(s)),
        (0, m) => format!(" · {m} changed (in flags)"),
        (n, m) => format!(" · {n} changed{} +{m} in flags", next_changed(s)),
    };
    let place = super::place(first, height, len)
        .map(|p| format!(" · {p}"))
        .unwrap_or_default();
    let head = format!(
        " Tune {}{marker}{changed}{place}",
        super::il(&s.session.policy.name)
    );
    [
        format!(
            "{head}{}{}{} ",
            super::pair_hint(
                s,
                (&crate::app::Action::Left, "left"),
                (&crate::app::Action::Right, "right"),
                "step"
            ),
            super::key_hint(s, &crate::app::Action::Select, "enter", "type"),
            super::key_hint(s, &crate::app::Action::ResetTuning, "r", "reset")
        ),
        format!("{head} "),
    ]
    .into_iter()
    .find(|t| t.chars().count() <= room)
    .unwrap_or_else(|| format!("{head} "))
}

/// The diff pane's own title; the counts follow it in the border on a short pane.
const DIFF_TITLE: &str = " Replay diff (tuned vs baseline) ";

/// The replay diff: the layer table, the weights warning, the kinds of change with their
/// counts, and the item changes from the scroll position.
fn render_diff(frame: &mut Frame, area: Rect, s: &State, t: &Theme, d: Option<&AssemblyDiff>) {
    let b = block(DIFF_TITLE, false, t);
    let (Some(view), Some(d)) = (s.user.view.as_ref(), d) else {
        let msg = if s.user.view.is_some() {
            "counting…"
        } else {
            "Open a user (Users, enter) to see what the tuning changes."
        };
        frame.render_widget(Paragraph::new(msg).style(t.muted()).block(b), area);
        return;
    };
    // Both replays are there: the diff was made of them.
    let (Some(base), Some(tuned)) = (view.baseline.as_ref(), view.tuned.as_ref()) else {
        return;
    };
    let inner = b.inner(area);
    let (tight, warning) = warning_paragraph(s, t, d, inner);
    let n = d.layers.len() as u16 + if tight { 2 } else { 3 };
    let [layers, items] =
        Layout::vertical([Constraint::Length(n), Constraint::Min(1)]).areas(inner);
    frame.render_widget(layer_table(d, (base, tuned), t), layers);
    let mut items = items;
    if let Some(w) = warning {
        let rows = u16::try_from(w.line_count(items.width)).unwrap_or(u16::MAX);
        let [warn, rest] =
            Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(items);
        frame.render_widget(w, warn);
        items = rest;
    }
    // The item changes from the scroll position, as many as fit under the counts.
    let room = usize::from(items.height)
        .saturating_sub(usize::from(!tight))
        .max(1);
    s.tune.diff_rows.set(room);
    let first = s.tune.diff_scroll.min(d.items.len().saturating_sub(1));
    let last = (first + room).min(d.items.len());
    let mut counts = change_counts(d, t, (first, last));
    let mut lines = vec![];
    match (counts.is_empty(), tight) {
        (true, _) => frame.render_widget(b, area),
        (false, true) => {
            counts.insert(0, Span::raw(" "));
            let title = counts_title(counts, area, d, t, (first, last));
            frame.render_widget(b.title(title), area);
        }
        (false, false) => {
            frame.render_widget(b, area);
            lines.push(Line::from(counts));
        }
    }
    if d.items.is_empty() {
        lines.push(Line::styled("no item changes", t.muted()));
    }
    let shown = &d.items[first..last];
    let width = usize::from(items.width);
    let layer = layer_fits(shown, width);
    lines.extend(shown.iter().map(|i| item_line(i, t, layer, width)));
    frame.render_widget(Paragraph::new(lines), items);
}

/// Whether the diff pane is short (`inner` its inside), and the weights warning as it shows
/// there, if the policy has one.
fn warning_paragraph<'a>(
    s: &State,
    t: &Theme,
    d: &AssemblyDiff,
    inner: Rect,
) -> (bool, Option<Paragraph<'a>>) {
    // Under the layer table's budgets, why they do not add up to the total, whole.
    // On a short pane the spacer goes and the counts move into the title, to leave the item
    // changes room; the weights warning is then one line, in fewer words if it must be (its
    // figures whole), cut with `…` only when even that does not fit.
    // Roomy when the spacer, the warning wrapped whole, the counts and a few item changes
    // (up to three) all fit under the layer table.
    let said = tune::weights_warning(&s.session.policy);
    let warning_rows = said.clone().map_or(0, |w| {
        Paragraph::new(w)
            .wrap(Wrap { trim: true })
            .line_count(inner.width)
    });
    let roomy = d.layers.len() + 3 + warning_rows + 1 + d.items.len().clamp(1, 3);
    let tight = usize::from(inner.height) < roomy;
    let warning = said.map(|w| {
        if tight {
            let room = usize::from(inner.width);
            let line = if w.width() <= room {
                w
            } else {
                tune::weights_warning_brief(&s.session.policy).unwrap_or(w)
            };
            Paragraph::new(crate::text::fit(&line, room)).style(t.warning())
        } else {
            Paragraph::new(w)
                .style(t.warning())
                .wrap(Wrap { trim: true })
        }
    });
    (tight, warning)
}

/// The kinds of change there are, with their counts, then which item changes show (`first`
/// to `last`) when they do not all.
fn change_counts(d: &AssemblyDiff, t: &Theme, (first, last): (usize, usize)) -> Vec<Span<'static>> {
    // The kinds of change there are, with their counts.
    let mut counts: Vec<_> = ChangeKind::ALL
        .iter()
        .filter(|k| d.count(**k) > 0)
        .map(|k| {
            let style = kind_style(*k, t);
            styled(format!("{} {}  ", d.count(*k), k.label()), style)
        })
        .collect();
    if first > 0 || last < d.items.len() {
        // One space before the place, not the two between counts.
        if let Some(c) = counts.last_mut() {
            c.content = format!("{} ", c.content.trim_end()).into();
        }
        counts.push(styled(
            format!("· {}–{} of {} (PgDn/PgUp)", first + 1, last, d.items.len()),
            t.muted(),
        ));
    }
    counts
}

/// The counts in the frame's top border after [`DIFF_TITLE`], on a short pane.
fn counts_title(
    mut counts: Vec<Span<'static>>,
    area: Rect,
    d: &AssemblyDiff,
    t: &Theme,
    (first, last): (usize, usize),
) -> Line<'static> {
    // In the frame's top border: the place said briefly when the long form would be
    // cut, and what still does not fit cut with `…`.
    // One column kept for the space that ends a title before the border.
    let room = usize::from(area.width).saturating_sub(5 + DIFF_TITLE.width());
    let wide = |c: &[Span]| c.iter().map(|s| s.content.width()).sum::<usize>();
    if wide(&counts) > room
        && (first > 0 || last < d.items.len())
        && let Some(place) = counts.last_mut()
    {
        *place = styled(
            format!("· {}–{}/{}", first + 1, last, d.items.len()),
            t.muted(),
        );
    }
    let mut title = super::fit_spans(counts, room);
    // One space before the border, not the two that part counts.
    if let Some(last) = title.spans.last_mut() {
        last.content = last.content.trim_end().to_string().into();
    }
    title.spans.push(Span::raw(" "));
    title
}

/// Per layer and in total: budget and use, baseline → tuned, and the change in use.
fn layer_table<'a>(
    d: &AssemblyDiff,
    (base, tuned): (&Assembly, &Assembly),
    t: &Theme,
) -> Table<'a> {
    // Cells as text first, so each column is as wide as its longest figure: none is cut.
    let row = |layer: String, budget: (u32, u32), used: (usize, usize)| {
        let delta = used.1 as i64 - used.0 as i64;
        let n = |v: u32| super::num(v as usize);
        let sign = if delta < 0 { "-" } else { "+" };
        let cells = [
            layer,
            format!("{} → {}", n(budget.0), n(budget.1)),
            format!("{} → {}", super::num(used.0), super::num(used.1)),
            format!("{sign}{}", super::num(delta.unsigned_abs() as usize)),
        ];
        (cells, delta)
    };
    let mut cells: Vec<([String; 4], i64)> = d
        .layers
        .iter()
        .map(|l| row(super::il(&l.layer), l.budget, l.used))
        .collect();
    cells.push(row(
        "total".into(),
        (base.budget.total, tuned.budget.total),
        d.total,
    ));
    let width = |i: usize, min: usize| {
        let w = cells
            .iter()
            .map(|(c, _)| c[i].chars().count())
            .max()
            .unwrap_or(0);
        Constraint::Length(u16::try_from(w.max(min)).unwrap_or(u16::MAX))
    };
    let widths = [width(0, 11), width(1, 14), width(2, 14), width(3, 7)];
    let last = cells.len() - 1;
    let rows: Vec<Row> = cells
        .into_iter()
        .enumerate()
        .map(|(i, ([layer, budget, used, delta], change))| {
            let layer = if i == last {
                Line::styled(layer, t.title())
            } else {
                Line::from(layer)
            };
            Row::new(vec![
                layer,
                Line::from(budget),
                Line::from(used),
                Line::styled(delta, delta_style(change, t)),
            ])
        })
        .collect();
    let header = Row::new(["LAYER", "BUDGET", "USED", "Δ"]).style(t.title());
    Table::new(rows, widths).header(header)
}

/// An item change's tokens before → after and the change (`79 → 0 (-79)`), and why
/// (` (max items)`).
pub(super) fn change_text(i: &ItemChange) -> (String, String) {
    let why = i
        .reason()
        .map(|r| format!(" ({})", r.as_str().replace('_', " ")))
        .unwrap_or_default();
    let (before, after) = i.tokens();
    let delta = after as i64 - before as i64;
    // Grouped as every other figure is (`449,007`).
    let sign = if delta < 0 { "-" } else { "+" };
    (
        format!(
            "{} → {} ({sign}{})",
            super::num(before),
            super::num(after),
            super::num(delta.unsigned_abs() as usize)
        ),
        why,
    )
}

/// Whether every one of `items` fits `width` whole with its layer named: else no row names it
/// (the id does: `s`, `mb:`, `kn:`), so the columns stay lined up and the reasons are read.
fn layer_fits(items: &[ItemChange], width: usize) -> bool {
    items.iter().all(|i| {
        let (change, why) = change_text(i);
        14 + 21 + change.chars().count() + why.chars().count() <= width
    })
}

/// One item change in `width` columns: its kind, id, layer (when `layer`), tokens before →
/// after and why; a reason that does not fit is cut with `…`.
fn item_line<'a>(i: &ItemChange, t: &Theme, layer: bool, width: usize) -> Line<'a> {
    let kind = i.kind();
    let id = if layer {
        format!("{:<10} {:<10}", super::il(&i.id), super::il(&i.layer))
    } else {
        format!("{:<10} ", super::il(&i.id))
    };
    let (change, why) = change_text(i);
    let room = width.saturating_sub(15 + id.chars().count());
    Line::from(vec![
        styled(format!("{:<14} ", kind.label()), kind_style(kind, t)),
        styled(id, t.base()),
        styled(crate::text::fit(&format!("{change}{why}"), room), t.muted()),
    ])
}

fn kind_style(kind: ChangeKind, t: &Theme) -> ratatui::style::Style {
    match kind {
        ChangeKind::NewlyDropped => t.decision(Decision::Dropped),
        ChangeKind::NewlyKept => t.decision(Decision::Kept),
        ChangeKind::NewlyTruncated => t.decision(Decision::Truncated),
        ChangeKind::Resized | ChangeKind::ReasonChanged => t.muted(),
    }
}

fn delta_style(delta: i64, t: &Theme) -> ratatui::style::Style {
    match delta {
        0 => t.muted(),
        d if d < 0 => t.decision(Decision::Dropped),
        _ => t.decision(Decision::Kept),
    }
}

/// ` (n/N)`: the keys that go to the changed fields, from the keymap in use.
fn next_changed(s: &State) -> String {
    use crate::app::Action;
    super::pair_keys(s, (&Action::NextMatch, "n"), (&Action::PrevMatch, "N"))
        .map_or_else(String::new, |k| format!(" ({k})"))
}
