//! Small text helpers shared by the command line and the TUI.

use unicode_width::UnicodeWidthStr;

use crate::engine::render::default_title;
use crate::engine::{Assembly, ItemKind, Policy, Source};

/// `--redact`: letters and digits become `•`; spacing and punctuation stay, so shape and length read.
pub fn redact(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { '•' } else { c })
        .collect()
}

/// Whether `--redact` masks items of this kind (messages and journey content).
pub fn masked(kind: ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Turn
            | ItemKind::BusinessDna
            | ItemKind::MilestoneData
            | ItemKind::Transition
            | ItemKind::Query
    )
}

/// The prompt with the sections of session, journey and query layers masked.
pub fn redact_prompt(prompt: &str, policy: &Policy) -> String {
    let titles: Vec<String> = policy
        .layers
        .iter()
        .filter(|l| matches!(l.source, Source::Session | Source::Journey | Source::Query))
        .map(|l| {
            format!(
                "## {}",
                l.title.as_deref().unwrap_or(default_title(l.source))
            )
        })
        .collect();
    let mut masking = false;
    let lines: Vec<String> = prompt
        .lines()
        .map(|line| {
            if line.starts_with("## ") {
                masking = titles.iter().any(|t| t == line);
                line.to_string()
            } else if masking {
                redact(line)
            } else {
                line.to_string()
            }
        })
        .collect();
    lines.join("\n")
}

/// An assembly for support use: message and journey text masked, token counts unchanged.
pub fn redact_assembly(a: &mut Assembly, policy: &Policy) {
    for i in a.items.iter_mut().filter(|i| masked(i.kind)) {
        i.text = redact(&i.text);
        i.kept_text = i.kept_text.as_deref().map(redact);
    }
    a.prompt = redact_prompt(&a.prompt, policy);
}

/// The first non-blank line of `text`, cut to `max` display columns with an ellipsis.
pub fn preview(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.width() <= max {
        return line.to_string();
    }
    let mut out = String::new();
    for c in line.chars() {
        if out.width() + c.to_string().width() + 1 > max {
            break;
        }
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_cuts_by_display_width() {
        assert_eq!(preview("\nhello world", 20), "hello world");
        assert_eq!(preview("抹茶セットと", 7), "抹茶セ…");
        assert_eq!(preview("抹茶セットと", 8), "抹茶セ…");
        assert_eq!(preview("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn redaction_keeps_shape_and_headers() {
        assert_eq!(redact("Café Kōhī ☕, $64!"), "•••• •••• ☕, $••!");
        let p = Policy::preset("prolaunch").expect("preset");
        let prompt =
            "## Recent conversation\n\nUser: hi 42\n\n## Relevant knowledge\n\nPricing 101";
        assert_eq!(
            redact_prompt(prompt, &p),
            "## Recent conversation\n\n••••: •• ••\n\n## Relevant knowledge\n\nPricing 101"
        );
    }
}
