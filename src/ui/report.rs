//! The Report screen: the fleet summary for the tuned policy against the baseline, answer first
//! (`crate::app::report_view` lays the lines out), with a cursor: `enter` on a most-affected
//! user opens that user's tune diff.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{block, center_message, styled};
use crate::app::layout::{offset, pane_rows};
use crate::app::report_view::{Tone, lines};
use crate::app::state::State;
use crate::engine::Decision;

pub fn render(frame: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let running = s.report.running.is_some();
    let Some(summary) = &s.report.summary else {
        center_message(frame, area, " Report ", no_summary(s, t), t);
        return;
    };
    let all = lines(summary);
    let height = pane_rows(area);
    let width = usize::from(area.width.saturating_sub(2));
    let wide = all.iter().any(|l| l.width() > width);
    let cursor = s.report.cursor.min(all.len().saturating_sub(1));
    let first = offset(cursor, height.max(1), all.len());
    let mut shown: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, l)| {
            // Only a line wider than the pane scrolls sideways, and no further than its own
            // end: one that fits stays whole (every row of a table is as wide as its others).
            let left = s.report.left.min(l.overflow(width));
            let line = report_line(l, left, width, t);
            if i == cursor {
                super::selected_line(line, t)
            } else {
                line
            }
        })
        .collect();
    let stale = s.report.computed_for.as_deref()
        != Some(&(s.session.policy.clone(), s.session.baseline.clone()));
    if (stale || s.report.failed.is_some()) && !shown.is_empty() {
        let old = s.report.shown_for.as_deref()
            != Some(&(s.session.policy.clone(), s.session.baseline.clone()));
        shown[0] = stale_note(s, t, old);
    }
    // The fleet is replayed as it is now, whatever moment the open user is shown at or the
    // app was opened at (`tui --at`).
    let of_now = if s.shown_at().is_some() || s.user.at.is_some() {
        "fleet of now · "
    } else {
        ""
    };
    let title = if running {
        format!(" Report · {of_now}computing… ")
    } else {
        // Nothing tuned: the baseline against itself, said so rather than "tuned vs".
        let which = if s.modified() {
            "tuned vs baseline"
        } else {
            "baseline (nothing tuned)"
        };
        format!(
            " Report · {of_now}{which} · {} · line {}/{}{} ",
            crate::text::count(summary.users, "user", "users"),
            cursor + 1,
            all.len(),
            if wide { " · h/l sideways" } else { "" }
        )
    };
    let title = super::title_in(&title, area);
    frame.render_widget(Paragraph::new(shown).block(block(title, true, t)), area);
}

/// What the screen says before there is a summary: computing, why it failed, or why it has
/// not started.
fn no_summary(s: &State, t: &Theme) -> Vec<Line<'static>> {
    match (&s.report.failed, s.report.running.is_some()) {
        (_, true) => vec![Line::styled(
            "Replaying every user under the tuned and the baseline policy…",
            t.muted(),
        )],
        (Some(why), false) => vec![
            Line::styled("The report could not be computed:", t.error()),
            Line::styled(super::il(why), t.error()),
            Line::styled(
                "It runs again when the stores are back, or after R.",
                t.muted(),
            ),
        ],
        (None, false) => match s.status.stores.iter().find(|st| !st.up) {
            // Not started while a store is down: it would fail.
            Some(down) => vec![Line::styled(
                format!(
                    "{} {} is down: the report runs when it is back.",
                    super::il(&down.name),
                    super::il(&down.host)
                ),
                t.error(),
            )],
            None => vec![Line::styled("No report yet.", t.muted())],
        },
    }
}

fn tone_style(tone: Tone, t: &Theme) -> ratatui::style::Style {
    match tone {
        Tone::Plain => t.base(),
        Tone::Pass => t.decision(Decision::Kept),
        Tone::Fail => t.decision(Decision::Dropped),
        Tone::Dim => t.muted(),
        Tone::Bold => t.title(),
    }
}

