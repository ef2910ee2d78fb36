//! `y`'s clipboard write: the OSC 52 sequence a terminal (or tmux, with `set-clipboard on`)
//! passes on to the system clipboard.

use base64::Engine as _;

/// The OSC 52 sequence that puts `text` on the clipboard: `ESC ] 52 ; c ; <base64> BEL`. The
/// text goes through the output sanitiser first (again: `update` already made it inert, and
/// making inert text inert changes nothing), so no control travels through the clipboard.
pub(super) fn osc52(text: &str) -> String {
    let inert = crate::text::inert(text);
    let encoded = base64::engine::general_purpose::STANDARD.encode(inert.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::osc52;
    use base64::Engine as _;

    /// The text the sequence carries, decoded.
    fn carried(seq: &str) -> String {
        let body = seq
            .strip_prefix("\x1b]52;c;")
            .and_then(|b| b.strip_suffix('\x07'))
            .unwrap_or_else(|| panic!("an OSC 52 sequence: {seq:?}"));
        assert!(
            body.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c)),
            "base64 only between the delimiters: {body:?}"
        );
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("base64");
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn the_sequence_is_osc_52_with_the_text_in_base64() {
        assert_eq!(osc52("u062"), "\x1b]52;c;dTA2Mg==\x07");
        let text = "--set budget.total=2000\nline two · ✔ kept";
        assert_eq!(carried(&osc52(text)), text, "line breaks and Unicode kept");
        assert_eq!(osc52(""), "\x1b]52;c;\x07");
    }

    #[test]
    fn stored_controls_never_travel_through_the_clipboard() {
        let hostile = "title\x1b]0;pwned\x07 \x1b[2J\u{9b}31m\r\u{202e}end";
        let text = carried(&osc52(hostile));
        assert!(
            !text
                .chars()
                .any(|c| c == '\x1b' || c == '\x07' || ('\u{80}'..='\u{9f}').contains(&c)),
            "{text:?}"
        );
        assert!(
            text.contains('␛') && text.starts_with("title"),
            "shown, not sent: {text:?}"
        );
        assert_eq!(
            text,
            crate::text::inert(hostile),
            "as the sanitiser makes it"
        );
        // Text `update` already made inert goes out unchanged.
        assert_eq!(carried(&osc52(&text)), text);
    }
}
