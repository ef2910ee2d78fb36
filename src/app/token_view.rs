//! The item overlay's token view as data: an item's text cut into its tokens, line by line,
//! which the overlay draws (`ui::item`) and whose height its scrolling needs (`update::nav`).

use std::ops::Range;

use crate::engine::tokens::TokenSpan;

/// Whether the item overlay shows the text cut into tokens, and their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenView {
    pub on: bool,
    pub ids: bool,
}

/// One line of the text in the token view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenLine {
    /// Byte ranges of the line (no `\n`), each with the index of the token piece it belongs to
    /// (pieces alternate colours; a piece spanning a line break continues on the next line).
    pub pieces: Vec<(Range<usize>, usize)>,
    /// Tokens that start on this line.
    pub tokens: usize,
    /// Ids of the tokens that start on this line.
    pub ids: Vec<u32>,
}

/// Cuts `text`'s token pieces at line breaks. Every line of the text is one `TokenLine`, the
/// same as `str::lines` gives (a final `\n` opens no line).
pub fn token_lines(text: &str, spans: &[TokenSpan]) -> Vec<TokenLine> {
    let mut out = vec![TokenLine::default()];
    for (k, span) in spans.iter().enumerate() {
        let line = out.len() - 1;
        out[line].tokens += span.tokens;
        out[line].ids.extend(&span.ids);
        let mut at = span.start;
        for (i, part) in text[span.start..span.end].split('\n').enumerate() {
            if i > 0 {
                out.push(TokenLine::default());
                at += 1;
            }
            if let Some(l) = out.last_mut().filter(|_| !part.is_empty()) {
                l.pieces.push((at..at + part.len(), k));
            }
            at += part.len();
        }
    }
    if text.ends_with('\n') && out.len() > 1 {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{TokenCounter, Tokenizer};

    #[test]
    fn lines_follow_the_text_and_count_the_tokens_starting_on_them() {
        let tc = TokenCounter::new();
        let text = "hello world\n\nsecond line here";
        let spans = tc.split(Tokenizer::Cl100kBase, text);
        let lines = token_lines(text, &spans);
        assert_eq!(lines.len(), text.lines().count());
        assert_eq!(
            lines.iter().map(|l| l.tokens).sum::<usize>(),
            tc.count(Tokenizer::Cl100kBase, text)
        );
        let shown: Vec<String> = lines
            .iter()
            .map(|l| l.pieces.iter().map(|(r, _)| &text[r.clone()]).collect())
            .collect();
        assert_eq!(shown, text.lines().collect::<Vec<_>>());
        // "\n\n" (271) is one token, counted on the line where it starts.
        assert_eq!(lines[0].ids, [15339, 1917, 271]);
        assert_eq!(lines[0].tokens, 3);
        assert_eq!(lines[1].tokens, 0);
        assert_eq!(
            lines[2].tokens,
            tc.count(Tokenizer::Cl100kBase, "second line here")
        );
        assert!(token_lines("", &[]).iter().all(|l| l.pieces.is_empty()));
    }
}