/// One line of the report in `width` columns, scrolled `left` columns sideways. A table's
/// first column stays; the rest scrolls beside it. In a line wider than the pane, a first column
/// wider than two fifths of it (a long user id) is cut in its middle to that, so the figures
/// beside it always show (a line that fits is shown whole); a
/// row with nothing beside it (a caveat's sentence) keeps the whole width.
fn report_line(
    l: &crate::app::report_view::ReportLine,
    left: usize,
    width: usize,
    t: &Theme,
) -> Line<'static> {
    let cells: Vec<(String, Tone)> = l
        .cells
        .iter()
        .map(|(text, tn)| (super::il(text), *tn))
        .collect();
    // Prose (a heading, a verdict, a caveat) and a table of one column have nothing to keep in
    // place: the whole line moves (only when it is cut: one that fits is never scrolled).
    if l.frozen == 0 || l.cells.len() <= l.frozen {
        let spans: Vec<Span> = window(&cells, left, width, true)
            .into_iter()
            .map(|(c, tn)| styled(c, tone_style(tn, t)))
            .collect();
        return Line::from(spans);
    }
    let (kept, rest) = cells.split_at(l.frozen.min(cells.len()));
    let cap = (width * 2 / 5).max(12);
    let kept: Vec<(String, Tone)> = match kept {
        [(c, tn)]
            if !rest.is_empty()
                && l.width() > width
                && unicode_width::UnicodeWidthStr::width(c.as_str()) > cap =>
        {
            let cut = crate::text::fit_middle(c.trim_end(), cap.saturating_sub(2));
            vec![(crate::text::pad(&cut, cap), *tn)]
        }
        _ => kept.to_vec(),
    };
    let kept_w: usize = kept
        .iter()
        .map(|(c, _)| unicode_width::UnicodeWidthStr::width(c.as_str()))
        .sum();
    let spans: Vec<Span> = kept
        .iter()
        .cloned()
        .chain(window(rest, left, width.saturating_sub(kept_w), false))
        .map(|(text, tn)| styled(text, tone_style(tn, t)))
        .collect();
    Line::from(spans)
}

/// The first row when the figures are not the current policies': computing again, or why not.
/// Only said to be computing while a run is under way: a run that failed says why, and the
/// figures below are named the previous policies'.
fn stale_note(s: &State, t: &Theme, old_policies: bool) -> Line<'static> {
    // A store down holds the run back (`R` at an outage): said, naming it, not a policy change.
    let down: Vec<String> = s
        .status
        .stores
        .iter()
        .filter(|st| !st.up)
        .map(|st| format!("{} {}", st.name, st.host))
        .collect();
    if s.report.running.is_none() && s.report.failed.is_none() && !down.is_empty() {
        return Line::styled(
            format!(
                "{} down: figures as last read, computed again once back",
                crate::text::inert_line(&down.join(", "))
            ),
            t.warning(),
        );
    }
    match (&s.report.running, &s.report.failed) {
        (Some(_), _) if old_policies => {
            Line::styled("policies changed since: computing again…", t.accent())
        }
        (Some(_), _) => Line::styled("figures as last read: computing again…", t.accent()),
        (None, Some(why)) => Line::styled(
            format!(
                "{}: computing again failed (R retries): {}",
                if old_policies {
                    "figures of the previous policies"
                } else {
                    "figures as last read"
                },
                crate::text::preview(why, 80)
            ),
            t.warning(),
        ),
        (None, None) => Line::styled(
            "policies changed since: figures of the previous policies",
            t.warning(),
        ),
    }
}

