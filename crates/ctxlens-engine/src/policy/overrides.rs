//! `--set key=value` overrides of a policy, and reading a value back by the same dotted key.

use super::{Policy, PolicyError};

impl Policy {
    /// Applies `key=value` overrides by dotted path; `layers.NAME.…` and `static.NAME.…` pick by name.
    pub fn with_overrides(self, sets: &[String]) -> Result<Policy, PolicyError> {
        let mut policy = self;
        if sets.is_empty() {
            return Ok(policy);
        }
        let mut tree = toml::Table::try_from(&policy).map_err(|e| PolicyError::Override {
            arg: sets.first().cloned().unwrap_or_default(),
            message: e.to_string(),
        })?;
        for arg in sets {
            let fail = |message: String| PolicyError::Override {
                arg: arg.clone(),
                message,
            };
            let (path, raw) = arg
                .split_once('=')
                .ok_or_else(|| fail("expected key=value".into()))?;
            let value = parse_value(raw.trim());
            let set_a_table = value.is_table();
            if let Some(whole) = whole_table(&policy, &tree, path.trim(), &value) {
                return Err(fail(whole));
            }
            let unset = set_path(&mut tree, path.trim(), value).map_err(fail)?;
            // Each value's type is checked as it is set ...
            policy = tree.clone().try_into().map_err(|e: toml::de::Error| {
                let message = e.message().trim();
                // `none` for a key that must hold a value (not one that is not a key at all).
                // A key under an optional value not set (`budget.total.x` where only the
                // model limits are): the table made for it is where a value goes.
                let parent = path.trim().rsplit_once('.').map(|(p, _)| p);
                fail(if (unset || raw.trim() == "none") && !message.starts_with("unknown field") {
                    format!("{} takes a value (only an optional key, such as a layer's cap, can be none)", path.trim())
                } else if let Some(parent) = parent.filter(|_| {
                    message.starts_with("invalid type: map") && !set_a_table
                }) {
                    format!("{parent} is a value, not a table")
                } else {
                    plain_type_error(message, raw)
                })
            })?;
        }
        // ... and the policy as a whole once every one is (switching the budget's form takes
        // two keys), the error given to the last override of the key it names.
        policy.unsign_zeros();
        policy.validate().map_err(|(key, message)| {
            let touches = |arg: &&String| {
                let path = arg.split_once('=').map_or(arg.as_str(), |(p, _)| p).trim();
                path == key
                    || path.starts_with(&format!("{key}."))
                    || key.starts_with(&format!("{path}."))
            };
            let arg = sets.iter().rev().find(touches).or(sets.last());
            PolicyError::Override {
                arg: arg.cloned().unwrap_or_default(),
                message: format!("{key}: {message}"),
            }
        })?;
        Ok(policy)
    }

    /// The value at a dotted key as `--set` addresses it (`layers.journey.weight`), if set.
    pub fn get(&self, key: &str) -> Option<toml::Value> {
        let mut cur = toml::Value::Table(toml::Table::try_from(self).ok()?);
        let segs: Vec<&str> = key.split('.').collect();
        let mut i = 0;
        while i < segs.len() {
            cur = match cur {
                toml::Value::Table(mut t) => t.remove(segs[i])?,
                toml::Value::Array(items) => {
                    let names = element_names(&items);
                    let (name, used) = element_name(&names, &segs[i..])?;
                    i += used - 1;
                    items
                        .into_iter()
                        .find(|v| v.get("name").and_then(toml::Value::as_str) == Some(name))?
                }
                _ => return None,
            };
            i += 1;
        }
        Some(cur)
    }
}

