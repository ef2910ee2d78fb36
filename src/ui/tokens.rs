//! The item overlay's token view: the text cut into its tokens in alternating colours, each
//! line led by the number of tokens starting on it, the ids beneath on demand, and where a
//! truncated item's cut falls.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::{il, inert_lines, styled, wrap};
use crate::app::token_view::{TokenView, token_lines};
use crate::engine::{Decision, Item, TokenCounter, Tokenizer};

/// What the token view needs besides the item.
pub(crate) struct TokenSource<'a> {
    pub counter: &'a TokenCounter,
    pub tokenizer: Tokenizer,
    pub view: TokenView,
    pub redact: bool,
    pub marker: &'a str,
    /// The keys of the keymap in use that toggle the token view and its ids, for the hints.
    pub keys: (String, String),
}

/// Alternating token styles: plain, then accent and underlined (so spaces show too).
fn token_style(k: usize, t: &Theme) -> Style {
    if k.is_multiple_of(2) {
        t.base()
    } else {
        t.accent().add_modifier(Modifier::UNDERLINED)
    }
}

/// The item's text as token lines, as rows `width` cells wide: a wrapped line continues under
/// its count, not under it (under `--redact`: the masked text, and why no tokens show).
pub(crate) fn lines(it: &Item, src: &TokenSource, t: &Theme, width: usize) -> Vec<Line<'static>> {
    if src.redact {
        let mut out = vec![Line::styled(
            "token boundaries and ids are not shown under --redact: they would spell the words",
            t.muted(),
        )];
        out.extend(inert_lines(&it.text));
        return wrap::all_rows(&out, width);
    }
    // A long text shows its head cut into tokens: the view is drawn on every key, and a few
    // megabytes of tokens would hold the screen for minutes.
    let text = head(&it.text, SHOWN_BYTES);
    let spans = src.counter.split(src.tokenizer, text);
    let cut = it
        .kept_text
        .as_deref()
        .map(|k| k.strip_suffix(src.marker).unwrap_or(k).len());
    let text_lines = token_lines(text, &spans);
    let ids_note = if src.tokenizer == Tokenizer::Chars4 {
        "chars4 pieces are 4 UTF-16 units: no ids"
    } else if src.view.ids {
        &format!("{} hides ids", src.keys.1)
    } else {
        &format!("{} shows ids", src.keys.1)
    };
    let counted = spans.iter().map(|s| s.tokens).sum::<usize>();
    let heading = if text.len() < it.text.len() {
        let lines = match text_lines.len() {
            1 => "1 line".to_string(),
            n => format!("{} lines", crate::text::thousands(n as f64, 0)),
        };
        format!(
            "{} tokens ({}); its first {} of {} bytes ({} tokens, {lines}) shown cut \
             into tokens, the last of them may part otherwise in the whole · {} plain text shows \
             it all · {ids_note}",
            super::num(it.tokens),
            src.tokenizer,
            super::num(text.len()),
            super::num(it.text.len()),
            super::num(counted),
            src.keys.0
        )
    } else {
        format!(
            "{} tokens ({}) in {} lines · {} plain text · {ids_note}",
            super::num(counted),
            src.tokenizer,
            text_lines.len(),
            src.keys.0
        )
    };
    let mut out = wrap::rows(&Line::styled(heading, t.muted()), width);
    // The count column as wide as its widest count.
    let digits = text_lines
        .iter()
        .map(|l| l.tokens.to_string().len())
        .max()
        .unwrap_or(1)
        .max(4);
    let under = [styled(format!("{} │ ", " ".repeat(digits)), t.muted())];
    let mut cut_drawn = false;
    for line in &text_lines {
        let count = [styled(format!("{:>digits$} │ ", line.tokens), t.muted())];
        let mut row = Vec::new();
        for (range, k) in &line.pieces {
            if cut == Some(range.start) && !cut_drawn {
                row.push(styled("✂", t.decision(Decision::Truncated)));
                cut_drawn = true;
            }
            row.push(Span::styled(
                piece_text(&it.text[range.clone()]),
                token_style(*k, t),
            ));
        }
        out.extend(wrap::hanging(&count, &under, &Line::from(row), width));
        if src.view.ids && !line.ids.is_empty() {
            let ids: Vec<String> = line.ids.iter().map(u32::to_string).collect();
            let ids = Line::from(styled(format!("ids {}", ids.join(" ")), t.muted()));
            out.extend(wrap::hanging(&under, &under, &ids, width));
        }
    }
    out
}

