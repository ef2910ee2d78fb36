//! tiktoken's pre-tokenization of ASCII text, without a regex.
//!
//! cl100k_base and o200k_base split text with a regular expression before byte-pair encoding
//! each piece. For text that is all ASCII the expression's classes reduce to byte tests
//! (`\p{L}` is `[A-Za-z]`, `\p{Lu}` `[A-Z]`, `\p{Ll}` `[a-z]`, `\p{N}` `[0-9]`, `\s`
//! `[\t\n\x0B\x0C\r ]`), and its alternatives, tried in order with greedy quantifiers, reduce to
//! the branches below, each named after the alternative it stands for. Text with any other
//! byte goes through bpe-openai's regex instead. Property tests compare the pieces with that
//! regex and the counts with tiktoken-rs.

/// Which tokenizer's pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pattern {
    Cl100k,
    O200k,
}

/// The pieces of `text` under `pattern`, or `None` when `text` is not all ASCII.
pub(super) fn pieces(text: &str, pattern: Pattern) -> Option<Pieces<'_>> {
    text.is_ascii().then_some(Pieces {
        rest: text.as_bytes(),
        pattern,
    })
}

pub(super) struct Pieces<'a> {
    rest: &'a [u8],
    pattern: Pattern,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let len = match self.pattern {
            Pattern::Cl100k => cl100k(self.rest),
            Pattern::O200k => o200k(self.rest),
        };
        let (piece, rest) = self.rest.split_at(len.clamp(1, self.rest.len()));
        self.rest = rest;
        Some(piece)
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

fn is_newline(b: u8) -> bool {
    b == b'\r' || b == b'\n'
}

/// `[^\r\n\p{L}\p{N}]`: what may stand before a word.
fn is_lead(b: u8) -> bool {
    !is_newline(b) && !b.is_ascii_alphanumeric()
}

/// `[^\s\p{L}\p{N}]`: punctuation, symbols and controls.
fn is_mark(b: u8) -> bool {
    !is_space(b) && !b.is_ascii_alphanumeric()
}

/// The end of the run of bytes from `from` that satisfy `class`.
fn run(t: &[u8], from: usize, class: impl Fn(u8) -> bool) -> usize {
    from + t[from..].iter().take_while(|&&b| class(b)).count()
}

/// `\p{N}{1,3}` at the start of `t`: at most three digits, never looking further (a piece a
/// scan of the whole run would make a long run of digits quadratic).
fn digits(t: &[u8]) -> usize {
    t.iter().take(3).take_while(|b| b.is_ascii_digit()).count()
}

/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at the start of `t`: its length, 0 when none.
fn contraction(t: &[u8]) -> usize {
    if t.first() != Some(&b'\'') {
        return 0;
    }
    let at = |i: usize| t.get(i).map(u8::to_ascii_lowercase);
    match (at(1), at(2)) {
        (Some(b's' | b't' | b'm' | b'd'), _) => 2,
        (Some(b'r' | b'v'), Some(b'e')) | (Some(b'l'), Some(b'l')) => 3,
        _ => 0,
    }
}

/// A word's start: 1 when `t` opens with a lead byte and a letter (the optional lead taken),
/// else 0; `None` when no word starts here.
fn word_start(t: &[u8]) -> Option<usize> {
    let s = usize::from(is_lead(t[0]) && t.get(1).is_some_and(u8::is_ascii_alphabetic));
    t[s].is_ascii_alphabetic().then_some(s)
}

/// ` ?[^\s\p{L}\p{N}]+` then a run of `tail` bytes; `None` when no mark starts here.
fn marks(t: &[u8], tail: impl Fn(u8) -> bool) -> Option<usize> {
    let s = usize::from(t[0] == b' ' && t.get(1).is_some_and(|&b| is_mark(b)));
    is_mark(t[s]).then(|| run(t, run(t, s, is_mark), tail))
}

