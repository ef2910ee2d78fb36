//! How each item is written into the prompt: the exact text its tokens are counted on.

use std::fmt::Write as _;

use serde_json::Value;

use super::milestones::MilestoneMap;
use super::policy::{Render, Source};
use super::snapshot::{JourneyEntry, JourneyKind, Turn, TurnBody};

/// A session turn: `User: …\nAssistant: …`, or `Role: content` for the role/content shape.
pub fn turn_text(t: &Turn) -> String {
    match &t.body {
        TurnBody::Exchange { user, assistant } => format!("User: {user}\nAssistant: {assistant}"),
        TurnBody::Message { role, content } => format!("{}: {content}", role.label()),
    }
}

/// A turn's words without their labels: what duplicate detection compares.
pub fn turn_body(t: &Turn) -> String {
    match &t.body {
        TurnBody::Exchange { user, assistant } => format!("{user}\n{assistant}"),
        TurnBody::Message { content, .. } => content.clone(),
    }
}

/// A journey row: a one-line heading, then its JSON data as indented `key: value` lines.
pub fn journey_text(j: &JourneyEntry, map: &MilestoneMap) -> String {
    let m = j.milestone.as_deref().unwrap_or("?");
    let (heading, body) = match j.kind {
        JourneyKind::BusinessDna => ("Business DNA".to_string(), &j.data),
        JourneyKind::MilestoneData => (
            format!("Milestone {m} ({}) completed", map.name(m)),
            &j.data,
        ),
        JourneyKind::Transition => {
            let from = j.data.get("from").and_then(Value::as_str).unwrap_or("?");
            let to = j.about().unwrap_or(m);
            let ctx = j.data.get("context").unwrap_or(&j.data);
            (
                format!(
                    "Transition {from} → {to} ({}), carried context",
                    map.name(to)
                ),
                ctx,
            )
        }
    };
    let mut out = heading;
    out.push('\n');
    write_value(&mut out, body, 0);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// A knowledge hit: `Title\ncontent`, or `[n] Title\ncontent` in a RAG section (n: candidate rank).
pub fn knowledge_text(title: &str, content: &str, render: Render, rank: usize) -> String {
    match render {
        Render::Plain => format!("{title}\n{content}"),
        Render::Rag => format!("[{rank}] {title}\n{content}"),
    }
}

/// The default section title for a layer fed by `source`.
pub fn default_title(source: Source) -> &'static str {
    match source {
        Source::Session => "Recent conversation",
        Source::Journey => "User journey",
        Source::Knowledge => "Relevant knowledge",
        Source::Static => "Company context",
        Source::Query => "User query",
    }
}

/// Appends a section of the prompt to `out`: title, then the items' (possibly truncated) texts.
/// `sources` are the RAG source lines `(rank, title, section)` of the kept knowledge items.
pub fn write_section(
    out: &mut String,
    title: &str,
    render: Render,
    texts: &[&str],
    sources: &[(usize, &str, Option<&str>)],
) {
    out.push_str("## ");
    out.push_str(title);
    out.push_str("\n\n");
    if render == Render::Rag {
        // Seed 003's buildRAGContextSection, under the layer's title.
        out.push_str("---\nRELEVANT DOCUMENTATION:\n\n");
    }
    for (i, t) in texts.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(t);
    }
    if render == Render::Rag {
        out.push_str("\n\nSources:");
        for (n, t, s) in sources {
            let _ = write!(out, "\n[{n}] {t}");
            if let Some(s) = s {
                let _ = write!(out, " - {s}");
            }
        }
        out.push_str("\n---");
    }
}

/// JSON as readable lines: objects as `key: value`, scalar arrays inline, nesting indented two spaces.
pub fn json_lines(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, 0);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

fn is_scalar(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.iter().all(|x| !x.is_array() && !x.is_object()),
        Value::Object(_) => false,
        _ => true,
    }
}

/// Writes a scalar (or a scalar array, comma-separated) without quotes.
fn write_scalar(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_scalar(out, x);
            }
        }
        Value::Object(_) => {}
    }
}

fn write_value(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(map) => map.iter().for_each(|(k, x)| write_entry(out, k, x, indent)),
        Value::Array(items) => items.iter().for_each(|x| write_entry(out, "-", x, indent)),
        other => {
            out.extend(std::iter::repeat_n(' ', indent));
            write_scalar(out, other);
            out.push('\n');
        }
    }
}

/// `label: scalar` on one line (`- scalar` for array items), or the label then the value nested.
fn write_entry(out: &mut String, label: &str, x: &Value, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(label);
    if label != "-" {
        out.push(':');
    }
    if is_scalar(x) {
        out.push(' ');
        write_scalar(out, x);
        out.push('\n');
    } else {
        out.push('\n');
        write_value(out, x, indent + 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_renders_as_indented_lines() {
        let v = json!({"summary": "Validated demand", "key_decisions": ["DTC first", "Etsy later"],
                       "metrics": {"interviews": 24, "preorders": {"count": 31}}, "list": [{"a": 1}]});
        assert_eq!(
            json_lines(&v),
            "key_decisions: DTC first, Etsy later\nlist:\n  -\n    a: 1\nmetrics:\n  interviews: 24\n  preorders:\n    count: 31\nsummary: Validated demand"
        );
    }

    #[test]
    fn rag_section_matches_seed_003_shape() {
        let mut s = String::new();
        write_section(
            &mut s,
            "Docs",
            Render::Rag,
            &["[1] A\nx", "[3] B\ny"],
            &[(1, "A", Some("Intro")), (3, "B", None)],
        );
        assert_eq!(
            s,
            "## Docs\n\n---\nRELEVANT DOCUMENTATION:\n\n[1] A\nx\n\n[3] B\ny\n\nSources:\n[1] A - Intro\n[3] B\n---"
        );
    }
}