/// A token's text as drawn. One that starts with a character of no width (a combining mark, a
/// joiner, a variation selector) would be drawn into the cell before it, the previous token's,
/// and never be seen: that character is written as its code point (`\u{301}`).
fn piece_text(piece: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    let shown = il(piece);
    match shown.chars().next() {
        Some(c) if c.width() == Some(0) => {
            format!("\\u{{{:x}}}{}", c as u32, &shown[c.len_utf8()..])
        }
        _ => shown,
    }
}

/// Bytes of an item's text the token view cuts into tokens at most.
pub(crate) const SHOWN_BYTES: usize = 32 * 1024;

/// `text` up to `max` bytes: whole lines when a line ends in its second half, else cut at a
/// character.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let end = text.floor_char_boundary(max);
    match text[..end].rfind('\n') {
        Some(nl) if nl >= max / 2 => &text[..nl],
        _ => &text[..end],
    }
}

/// For a truncated item: where the cut falls and what the marker costs.
pub(crate) fn cut(it: &Item, src: &TokenSource) -> Option<String> {
    let kept = it.kept_text.as_deref()?;
    let prefix = kept.strip_suffix(src.marker).unwrap_or(kept);
    let chars = prefix.chars().count();
    let total = it.text.chars().count();
    let line = prefix.matches('\n').count() + 1;
    let marker_tokens = src.counter.count(src.tokenizer, src.marker);
    // Counts written as everywhere else on screen (`1,271`).
    let n = |x: usize| crate::text::thousands(x as f64, 0);
    let (marker, kept, tokens) = (n(marker_tokens), n(it.kept_tokens), n(it.tokens));
    let at = format!(
        "after character {} of {} (line {})",
        n(chars),
        n(total),
        n(line)
    );
    if src.redact {
        // The prefix shown is masked: its own count would not be the stored text's.
        return Some(format!(
            "{at} · {kept} of {tokens} tokens kept, the marker {marker} of them"
        ));
    }
    let p = src.counter.count(src.tokenizer, prefix);
    let sum = if p + marker_tokens == it.kept_tokens {
        format!("prefix {} + marker {marker} = {kept}", n(p))
    } else {
        format!(
            "prefix {} and marker {marker} apart, {kept} together (they merge at the seam)",
            n(p)
        )
    };
    Some(format!("{at} · {sum} of {tokens} tokens"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Policy, Snapshot};

    /// One long turn truncated to fit 40 cl100k tokens.
    fn truncated() -> (Item, Engine) {
        let words = "landed cost adds freight duty and fees to the unit price ".repeat(12);
        let snap = Snapshot::from_json(&format!(
            r#"{{"user_id":"u","session_id":"s1","now":"2025-01-15T12:00:00Z","session":[
               {{"user":"{words}","assistant":"ok","timestamp":"2025-01-15T11:00:00Z"}}]}}"#
        ))
        .expect("snapshot");
        let policy = Policy::from_toml(
            "name = \"t\"\nstrategy = \"truncate\"\ntruncate_min_remaining = 5\n[budget]\ntotal = 40\n\
             [[layers]]\nname = \"session\"\nsource = \"session\"\nweight = 1.0",
            "t.toml",
        )
        .expect("policy");
        let engine = Engine::default();
        let a = engine.assemble(&snap, &policy);
        let it = a.items[0].clone();
        assert_eq!(it.decision, Decision::Truncated);
        (it, engine)
    }

    fn src<'a>(engine: &'a Engine, view: TokenView, redact: bool) -> TokenSource<'a> {
        TokenSource {
            counter: &engine.tokens,
            tokenizer: Tokenizer::Cl100kBase,
            view,
            redact,
            marker: "\n[...truncated]",
            keys: ("T".into(), "i".into()),
        }
    }

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn the_cut_says_where_it_falls_and_what_the_marker_costs() {
        let (it, engine) = truncated();
        let s = src(&engine, TokenView::default(), false);
        let kept = it.kept_text.as_deref().unwrap_or_default();
        let prefix = kept.trim_end_matches("\n[...truncated]");
        let p = engine.tokens.count(Tokenizer::Cl100kBase, prefix);
        let m = engine
            .tokens
            .count(Tokenizer::Cl100kBase, "\n[...truncated]");
        assert_eq!(m, 6, "newline, [, ..., truncated, ]");
        let want_sum = if p + m == it.kept_tokens {
            format!("prefix {p} + marker 6 = {}", it.kept_tokens)
        } else {
            format!(
                "prefix {p} and marker 6 apart, {} together (they merge at the seam)",
                it.kept_tokens
            )
        };
        assert_eq!(
            cut(&it, &s),
            Some(format!(
                "after character {} of {} (line 1) · {want_sum} of {} tokens",
                prefix.chars().count(),
                it.text.chars().count(),
                it.tokens
            ))
        );
        assert!(
            it.kept_tokens <= 40 && it.kept_tokens >= 35,
            "{}",
            it.kept_tokens
        );
        // Under --redact the masked prefix is not counted.
        let r = cut(&it, &src(&engine, TokenView::default(), true)).unwrap_or_default();
        assert!(
            r.ends_with(&format!(
                "{} of {} tokens kept, the marker 6 of them",
                it.kept_tokens, it.tokens
            )),
            "{r}"
        );
    }

    #[test]
    fn token_lines_show_the_whole_text_the_counts_the_cut_and_ids_on_demand() {
        let (it, engine) = truncated();
        let on = TokenView {
            on: true,
            ids: false,
        };
        let shown = plain(&lines_of(&it, &engine, on));
        assert_eq!(
            shown[0],
            format!(
                "{} tokens (cl100k_base) in 2 lines · T plain text · i shows ids",
                it.tokens
            )
        );
        // Each text line behind its count; the text reads back whole, with one cut mark.
        let body: Vec<String> = shown[1..]
            .iter()
            .map(|l| l.chars().skip(7).collect())
            .collect();
        assert_eq!(body.join("\n").replace('✂', ""), it.text);
        assert_eq!(shown.iter().filter(|l| l.contains('✂')).count(), 1);
        let counts: usize = shown[1..]
            .iter()
            .map(|l| l[..4].trim().parse::<usize>().unwrap_or(0))
            .sum();
        assert_eq!(counts, it.tokens);
        let ids = plain(&lines_of(
            &it,
            &engine,
            TokenView {
                on: true,
                ids: true,
            },
        ));
        assert!(ids[2].starts_with("     │ ids 1502 25"), "{}", ids[2]);
        assert!(ids.iter().all(|l| !l.chars().any(char::is_control)));
        let masked = plain(&lines(
            &it,
            &src(&engine, on, true),
            &Theme::default(),
            1000,
        ));
        assert!(masked[0].starts_with("token boundaries and ids are not shown under --redact"));
        assert!(!masked.iter().any(|l| l.contains("│")), "no counts, no ids");
    }

    /// A token that starts with a character of no width shows it as its code point, never
    /// drawn into the token before it; other tokens are as they are.
    #[test]
    fn a_token_of_no_width_at_its_start_is_seen() {
        assert_eq!(super::piece_text("\u{301}"), "\\u{301}");
        assert_eq!(super::piece_text("\u{200d}👦"), "\\u{200d}👦");
        assert_eq!(super::piece_text(" price"), " price");
        assert_eq!(super::piece_text("e\u{301}"), "e\u{301}");
    }

    /// A text of several hundred kilobytes shows its head in tokens, says so with the whole
    /// count, and its count column is as wide as its widest count.
    #[test]
    fn a_long_text_shows_its_head_in_tokens() {
        let (mut it, engine) = truncated();
        it.kept_text = None;
        it.text = format!("{}\nlast line", "word ".repeat(40_000));
        it.tokens = engine.tokens.count(Tokenizer::Cl100kBase, &it.text);
        let rows = plain(&lines_of(&it, &engine, TokenView::default()));
        let heading = rows[0].clone();
        assert!(
            heading.starts_with(&format!(
                "{} tokens (cl100k_base); its first 32,768 of ",
                crate::ui::num(it.tokens)
            )),
            "{heading}"
        );
        assert!(
            heading.contains(&format!("of {} bytes", crate::ui::num(it.text.len()))),
            "{heading}"
        );
        assert!(
            !rows.iter().any(|r| r.contains("last line")),
            "the head only"
        );
        // Under 1000 columns the head is a few dozen rows, not the whole text's.
        assert!(rows.len() < 60, "{}", rows.len());
        // The count column: one line of 6,500-odd tokens, under a five-digit gutter.
        let bars: Vec<usize> = rows[1..]
            .iter()
            .map(|r| r.find('│').expect("a gutter"))
            .collect();
        assert!(bars.windows(2).all(|w| w[0] == w[1]), "{bars:?}");
    }

    fn lines_of(it: &Item, engine: &Engine, view: TokenView) -> Vec<Line<'static>> {
        lines(it, &src(engine, view, false), &Theme::default(), 1000)
    }
}