/// `\s*[\r\n]+|\s+(?!\S)|\s+` at whitespace.
fn spaces(t: &[u8]) -> usize {
    let end = run(t, 0, is_space);
    if let Some(last_newline) = t[..end].iter().rposition(|&b| is_newline(b)) {
        // `\s*[\r\n]+`: up to the run's last line break.
        last_newline + 1
    } else if end == t.len() || end == 1 {
        // `\s+(?!\S)` at the end of the text, or `\s+` before a non-space.
        end
    } else {
        // `\s+(?!\S)`: all but the last space, which leads the next word.
        end - 1
    }
}

/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
/// \s*[\r\n]+|\s+(?!\S)|\s+`
fn cl100k(t: &[u8]) -> usize {
    match contraction(t) {
        0 => {}
        n => return n,
    }
    if let Some(s) = word_start(t) {
        return run(t, s, |b| b.is_ascii_alphabetic());
    }
    if t[0].is_ascii_digit() {
        return digits(t);
    }
    marks(t, is_newline).unwrap_or_else(|| spaces(t))
}

/// `[^\r\n\p{L}\p{N}]?[\p{Lu}…]*[\p{Ll}…]+(?i:'s|…)?|[^\r\n\p{L}\p{N}]?[\p{Lu}…]+[\p{Ll}…]*(?i:'s|…)?|
/// \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
fn o200k(t: &[u8]) -> usize {
    if let Some(s) = word_start(t) {
        // Capitals then small letters: the first alternative when any small letter follows the
        // capitals, else the second (capitals alone); both end where the small letters end.
        let end = run(t, run(t, s, |b| b.is_ascii_uppercase()), |b| {
            b.is_ascii_lowercase()
        });
        return end + contraction(&t[end..]);
    }
    if t[0].is_ascii_digit() {
        return digits(t);
    }
    marks(t, |b| is_newline(b) || b == b'/').unwrap_or_else(|| spaces(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(text: &str, pattern: Pattern) -> Vec<&str> {
        pieces(text, pattern)
            .expect("ASCII")
            .map(|p| std::str::from_utf8(p).expect("ASCII pieces"))
            .collect()
    }

    #[test]
    fn splits_as_tiktoken_does() {
        let c = Pattern::Cl100k;
        assert_eq!(split("Hello world", c), ["Hello", " world"]);
        assert_eq!(
            split("don't  stop\n\n  now 12345", c),
            [
                "don", "'t", " ", " stop", "\n\n", " ", " now", " ", "123", "45"
            ]
        );
        assert_eq!(
            split("a.com (x) !!\n\nb", c),
            ["a", ".com", " (", "x", ")", " !!\n\n", "b"]
        );
        assert_eq!(split("x  ", c), ["x", "  "]);
        let o = Pattern::O200k;
        assert_eq!(
            split("HTMLParser don't ABC's", o),
            ["HTMLParser", " don't", " ABC's"]
        );
        assert_eq!(split("a/b !//\n/x", o), ["a", "/b", " !//\n/", "x"]);
        assert!(pieces("naïve", c).is_none());
    }

    fn ascii_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => "[a-zA-Z]{1,8}",
            1 => "[A-Z]{1,4}[a-z]{0,4}",
            2 => "[ \t\n\r\x0B\x0C]{1,5}",
            1 => "[0-9]{1,7}",
            2 => "[!-/:-@\\[-`{-~]{1,3}",
            1 => "('s|'t|'re|'ve|'m|'ll|'d|'S|'LL|'Re|'x)",
            1 => "[\x00-\x1f\x7f]{1,2}",
            1 => "[\x00-\x7f]{1,6}",
        ];
        prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn pieces_equal_the_regex_pieces(text in ascii_text()) {
            for (pattern, bpe) in [
                (Pattern::Cl100k, bpe_openai::cl100k_base()),
                (Pattern::O200k, bpe_openai::o200k_base()),
            ] {
                let ours = split(&text, pattern);
                let regex: Vec<&str> = bpe.split(&text).collect();
                prop_assert_eq!(ours, regex, "{:?} {:?}", pattern, text);
            }
        }
    }
}