/// `budget=3`, `layers=1`: a table or a list of named tables set as one value, said with the
/// keys that are set instead (a table's as serde knows them, optional ones included).
fn whole_table(
    policy: &Policy,
    tree: &toml::Table,
    path: &str,
    value: &toml::Value,
) -> Option<String> {
    if value.is_table() || value.is_array() {
        return None;
    }
    let keys = match policy.get(path)? {
        toml::Value::Table(t) => {
            // The keys serde would have taken, from its error for one it would not.
            let mut probe = tree.clone();
            set_path(
                &mut probe,
                &format!("{path}.\u{1}"),
                toml::Value::Integer(0),
            )
            .ok()?;
            let said = toml::Value::Table(probe)
                .try_into::<Policy>()
                .err()
                .map(|e| e.message().to_string())
                .unwrap_or_default();
            let names: Vec<String> = match said.split_once("expected one of ") {
                Some((_, list)) => list
                    .split(", ")
                    .map(|k| k.trim_matches('`').to_string())
                    .collect(),
                None => t.keys().cloned().collect(),
            };
            let names: Vec<String> = names.iter().map(|k| format!("{path}.{k}")).collect();
            return Some(format!(
                "{path} is a table: set its keys one by one ({})",
                names.join(", ")
            ));
        }
        // A list of named tables (layers, static modules), not of values (`categories`).
        toml::Value::Array(items)
            if !items.is_empty() && element_names(&items).len() == items.len() =>
        {
            element_names(&items)
        }
        _ => return None,
    };
    let names: Vec<String> = keys.iter().map(|n| format!("{path}.{n}.KEY")).collect();
    Some(format!(
        "{path} is a list, each by its name: set {}",
        names.join(", ")
    ))
}

/// A `--set` value: any TOML value (`3000`, `0.6`, `true`, `["*"]`, `"x"`), else a bare string.
fn parse_value(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

/// A value of the wrong type in words (`expected an integer, got "abc"`) instead of serde's
/// (`invalid type: string "abc", expected i64`); other messages as they are.
fn plain_type_error(message: &str, raw: &str) -> String {
    // A value of the right type out of the key's range (`cap=-1`): as a file says it.
    if message.starts_with("invalid value: ") {
        return super::plain_expected(message);
    }
    let Some(expected) = message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.split_once(", expected "))
        .map(|(_, e)| e)
    else {
        return message.to_string();
    };
    let expected = match expected {
        "i64" | "i32" | "u64" | "u32" | "u16" | "u8" | "usize" => "an integer",
        "f64" | "f32" => "a number",
        "a boolean" => "true or false",
        "string only" => "a name",
        // `budget=3`: a table is set key by key, not as one value.
        other if other.starts_with("struct ") => "a table (set its keys one by one: KEY.NAME=…)",
        other => other,
    };
    let raw = raw.trim();
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    if expected == "an integer" && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    {
        // An integer all the same, only too large for TOML's 64 bits.
        return format!("{raw} is out of range for an integer");
    }
    // `1e309`: a number all the same, only past the largest a float holds.
    if expected == "a number" && raw.parse::<f64>().is_ok_and(f64::is_infinite) {
        return format!("{raw} is out of range for a number");
    }
    if raw.is_empty() {
        return format!("expected {expected}, got nothing");
    }
    // `NONE`: the word that unsets an optional key is lower case.
    if raw.eq_ignore_ascii_case("none") && raw != "none" {
        return format!(
            "expected {expected}, got {raw} (none, in lower case, unsets a key that takes it)"
        );
    }
    format!("expected {expected}, got {raw}")
}

/// The `[budget]` keys that setting `budget.KEY` removes: the budget has two forms, a total or
/// the model limits, and setting a key of one replaces the other.
pub fn budget_keys_replaced_by(key: &str) -> &'static [&'static str] {
    match key {
        "total" => &["model_max_tokens", "expected_output_tokens", "overhead"],
        "model_max_tokens" | "expected_output_tokens" | "overhead" => &["total"],
        _ => &[],
    }
}