/// The columns `left..left + width` of a line of cells: a `…` stands for what is cut on either
/// side, so a cut number never reads as another.
fn window(cells: &[(String, Tone)], left: usize, width: usize, prose: bool) -> Vec<(String, Tone)> {
    use unicode_width::UnicodeWidthStr;
    let total: usize = cells.iter().map(|(t, _)| t.width()).sum();
    // A row padded to the table's width ends in blanks: only what is written past the window
    // is cut (a `…` over padding would say text is hidden where none is).
    let mut blank_end = 0;
    for (text, _) in cells.iter().rev() {
        let trimmed = text.trim_end_matches(' ');
        blank_end += text.len() - trimmed.len();
        if !trimmed.is_empty() {
            break;
        }
    }
    let written = total - blank_end;
    if width == 0 || total == 0 || (left == 0 && written <= width) {
        return cells.to_vec();
    }
    let cut_left = left > 0;
    let cut_right = written > left + width;
    // The columns shown between the marks.
    let from = left + usize::from(cut_left);
    let to = (left + width).min(total) - usize::from(cut_right);
    let mut out: Vec<(String, Tone)> = Vec::new();
    if cut_left {
        out.push(("…".into(), Tone::Dim));
    }
    // A table's cell is shown whole or not at all (blank where its visible part was): a number
    // cut at the window's edge would read as another number (`478.0` as `8.0`). Prose, and a
    // text wider than the window (never seen whole), show what is in it.
    let mut col = 0;
    for (text, tone) in cells {
        let (start, end) = (col, col + text.width());
        col = end;
        if start >= from && end <= to {
            out.push((text.clone(), *tone));
        } else if end > from && start < to {
            let (a, b) = (start.max(from) - start, end.min(to) - start);
            let figure = text
                .trim()
                .chars()
                .all(|c| c.is_ascii_digit() || ".,%+-−×Δ ".contains(c));
            if prose || (end - start > to - from && !figure) {
                out.push((columns(text, a, b), *tone));
            } else {
                out.push((" ".repeat(b - a), Tone::Plain));
            }
        }
    }
    if cut_right {
        out.push(("…".into(), Tone::Dim));
    }
    out
}

