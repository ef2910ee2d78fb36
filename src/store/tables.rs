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

/// The tables as SQL identifiers, quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub user_journeys: String,
    pub memory_bank: String,
    pub knowledge: String,
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
        Ok(Quoted {
            user_journeys: q("user_journeys", &self.user_journeys)?,
            memory_bank: q("memory_bank", &self.memory_bank)?,
            knowledge: q("knowledge", &self.knowledge)?,
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
    Ok(parts
        .iter()
        .map(|p| format!("\"{}\"", p.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join("."))
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
