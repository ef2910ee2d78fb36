//! A policy as a TOML tree: the keys two policies differ in (as `--set` addresses them), a
//! value in a few words, and reading or setting one key.

use crate::policy::Policy;

/// The policy as a TOML tree, its defaulted keys written out.
pub(super) fn tree(p: &Policy) -> toml::Value {
    let mut t = toml::Table::try_from(p).unwrap_or_default();
    // Keys a policy leaves out at their default are said with it (`dedupe "off" → "near"`,
    // not `unset`): unlike an unset cap, they have a value.
    if let Ok(v) = toml::Value::try_from(p.dedupe) {
        t.entry("dedupe").or_insert(v);
    }
    t.entry("dedupe_threshold")
        .or_insert(toml::Value::Float(p.dedupe_threshold));
    toml::Value::Table(t)
}

/// Named arrays (`layers`, `static`): every element a table with a unique `name`.
fn names(v: &[toml::Value]) -> Option<Vec<&str>> {
    let names: Vec<&str> = v
        .iter()
        .map(|e| e.get("name").and_then(toml::Value::as_str))
        .collect::<Option<_>>()?;
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted.len() == names.len()).then_some(names)
}

/// The keys (as `--set` addresses them) whose values differ; a table or named array whose shape
/// differs (a layer added, renamed or reordered) is one key.
pub(super) fn policy_keys(
    path: &mut Vec<String>,
    a: Option<&toml::Value>,
    b: Option<&toml::Value>,
    out: &mut Vec<Vec<String>>,
) {
    use toml::Value::{Array, Table};
    match (a, b) {
        (Some(Table(ta)), Some(Table(tb))) => {
            let mut keys: Vec<&String> = ta.keys().chain(tb.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                path.push(k.clone());
                policy_keys(path, ta.get(k), tb.get(k), out);
                path.pop();
            }
        }
        (Some(Array(xa)), Some(Array(xb)))
            if names(xa).is_some() && names(xa) == names(xb) && xa != xb =>
        {
            for (ea, eb) in xa.iter().zip(xb) {
                let name = ea
                    .get("name")
                    .and_then(toml::Value::as_str)
                    .unwrap_or_default();
                path.push(name.to_string());
                policy_keys(path, Some(ea), Some(eb), out);
                path.pop();
            }
        }
        _ if a != b => out.push(path.clone()),
        _ => {}
    }
}

/// A policy value in a few words: a named array by its names, anything long cut.
pub(super) fn shown(v: &toml::Value) -> String {
    const MAX: usize = 40;
    if let toml::Value::Array(items) = v
        && let Some(names) = names(items)
    {
        return format!("[{}]", names.join(", "));
    }
    // A string on one line, its newlines and controls escaped (TOML would open a multi-line
    // string for a newline, and the cut would leave only its `"""`).
    let text = match v {
        toml::Value::String(s) => format!("{s:?}"),
        _ => v.to_string(),
    };
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > MAX || line.len() < text.len() {
        let cut: String = line.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The value at `key` (a named array's element by its name), if there is one.
pub(super) fn lookup<'t>(t: &'t toml::Value, key: &[String]) -> Option<&'t toml::Value> {
    key.iter().try_fold(t, |cur, seg| match cur {
        toml::Value::Table(t) => t.get(seg),
        toml::Value::Array(items) => items
            .iter()
            .find(|v| v.get("name").and_then(toml::Value::as_str) == Some(seg)),
        _ => None,
    })
}

/// Sets the value at `key` (`None`: removes it); a key whose parents are missing is left.
pub(super) fn set(t: &mut toml::Value, key: &[String], value: Option<toml::Value>) {
    let Some((last, parents)) = key.split_last() else {
        return;
    };
    let mut cur = t;
    for seg in parents {
        let next = match cur {
            toml::Value::Table(t) => t.get_mut(seg),
            toml::Value::Array(items) => items
                .iter_mut()
                .find(|v| v.get("name").and_then(toml::Value::as_str) == Some(seg)),
            _ => None,
        };
        let Some(next) = next else { return };
        cur = next;
    }
    let toml::Value::Table(t) = cur else { return };
    match value {
        Some(v) => {
            t.insert(last.clone(), v);
        }
        None => {
            t.remove(last);
        }
    }
}

#[cfg(test)]
mod shown_tests {
    use super::shown;

    /// A policy value reads on one line: a string's newline escaped (the default
    /// `truncate_marker`), a long one cut after its start, numbers as they are.
    #[test]
    fn a_value_reads_on_one_line() {
        let marker = toml::Value::String("\n[...truncated]".into());
        assert_eq!(shown(&marker), r#""\n[...truncated]""#);
        assert_eq!(shown(&toml::Value::Integer(10)), "10");
        let long = toml::Value::String("x".repeat(60));
        assert_eq!(shown(&long), format!("\"{}…", "x".repeat(39)));
    }
}