/// Columns `from..to` of `text`: a character of two columns cut by an edge is a blank.
fn columns(text: &str, from: usize, to: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;
    let (mut out, mut col) = (String::new(), 0);
    for g in text.graphemes(true) {
        let (start, end) = (col, col + g.width());
        col = end;
        if start >= from && end <= to {
            out.push_str(g);
        } else if end > from && start < to {
            out.push_str(&" ".repeat(end.min(to) - start.max(from)));
        }
        if col >= to {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Tone, window};

    /// A row with nothing beside its first cell (a caveat's sentence) takes the whole width,
    /// not the two fifths a table's first column keeps beside its figures.
    #[test]
    fn a_lone_first_cell_takes_the_whole_width() {
        let sentence = "snapshot files hold only the hits each user's search returned: rows never \
                        retrieved cannot be known from them, so only rows retrieved but never kept \
                        are shown";
        let line = crate::app::report_view::ReportLine {
            cells: vec![(format!("  {sentence}"), Tone::Plain)],
            user: None,
            frozen: 1,
        };
        let shown = super::report_line(&line, 0, 200, &crate::ui::theme::Theme::default());
        assert_eq!(shown.to_string(), format!("  {sentence}"));
        let narrow = super::report_line(&line, 0, 116, &crate::ui::theme::Theme::default());
        let text = narrow.to_string();
        assert!(text.starts_with("  snapshot files hold only the hits each user's search returned: rows never retrieved"), "{text}");
        assert!(
            text.ends_with('…') && unicode_width::UnicodeWidthStr::width(text.as_str()) == 116,
            "{text}"
        );
    }

    /// Prose (a heading, a verdict, a caveat) that fits is never scrolled (the screen scrolls
    /// only lines wider than the pane); one cut at the pane's edge moves sideways with the
    /// tables, so all of it can be read.
    #[test]
    fn prose_moves_sideways_only_when_it_is_cut() {
        let line = crate::app::report_view::ReportLine {
            cells: vec![
                ("Targets: ".to_string(), Tone::Bold),
                ("FAILING truncation_rate".to_string(), Tone::Fail),
            ],
            user: None,
            frozen: 0,
        };
        let theme = crate::ui::theme::Theme::default();
        let shown = super::report_line(&line, 0, 40, &theme).to_string();
        assert_eq!(shown, "Targets: FAILING truncation_rate");
        assert_eq!(line.overflow(40), 0);
        assert_eq!(line.overflow(20), 12);
        let cut = super::report_line(&line, 0, 20, &theme).to_string();
        assert_eq!(cut, "Targets: FAILING tr…");
        let moved = super::report_line(&line, 5, 20, &theme).to_string();
        assert_eq!(moved, "…s: FAILING truncat…");
        // A table row that fits is whole, its first column too (however wide).
        let row = crate::app::report_view::ReportLine {
            cells: vec![
                (
                    "  hit rate (a cache and its context present)".to_string(),
                    Tone::Plain,
                ),
                ("  61.1 %".to_string(), Tone::Pass),
            ],
            user: None,
            frozen: 1,
        };
        let whole = super::report_line(&row, 0, 78, &theme).to_string();
        assert_eq!(
            whole,
            "  hit rate (a cache and its context present)  61.1 %"
        );
        let end = super::report_line(&line, 12, 20, &theme).to_string();
        assert_eq!(end, "…ING truncation_rate");
        // A table of one column (the unreadable items: each a sentence) moves the same way.
        let lone = crate::app::report_view::ReportLine {
            cells: vec![(
                "  u066: session:u066:s2[1]: not JSON".to_string(),
                Tone::Plain,
            )],
            user: None,
            frozen: 1,
        };
        assert_eq!(lone.overflow(20), 16);
        let moved = super::report_line(&lone, 16, 20, &theme).to_string();
        assert_eq!(moved, "…066:s2[1]: not JSON");
    }

    #[test]
    fn a_wide_line_is_cut_with_marks_on_the_sides_it_goes_on() {
        let cells = vec![
            ("M0   ".to_string(), Tone::Plain),
            ("554.4  ".to_string(), Tone::Plain),
            ("61.1 %".to_string(), Tone::Pass),
        ];
        let shown = |left, width| -> String {
            window(&cells, left, width, false)
                .into_iter()
                .map(|(t, _)| t)
                .collect()
        };
        assert_eq!(shown(0, 40), "M0   554.4  61.1 %");
        // A cell at an edge is blank, never part of its number (`54.4` would read as a value).
        assert_eq!(shown(0, 14), "M0   554.4   …");
        assert_eq!(shown(5, 13), "…      61.1 %");
        assert_eq!(shown(3, 8), "…      …");
        // A text wider than the window is never seen whole: what the window holds of it shows.
        let long = [
            ("ab".to_string(), Tone::Plain),
            ("0123456789ABCDEFGHIJ".to_string(), Tone::Plain),
        ];
        let part: String = window(&long, 4, 10, false)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(part, "…3456789A…");
        assert!(
            window(&[(String::new(), Tone::Plain)], 8, 20, false)
                .iter()
                .all(|(t, _)| t.is_empty())
        );
        // A row padded past the window: only blanks are past it, so nothing is marked cut.
        let padded = [
            ("u010 ".to_string(), Tone::Plain),
            ("kn:57 knowledge".to_string(), Tone::Plain),
            ("            ".to_string(), Tone::Plain),
        ];
        let shown = |left, width| -> String {
            window(&padded, left, width, false)
                .into_iter()
                .map(|(t, _)| t)
                .collect()
        };
        assert!(!shown(0, 24).contains('…'), "{}", shown(0, 24));
        assert!(
            shown(2, 20).starts_with('…') && !shown(2, 20).ends_with('…'),
            "{}",
            shown(2, 20)
        );
        // Written text past the window still is.
        assert!(shown(0, 12).ends_with('…'), "{}", shown(0, 12));
    }
}
