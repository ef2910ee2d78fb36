//! The Postgres tables ctxlens reads: SPEC §1's names unless the config names others.

use serde::Deserialize;

/// `[stores.tables]`: table names, each optionally schema-qualified (`schema.table`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tables {
    pub user_journeys: String,
    pub memory_bank: String,
    pub knowledge: String,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            user_journeys: "user_journeys".into(),
            memory_bank: "memory_bank".into(),
            knowledge: "knowledge".into(),
        }
    }
}

/// The tables as SQL identifiers, quoted, and what `migrate` names its indexes after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub user_journeys: String,
    pub memory_bank: String,
    pub knowledge: String,
    /// The knowledge table's own name (unquoted), which its indexes' names start with.
    pub knowledge_rel: String,
    /// The knowledge table's schema, quoted, when the name is qualified (its indexes live there).
    pub knowledge_schema: Option<String>,
    /// The memory bank's own name (unquoted), which its index's name starts with.
    pub memory_bank_rel: String,
    /// The schemas of qualified names, quoted, each once (`migrate` creates them).
    pub schemas: Vec<String>,
}

impl Tables {
    /// Whether these are SPEC §1's names (what `migrate` creates).
    pub fn is_default(&self) -> bool {
        *self == Tables::default()
    }

    /// Every name quoted; the error names the setting and what is wrong with it.
    pub fn quoted(&self) -> Result<Quoted, String> {
        let q = |key: &str, name: &str| {
            quote(name).map_err(|why| format!("[stores.tables] {key} = {name:?}: {why}"))
        };
        let rel = |name: &str| name.rsplit('.').next().unwrap_or(name).to_string();
        let schema = |name: &str| name.split_once('.').map(|(s, _)| quote_part(s));
        let mut schemas: Vec<String> = [&self.user_journeys, &self.memory_bank, &self.knowledge]
            .iter()
            .filter_map(|n| schema(n))
            .collect();
        schemas.sort();
        schemas.dedup();
        Ok(Quoted {
            user_journeys: q("user_journeys", &self.user_journeys)?,
            memory_bank: q("memory_bank", &self.memory_bank)?,
            knowledge: q("knowledge", &self.knowledge)?,
            knowledge_rel: rel(&self.knowledge),
            knowledge_schema: schema(&self.knowledge),
            memory_bank_rel: rel(&self.memory_bank),
            schemas,
        })
    }
}

/// `table` or `schema.table` as a quoted identifier (`"schema"."table"`): any character is
/// allowed in a part except NUL, and a `"` is doubled.
fn quote(name: &str) -> Result<String, String> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 {
        return Err("at most one '.', between schema and table".into());
    }
    if parts.iter().any(|p| p.is_empty()) {
        return Err("an empty name".into());
    }
    if name.contains('\0') {
        return Err("a NUL character".into());
    }
    // Postgres cuts a longer name to 63 bytes without a word: ctxlens would name another table.
    if let Some(long) = parts.iter().find(|p| p.len() > 63) {
        return Err(format!(
            "{:?} is {} bytes, past the 63 Postgres keeps of a name",
            long,
            long.len()
        ));
    }
    Ok(parts
        .iter()
        .map(|p| quote_part(p))
        .collect::<Vec<_>>()
        .join("."))
}

/// One identifier, quoted: `"name"`, a `"` doubled.
pub fn quote_part(part: &str) -> String {
    format!("\"{}\"", part.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_and_bad_ones_named() {
        let t = Tables {
            user_journeys: "app.journeys".into(),
            memory_bank: "Memory \"Bank\"".into(),
            ..Tables::default()
        };
        let q = t.quoted().expect("valid");
        assert_eq!(q.user_journeys, r#""app"."journeys""#);
        assert_eq!(q.memory_bank, r#""Memory ""Bank""""#);
        assert_eq!(q.knowledge, r#""knowledge""#);
        assert!(!t.is_default() && Tables::default().is_default());
        for (bad, why) in [("a.b.c", "at most one"), ("", "empty"), ("app.", "empty")] {
            let t = Tables {
                knowledge: bad.into(),
                ..Tables::default()
            };
            let e = t.quoted().expect_err(bad);
            assert!(
                e.starts_with(&format!("[stores.tables] knowledge = {bad:?}: ")) && e.contains(why),
                "{e}"
            );
        }
    }
}
