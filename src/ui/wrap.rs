//! Styled lines cut into screen rows where [`crate::text::wrap`] breaks their text, so what is
//! drawn row by row is what the scroll keys count.

use std::ops::Range;

use ratatui::text::{Line, Span};

/// `spans` cut to the bytes `r` of their joined text, each piece keeping its span's style.
pub(crate) fn slice(spans: &[Span<'_>], r: Range<usize>) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut at = 0;
    for span in spans {
        let len = span.content.len();
        let (from, to) = (r.start.max(at), r.end.min(at + len));
        if from < to {
            out.push(Span::styled(
                span.content[from - at..to - at].to_string(),
                span.style,
            ));
        }
        at += len;
    }
    out
}

/// `line` as rows `width` cells wide.
pub(crate) fn rows(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    hanging(&[], &[], line, width)
}

/// `lines` as rows `width` cells wide.
pub(crate) fn all_rows(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| rows(l, width)).collect()
}

/// `body` as rows `width` cells wide behind a gutter: `first` on its first row and `rest` on
/// the others, so a wrapped line keeps its mark or its column under the gutter. The text is
/// wrapped to the room beside the wider of the two, so no row is wider than `width`.
pub(crate) fn hanging(
    first: &[Span<'_>],
    rest: &[Span<'_>],
    body: &Line<'_>,
    width: usize,
) -> Vec<Line<'static>> {
    let wide = |g: &[Span<'_>]| g.iter().map(Span::width).sum::<usize>();
    let gutter = wide(first).max(wide(rest));
    let text: String = body.spans.iter().map(|s| s.content.as_ref()).collect();
    crate::text::wrap(&text, width.saturating_sub(gutter))
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let lead = if i == 0 { first } else { rest };
            let mut spans: Vec<Span<'static>> = lead
                .iter()
                .map(|s| Span::styled(s.content.to_string(), s.style))
                .collect();
            spans.extend(slice(&body.spans, r));
            Line::from(spans).style(body.style)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn plain(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn rows_keep_each_pieces_style_and_the_gutter_hangs() {
        let red = Style::default().fg(Color::Red);
        let line = Line::from(vec![Span::raw("alpha be"), Span::styled("ta gamma", red)]);
        let rows = rows(&line, 10);
        assert_eq!(plain(&rows), ["alpha beta", "gamma"]);
        assert_eq!(rows[0].spans[1], Span::styled("ta", red));
        assert_eq!(rows[1].spans, [Span::styled("gamma", red)]);
        let body = Line::styled("removed words here", red);
        let marked = hanging(&[Span::raw("- ")], &[Span::raw("- ")], &body, 10);
        assert_eq!(plain(&marked), ["- removed", "- words", "- here"]);
        assert!(marked.iter().all(|l| l.style == red));
        let gutter = hanging(&[Span::raw("  30 │ ")], &[Span::raw("     │ ")], &body, 14);
        assert_eq!(
            plain(&gutter),
            ["  30 │ removed", "     │ words", "     │ here"]
        );
        // A wider gutter under the first row: no row is wider than asked.
        let deeper = hanging(&[Span::raw("  ")], &[Span::raw("    ")], &body, 12);
        assert_eq!(plain(&deeper), ["  removed", "    words", "    here"]);
        assert!(deeper.iter().all(|l| l.width() <= 12), "{deeper:?}");
    }
}