/// Sets `path` in `tree`. Array-of-table segments select by `name`.
/// Sets `path` to `value`; a bare `none` given for a key that holds no text (a layer's `cap`)
/// unsets it instead, as the TUI shows an unset key: whether it was unset is answered.
fn set_path(tree: &mut toml::Table, path: &str, mut value: toml::Value) -> Result<bool, String> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!("malformed key {path:?}"));
    }
    // A total replaces the model limits and the other way round, so `--set budget.total=3000` works on any preset.
    if let (Some(&"budget"), Some(toml::Value::Table(b))) = (segs.first(), tree.get_mut("budget")) {
        for k in budget_keys_replaced_by(segs.get(1).copied().unwrap_or_default()) {
            b.remove(*k);
        }
    }
    // A policy without static modules writes no `static` array: address it as an empty one.
    if let (Some(&"static"), Some(_)) = (segs.first(), segs.get(1)) {
        tree.entry("static")
            .or_insert_with(|| toml::Value::Array(Vec::new()));
    }
    let (last, parents) = segs.split_last().ok_or("empty key")?;
    let mut table = tree;
    let mut i = 0;
    while i < parents.len() {
        let seg = parents[i];
        let walked = segs[..=i].join(".");
        let entry = table
            .entry(seg.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = match entry {
            toml::Value::Table(t) => t,
            toml::Value::Array(items) => {
                // `layers.journey.weight`: the segment after an array names the element; a
                // name with dots in it (`layers.chat.v2.weight`) takes as many as it has.
                i += 1;
                if i >= parents.len() {
                    // `layers.journey=3`: the element named, its key not.
                    if element_names(items).iter().any(|n| n == last) {
                        return Err(format!(
                            "{walked}.{last} is a table: set its keys one by one ({walked}.{last}.KEY=…)"
                        ));
                    }
                    return Err(format!("{walked} needs an element name: {walked}.NAME.KEY"));
                }
                let names = element_names(items);
                let name = match element_name(&names, &parents[i..]) {
                    Some((name, used)) => {
                        i += used - 1;
                        name.to_string()
                    }
                    None => parents[i].to_string(),
                };
                named_element(items, &walked, &name)?
            }
            _ => return Err(format!("{walked} is a value, not a table")),
        };
        i += 1;
    }
    // `cap=none`: unset, for the keys a policy may leave unset (any other keeps `none` as
    // its value, so a misspelt key or a key with a default says what is wrong).
    if value.as_str() == Some("none") && unsettable(path) {
        table.remove(*last);
        return Ok(true);
    }
    // Integers given for float keys (weight=1) stay numbers of the key's type.
    if let (Some(toml::Value::Float(_)), toml::Value::Integer(n)) = (table.get(*last), &value) {
        value = toml::Value::Float(*n as f64);
    }
    table.insert(last.to_string(), value);
    Ok(false)
}

/// Whether `path` is a key a policy may leave unset: a layer's cap, the budget's forms, the
/// category. (A layer's title is text: `none` is its text.)
fn unsettable(path: &str) -> bool {
    let budget = [
        "total",
        "model_max_tokens",
        "expected_output_tokens",
        "overhead",
    ];
    path == "category"
        || path
            .strip_prefix("budget.")
            .is_some_and(|k| budget.contains(&k))
        || (path.starts_with("layers.") && path.ends_with(".cap"))
}

/// The `name` of each element of an array of tables.
fn element_names(items: &[toml::Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .collect()
}

/// The longest element name that the leading segments spell, and how many segments it takes.
fn element_name<'a>(names: &'a [String], segs: &[&str]) -> Option<(&'a str, usize)> {
    (1..=segs.len()).rev().find_map(|n| {
        let joined = segs[..n].join(".");
        names
            .iter()
            .find(|name| **name == joined)
            .map(|name| (name.as_str(), n))
    })
}

/// The element of the array of tables at `walked` whose `name` is `name`.
fn named_element<'a>(
    items: &'a mut [toml::Value],
    walked: &str,
    name: &str,
) -> Result<&'a mut toml::Table, String> {
    let names = element_names(items);
    items
        .iter_mut()
        .filter_map(|v| v.as_table_mut())
        .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
        .ok_or_else(|| {
            if names.is_empty() {
                format!("no {walked} entry named {name:?} (the policy has none)")
            } else {
                format!(
                    "no {walked} entry named {name:?} (have: {})",
                    names.join(", ")
                )
            }
        })
}
