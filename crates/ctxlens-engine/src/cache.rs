//! The cached aggregated context (`context:{user}:{milestone}`, SPEC §1) and its drift from a replay.
//!
//! The system caches the context it sent for 300 s. The entry records which items went into the
//! prompt and what each cost, so it can be compared with a fresh replay of the same user: a cache
//! that no longer matches was built from older data or under another policy.

use std::collections::{HashMap, HashSet};

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assembly::{Assembly, Decision, Item};

/// What the system caches in `context:{user}:{milestone}`: the aggregated context it sent.
///
/// Unknown fields are allowed, so a writer may add its own without breaking readers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedContext {
    pub user_id: String,
    pub milestone: String,
    pub policy: String,
    /// RFC 3339.
    pub created_at: String,
    pub total_tokens: usize,
    /// The kept and truncated items, in assembly order.
    pub items: Vec<CachedItem>,
    pub prompt: String,
}

impl CachedContext {
    /// Why this is not the cached context of `user` at `milestone` (written for another user,
    /// or for another milestone than the one whose key holds it); `None` when it is. Such a
    /// cache is never compared with the user's replay.
    pub fn written_for_another(&self, user: &str, milestone: Option<&str>) -> Option<String> {
        if self.user_id != user {
            return Some(format!(
                "written for user {:?}, not this user",
                self.user_id
            ));
        }
        match milestone {
            Some(m) if m != self.milestone => Some(format!(
                "written for milestone {:?}, not the user's current {m:?}",
                self.milestone
            )),
            _ => None,
        }
    }
}

/// One item that went into the cached prompt; `tokens` is its `kept_tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedItem {
    pub id: String,
    pub layer: String,
    pub tokens: usize,
}

impl CachedContext {
    /// The cache entry the system would write for this assembly.
    pub fn from_assembly(a: &Assembly, milestone: &str, created_at: &str) -> Self {
        Self {
            user_id: a.user_id.clone(),
            milestone: milestone.to_string(),
            policy: a.policy.clone(),
            created_at: created_at.to_string(),
            total_tokens: a.total_tokens,
            items: in_prompt(a)
                .map(|i| CachedItem {
                    id: i.id.clone(),
                    layer: i.layer.clone(),
                    tokens: i.kept_tokens,
                })
                .collect(),
            prompt: a.prompt.clone(),
        }
    }

    /// Parses a cached value; the error names what is wrong (serde_json's message) and where: the
    /// offending field by its path (`items[2].tokens`), not a line and column (the value was
    /// parsed already; a position would be a re-serialised copy's).
    pub fn from_json(v: &Value) -> Result<Self, String> {
        let cached = Self::deserialize(v).map_err(|e| explain(v, &e))?;
        DateTime::parse_from_rfc3339(&cached.created_at).map_err(|e| {
            format!(
                "field `created_at`: {:?} is not RFC 3339 ({e})",
                cached.created_at
            )
        })?;
        Ok(cached)
    }
}

/// Items that contributed to an assembly's prompt, in assembly order.
fn in_prompt(a: &Assembly) -> impl Iterator<Item = &Item> {
    a.items
        .iter()
        .filter(|i| matches!(i.decision, Decision::Kept | Decision::Truncated))
}

/// serde_json's message, prefixed by the path of the offending field when the message names
/// only a type (`invalid type: string "x", expected usize`).
fn explain(v: &Value, e: &serde_json::Error) -> String {
    let message = e.to_string();
    match bad_field(v) {
        Some(path) => format!("field `{path}`: {message}"),
        None => message,
    }
}

/// The first field with a wrong type, in the order serde visits them (the map's own order).
fn bad_field(v: &Value) -> Option<String> {
    let obj = v.as_object()?;
    obj.iter().find_map(|(key, value)| {
        let wrong = match key.as_str() {
            "user_id" | "milestone" | "policy" | "created_at" | "prompt" => !value.is_string(),
            "total_tokens" => value.as_u64().is_none(),
            "items" => {
                let Some(items) = value.as_array() else {
                    return Some(key.clone());
                };
                return items
                    .iter()
                    .enumerate()
                    .find_map(|(i, item)| bad_item(item).map(|f| format!("items[{i}]{f}")));
            }
            _ => false,
        };
        wrong.then(|| key.clone())
    })
}

/// What is wrong with one cached item: `""` (the item itself) or `.field`.
fn bad_item(item: &Value) -> Option<String> {
    let Some(obj) = item.as_object() else {
        return Some(String::new());
    };
    let wrong = obj.iter().find(|(key, value)| match key.as_str() {
        "id" | "layer" => !value.is_string(),
        "tokens" => value.as_u64().is_none(),
        _ => false,
    });
    if let Some((key, _)) = wrong {
        return Some(format!(".{key}"));
    }
    // A missing field: serde names the field but not which item lacks it.
    ["id", "layer", "tokens"]
        .iter()
        .any(|k| !obj.contains_key(*k))
        .then(String::new)
}

/// How a cached context differs from a fresh replay.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Drift {
    /// Item ids in the cache but not kept or truncated in the replay.
    pub only_cached: Vec<String>,
    /// Kept or truncated in the replay but not in the cache.
    pub only_replay: Vec<String>,
    /// (id, cached tokens, replay kept_tokens) where both have the item and the counts differ.
    pub changed_tokens: Vec<(String, usize, usize)>,
    /// Replay `total_tokens` − cached `total_tokens`, exactly (a cached total is untrusted
    /// input: it may say anything up to `u64::MAX`).
    pub token_delta: i128,
    pub prompt_differs: bool,
}

impl Drift {
    /// No item, token or prompt difference.
    pub fn is_empty(&self) -> bool {
        self.only_cached.is_empty()
            && self.only_replay.is_empty()
            && self.changed_tokens.is_empty()
            && self.token_delta == 0
            && !self.prompt_differs
    }
}

/// Compares a cached context with a fresh replay. Lists follow the cache's order, except
/// `only_replay`, which follows the replay's.
pub fn drift(cached: &CachedContext, replay: &Assembly) -> Drift {
    let replayed: HashMap<&str, usize> = in_prompt(replay)
        .map(|i| (i.id.as_str(), i.kept_tokens))
        .collect();
    let cached_ids: HashSet<&str> = cached.items.iter().map(|i| i.id.as_str()).collect();
    let mut d = Drift::default();
    for item in &cached.items {
        match replayed.get(item.id.as_str()) {
            None => d.only_cached.push(item.id.clone()),
            Some(&tokens) if tokens != item.tokens => {
                d.changed_tokens
                    .push((item.id.clone(), item.tokens, tokens));
            }
            Some(_) => {}
        }
    }
    d.only_replay = in_prompt(replay)
        .filter(|i| !cached_ids.contains(i.id.as_str()))
        .map(|i| i.id.clone())
        .collect();
    d.token_delta = replay.total_tokens as i128 - cached.total_tokens as i128;
    d.prompt_differs = cached.prompt != replay.prompt;
    d
}

#[cfg(test)]
mod tests;
