//! The keymap: key sequences → actions, from TOML (embedded default, user overrides merged on top).

mod names;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::action::Action;
pub use names::{KeyName, key_name};
use names::{check_keys, ctrl_lowercase};

pub const DEFAULT_KEYMAP: &str = include_str!("keymap.toml");

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    /// Sequence (key names) → action, in key order.
    bindings: BTreeMap<Vec<KeyName>, Action>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    /// Absent in a file that is empty or only comments: it changes nothing.
    #[serde(default)]
    keys: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

/// What a key press means given the keys pressed before it.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Action(Action),
    /// A prefix of a longer sequence: wait for the next key.
    Pending,
    Unbound,
}

impl Default for Keymap {
    fn default() -> Self {
        // The embedded keymap is checked by a unit test.
        #[allow(clippy::expect_used)]
        Keymap::empty()
            .merge(DEFAULT_KEYMAP, "default keymap")
            .expect("embedded keymap is valid")
    }
}

impl Keymap {
    fn empty() -> Self {
        Keymap {
            bindings: BTreeMap::new(),
        }
    }

    /// Adds the bindings of keymap TOML `text` over these; `""` unbinds. Errors name the file and key.
    pub fn merge(mut self, text: &str, file: &str) -> Result<Keymap, String> {
        let parsed: KeymapFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| crate::engine::policy::line_col(text, s.start));
            format!(
                "keymap {file}:{line}:{col}: {}",
                crate::engine::policy::toml_message(text, &e)
            )
        })?;
        // Each sequence as this file spells it: two spellings of one sequence (`ctrl-x` and
        // `ctrl-X`, `g g` and `g  g`) would leave one binding silently dead.
        let mut spelled: BTreeMap<Vec<KeyName>, String> = BTreeMap::new();
        // Where this file binds each sequence, to name the line of a conflict found later.
        let mut bound_at: BTreeMap<Vec<KeyName>, String> = BTreeMap::new();
        // In the file's order, so a conflict is reported at the later of its two lines.
        let mut entries: Vec<_> = parsed.keys.into_iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (keys, action) in entries {
            let (line, col) = crate::engine::policy::line_col(text, keys.span().start);
            let file = format!("{file}:{line}:{col}");
            let (keys, action) = (keys.into_inner(), action.into_inner());
            let seq: Vec<KeyName> = keys.split_whitespace().map(ctrl_lowercase).collect();
            if let Some(other) = spelled.insert(seq.clone(), keys.clone())
                && !seq.is_empty()
            {
                let q = crate::text::quoted;
                return Err(format!(
                    "keymap {file}: keys {} and {} are the same key{} ({}): bind it once",
                    q(&other),
                    q(&keys),
                    if seq.len() > 1 { "s" } else { "" },
                    seq.join(" ")
                ));
            }
            check_keys(&file, &keys, &seq, &action)?;
            bound_at.insert(seq.clone(), file.clone());
            if action.is_empty() {
                self.bindings.remove(&seq);
                continue;
            }
            self.bindings
                .insert(seq, bound_action(&file, &keys, &action)?);
        }
        self.check_sequences(&bound_at, file)?;
        Ok(self)
    }

    /// A key bound alone that also begins a sequence: the sequence can never be typed (the
    /// key acts at once). Said, naming both (and the line in `bound_at` that binds the key, else
    /// the sequence, else `file`), rather than one binding silently dead.
    fn check_sequences(
        &self,
        bound_at: &BTreeMap<Vec<KeyName>, String>,
        file: &str,
    ) -> Result<(), String> {
        for (seq, action) in &self.bindings {
            for n in 1..seq.len() {
                if let Some(first) = self.bindings.get(&seq[..n]) {
                    let file = bound_at
                        .get(&seq[..n])
                        .or_else(|| bound_at.get(seq))
                        .map_or(file, String::as_str);
                    return Err(format!(
                        "keymap {file}: {:?} is bound to {} and begins {:?} ({}): the longer one \
                         could never be typed; unbind one (\"{}\" = \"\")",
                        seq[..n].join(" "),
                        action_name(first),
                        seq.join(" "),
                        action_name(action),
                        seq[..n].join(" ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// What `pending` followed by `key` means.
    pub fn lookup(&self, pending: &[KeyName], key: &str) -> Lookup {
        let mut seq = pending.to_vec();
        seq.push(key.to_string());
        if let Some(a) = self.bindings.get(&seq) {
            return Lookup::Action(a.clone());
        }
        if self
            .bindings
            .keys()
            .any(|k| k.len() > seq.len() && k.starts_with(&seq))
        {
            return Lookup::Pending;
        }
        // A key that completes no sequence begun is read on its own (`g` then `:` opens the
        // palette), not swallowed.
        if !pending.is_empty() {
            return match self.lookup(&[], key) {
                Lookup::Action(a) => Lookup::Action(a),
                // (a key that begins another sequence is dropped with the one begun)
                _ => Lookup::Unbound,
            };
        }
        Lookup::Unbound
    }

    /// Bindings for the help overlay: (keys, action), grouped by action in help order.
    pub fn help(&self) -> Vec<(String, Action)> {
        let mut by_action: Vec<(String, Action)> = Vec::new();
        for (seq, action) in &self.bindings {
            let keys = seq.join(" ");
            match by_action.iter_mut().find(|(_, a)| a == action) {
                Some((k, _)) => {
                    k.push_str(", ");
                    k.push_str(&keys);
                }
                None => by_action.push((keys, action.clone())),
            }
        }
        by_action.sort_by_key(|(_, a)| a.help_rank());
        by_action
    }

    /// The single keys (no sequence) bound to `action`, in the keymap's order.
    pub fn single_keys(&self, action: &Action) -> impl Iterator<Item = &str> {
        self.bindings
            .iter()
            .filter(move |(seq, a)| *a == action && seq.len() == 1)
            .map(|(seq, _)| seq[0].as_str())
    }

    /// The first key bound to `action`, for hints in the status bar.
    pub fn key_for(&self, action: &Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(k, _)| k.join(" "))
    }

    /// The key to name for `action` in a hint or message: `usual` (the default keymap's)
    /// while it is bound to it, else the first key that is; `None` when no key is.
    pub fn key_to_name(&self, action: &Action, usual: &str) -> Option<String> {
        if self.lookup(&[], usual) == Lookup::Action(action.clone()) {
            Some(usual.to_string())
        } else {
            self.key_for(action)
        }
    }
}

/// An action as a keymap file names it (`help`, `toggle_diff`).
fn action_name(a: &Action) -> String {
    match toml::Value::try_from(a) {
        Ok(toml::Value::String(s)) => s,
        _ => format!("{a:?}"),
    }
}

/// The action a keymap file names `action` (bound to `keys` at `file`); an unknown one is
/// refused, listing the names a keymap may use.
fn bound_action(file: &str, keys: &str, action: &str) -> Result<Action, String> {
    toml::Value::String(action.to_string())
        .try_into()
        .map_err(|_| {
            // The names a keymap may use, as the embedded keymap writes them.
            let names: Vec<String> = Action::BINDABLE
                .iter()
                .filter_map(|(a, _)| toml::Value::try_from(a).ok())
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let q = crate::text::quoted;
            format!(
                "keymap {file}: key {}: unknown action {} (actions: {})",
                q(keys),
                q(action),
                names.join(", ")
            )
        })
}
