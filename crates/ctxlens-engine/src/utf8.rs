//! The bytes of a text file a person wrote (a snapshot, the config, a `--users` list) as text:
//! UTF-8, a byte that is not named by its line and column, and a leading byte-order mark (which
//! editors on some systems write) dropped. Reading the file is the caller's.

use crate::policy::line_col;

/// The first byte that is not UTF-8, and where (1-based, in the valid text before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub line: usize,
    pub column: usize,
    pub byte: u8,
}

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let NotUtf8 { line, column, byte } = self;
        write!(f, "{line}:{column}: not UTF-8 (byte 0x{byte:02X})")
    }
}

/// `bytes` as text, without a leading byte-order mark.
pub fn text(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        let (line, column) = line_col(before, at);
        NotUtf8 {
            line,
            column,
            byte: e.as_bytes()[at],
        }
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bad_byte_is_placed_and_a_byte_order_mark_dropped() {
        assert_eq!(
            super::text(b"\xef\xbb\xbfa\nb".to_vec()).as_deref(),
            Ok("a\nb")
        );
        let bad = super::text(b"ok\nli\xffght".to_vec()).expect_err("not UTF-8");
        assert_eq!(bad.to_string(), "2:3: not UTF-8 (byte 0xFF)");
    }
}
