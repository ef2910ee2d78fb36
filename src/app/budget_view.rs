//! The Budget screen's layer rows as data: per layer its bar's figures, then what it wants and
//! what more room would keep, wrapped to the screen's width, which the screen draws
//! (`ui::budget`) and whose height its scrolling needs (`update::nav`).

use crate::engine::assembly::LayerReport;
use crate::engine::{Assembly, FitMargin, Item, Margins, Reason};

/// One row of the layer budgets pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GaugeRow {
    /// A layer's bar: its name, tokens used, its budget.
    Bar {
        layer: String,
        used: usize,
        budget: usize,
    },
    /// A row of what the layer wants (`margin` false) or of its margins (true), under the bar.
    Note { text: String, margin: bool },
}

/// How far the notes are indented under a bar (the layer name's column).
pub const INDENT: usize = 12;

/// The rows of the layer budgets pane, `width` columns inside its frame.
pub fn rows(a: &Assembly, margins: Option<&Margins>, width: usize) -> Vec<GaugeRow> {
    let text_w = width.saturating_sub(INDENT).max(20);
    let mut out = Vec::new();
    for (name, l) in a.layers.iter() {
        out.push(GaugeRow::Bar {
            layer: name.to_string(),
            used: l.used,
            budget: l.budget as usize,
        });
        let notes = [
            Some((demand(a, name, l), false)),
            margins
                .and_then(|m| m.layers.iter().find(|lm| lm.name == name))
                .map(|m| (margin_line(m), true)),
        ];
        for (text, margin) in notes.into_iter().flatten() {
            out.extend(
                crate::text::wrap_words(&text, text_w)
                    .into_iter()
                    .map(|text| GaugeRow::Note { text, margin }),
            );
        }
    }
    // What could not be read is in no layer's demand: said, so "fits" is not read as "all".
    if !a.malformed.is_empty() {
        let text = format!(
            "{} unreadable, in no layer's demand: Layers lists {}",
            crate::text::count(a.malformed.len() as u64, "entry", "entries"),
            if a.malformed.len() == 1 { "it" } else { "them" },
        );
        out.extend(
            crate::text::wrap_words(&text, text_w)
                .into_iter()
                .map(|text| GaugeRow::Note {
                    text,
                    margin: false,
                }),
        );
    }
    out
}

fn num(n: usize) -> String {
    crate::report::format::thousands(n as f64, 0)
}

fn il(text: &str) -> String {
    crate::text::inert_line(text).into_owned()
}

/// The items of `layer` that reached the budget fit (not filtered before it), in fit order:
/// score, then newest, then id (SPEC §3.5).
fn reached_fit<'a>(a: &'a Assembly, layer: &str) -> Vec<&'a Item> {
    let mut items: Vec<&Item> = a
        .items
        .iter()
        .filter(|i| i.layer == layer && i.reason.is_none_or(Reason::is_budget))
        .collect();
    items.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| y.timestamp.cmp(&x.timestamp))
            .then_with(|| x.id.cmp(&y.id))
    });
    items
}

/// `wants 8,578, has 2,000`, what the layer lost and to what.
fn demand(a: &Assembly, layer: &str, l: &LayerReport) -> String {
    let wants: usize = reached_fit(a, layer).iter().map(|i| i.tokens).sum();
    let items: Vec<&Item> = a.layer_items(layer).collect();
    // Counted as Layers counts them: truncated and cut apart.
    let n = a.counts(layer);
    let mut filtered: Vec<String> = Vec::new();
    for r in [
        Reason::MaxItems,
        Reason::BelowThreshold,
        Reason::OtherMilestone,
        Reason::OverLimit,
        Reason::Duplicate,
    ] {
        let n = items.iter().filter(|i| i.reason == Some(r)).count();
        if n > 0 {
            filtered.push(format!(
                "{} {}",
                crate::text::thousands(n as f64, 0),
                r.as_str().replace('_', " ")
            ));
        }
    }
    let mut fits = match (n.truncated, n.cut) {
        (0, 0) if n.global == 0 => "everything that reached the budget fits".to_string(),
        (0, 0) => "the layer's budget fits everything".to_string(),
        (0, cut) => format!("{cut} cut by the budget"),
        (t, 0) => format!("{t} truncated by the budget"),
        (t, cut) => format!("{t} truncated · {cut} cut by the budget"),
    };
    if n.global > 0 {
        // Kept by the layer's fit, then dropped by the pass that fits every layer into T.
        fits.push_str(&format!(" · {} dropped by the global pass", n.global));
    }
    let filters = if filtered.is_empty() {
        String::new()
    } else {
        format!(" · dropped before the budget: {}", filtered.join(", "))
    };
    format!(
        "wants {}, has {} · {fits}{filters}",
        num(wants),
        num(l.budget as usize)
    )
}

/// An item id as a margin names it: inert, and a long one cut in its middle (its end, `#6`,
/// is what tells items apart).
fn short_id(id: &str) -> String {
    crate::text::fit_middle(id, 40)
}

