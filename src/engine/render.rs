//! How each item is written into the prompt: the exact text its tokens are counted on.

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
            let to = j.data.get("to").and_then(Value::as_str).unwrap_or(m);
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
    let lines = json_lines(body);
    if !lines.is_empty() {
        out.push('\n');
        out.push_str(&lines);
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

/// A section of the prompt: title, then the items' (possibly truncated) texts.
/// `sources` are the RAG source lines `(rank, title, section)` of the kept knowledge items.
pub fn section(
    title: &str,
    render: Render,
    texts: &[&str],
    sources: &[(usize, &str, Option<&str>)],
) -> String {
    let body = texts.join("\n\n");
    match render {
        Render::Plain => format!("## {title}\n\n{body}"),
        Render::Rag => {
            // Seed 003's buildRAGContextSection, under the layer's title.
            let list: Vec<String> = sources
                .iter()
                .map(|(n, t, s)| match s {
                    Some(s) => format!("[{n}] {t} - {s}"),
                    None => format!("[{n}] {t}"),
                })
                .collect();
            format!(
                "## {title}\n\n---\nRELEVANT DOCUMENTATION:\n\n{body}\n\nSources:\n{}\n---",
                list.join("\n")
            )
        }
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

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.iter().all(|x| !x.is_array() && !x.is_object()) => {
            Some(a.iter().filter_map(scalar).collect::<Vec<_>>().join(", "))
        }
        _ => None,
    }
}

fn write_value(out: &mut String, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match scalar(x) {
                    Some(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        write_value(out, x, indent + 2);
                    }
                }
            }
        }
        Value::Array(items) => {
            for x in items {
                match scalar(x) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}-\n"));
                        write_value(out, x, indent + 2);
                    }
                }
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push_str(&format!("{pad}{s}\n"));
            }
        }
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
        let s = section(
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