/// The layer's exact margins: what one more token at a time admits, what fewer lose, where a
/// `stop` fit ended and the budget that keeps everything (see `engine::margins`).
pub fn margin_line(m: &FitMargin) -> String {
    let mut parts = Vec::new();
    // What the global pass to T undoes of the layer's fit is said with it.
    let undone = |yes: bool, what: &str| {
        if yes {
            format!(" ({what} at T)")
        } else {
            String::new()
        }
    };
    if let Some(step) = &m.next_in {
        parts.push(format!(
            "+{} admits {}{}",
            num(step.tokens),
            short_id(&step.id),
            if m.next_in_truncated {
                " (as its layer truncated it)".to_string()
            } else {
                undone(m.global_cut.next_in, "then dropped by the global pass")
            }
        ));
    }
    // A truncated blocker leaves the prompt before any item kept in full is lost.
    if let Some(step) = &m.truncated_out {
        parts.push(format!(
            "−{} drops truncated {}",
            num(step.tokens),
            short_id(&step.id)
        ));
    }
    if let Some(step) = &m.first_out {
        parts.push(format!(
            "−{} loses {}",
            num(step.tokens),
            short_id(&step.id)
        ));
    }
    if let Some(b) = &m.blocker
        && b.behind > 0
    {
        parts.push(format!(
            "{} blocks {} more ({} tokens)",
            short_id(&b.id),
            b.behind,
            num(b.behind_tokens)
        ));
    }
    if m.next_in.is_some() {
        parts.push(format!(
            "all {} at {}{}",
            m.entered,
            num(m.keeps_all_at),
            undone(m.global_cut.keeps_all, "some then cut by the global pass")
        ));
    }
    if parts.is_empty() {
        return "margin: nothing reached the fit".into();
    }
    format!("margin: {}", parts.join(" · "))
}

/// The global pass's margin (layer budgets held), and the total that keeps every candidate.
pub fn global_line(m: &Margins) -> String {
    let all = match m.total_for_all {
        Some(t) => format!("budget.total {} keeps every candidate", num(t as usize)),
        None => "a layer's cap or zero weight keeps some candidate out at any total".into(),
    };
    let pass = margin_line(&m.global).replacen("margin: ", "global pass: ", 1);
    format!("{pass} · {all}")
}

/// The global pass's line under the stacked total, wrapped to `width` columns.
pub fn global_rows(m: Option<&Margins>, width: usize) -> Vec<String> {
    m.map(|m| crate::text::wrap_words(&global_line(m), width.max(20)))
        .unwrap_or_default()
}

/// Each layer's fill in the stacked total, so the bar reads without colour too (past six
/// layers the legend, in the bar's order left to right, tells them apart).
pub const FILLS: [&str; 6] = ["█", "▓", "▒", "▚", "▞", "▖"];

/// The stacked total's legend in rows of `width` columns: per entry the layer's index and its
/// text (`█ session 549`).
pub fn legend(a: &Assembly, width: usize) -> Vec<Vec<(usize, String)>> {
    use unicode_width::UnicodeWidthStr;
    let mut rows: Vec<Vec<(usize, String)>> = vec![];
    let mut used = 0;
    for (i, (name, l)) in a.layers.iter().enumerate() {
        let entry = format!("{} {} {}", FILLS[i % FILLS.len()], il(name), num(l.used));
        let w = entry.width() + 2;
        match rows.last_mut() {
            Some(row) if used + w <= width => row.push((i, entry)),
            _ => {
                rows.push(vec![(i, entry)]);
                used = 0;
            }
        }
        used += w;
    }
    rows
}

/// The Budget screen laid out on `body` for the open user's tuned assembly: the layer budgets
/// pane (scrolled when its rows do not fit), the total (bar, legend, the global pass), and the
/// estimator drift, which gives its rows up first (`None`).
pub struct Budget {
    pub gauges: ratatui::layout::Rect,
    pub rows: Vec<GaugeRow>,
    pub total: ratatui::layout::Rect,
    pub legend: Vec<Vec<(usize, String)>>,
    pub global: Vec<String>,
    pub drift: Option<ratatui::layout::Rect>,
}

/// The fewest rows the drift pane is drawn in (frame included).
const DRIFT_LEAST: u16 = 3;

pub fn layout(a: &Assembly, margins: Option<&Margins>, body: ratatui::layout::Rect) -> Budget {
    use ratatui::layout::{Constraint, Layout};
    let inner = usize::from(body.width.saturating_sub(2));
    let rows = rows(a, margins, inner);
    let global = global_rows(margins, inner);
    let legend = legend(a, inner);
    let total_h = (3 + legend.len() + global.len()).min(usize::from(u16::MAX)) as u16;
    let want = u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let room = body.height.saturating_sub(total_h);
    let (gauges_h, drift) = if want.saturating_add(DRIFT_LEAST) <= room {
        (want, true)
    } else {
        (room, false)
    };
    let [gauges, total, rest] = Layout::vertical([
        Constraint::Length(gauges_h),
        Constraint::Length(total_h),
        Constraint::Min(0),
    ])
    .areas(body);
    Budget {
        gauges,
        rows,
        total,
        legend,
        global,
        drift: drift.then_some(rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::margins::Step;

    /// A long item id in a margin is cut in its middle: the `#6` that tells it apart stays.
    #[test]
    fn a_margin_cuts_a_long_id_in_its_middle() {
        let id = format!("{}#6", "s".repeat(5_000));
        let m = FitMargin {
            name: "session".into(),
            budget: 100,
            entered: 3,
            keeps_all_at: 270,
            next_in: Some(Step {
                id: id.clone(),
                tokens: 170,
            }),
            first_out: None,
            blocker: None,
            global_cut: Default::default(),
            next_in_truncated: false,
            truncated_out: None,
        };
        let line = margin_line(&m);
        assert!(line.starts_with("margin: +170 admits sss"), "{line}");
        assert!(line.contains("…sss"), "{line}");
        assert!(line.contains("#6 · all 3 at 270"), "{line}");
        assert!(line.chars().count() < 100, "{line}");
    }
}
