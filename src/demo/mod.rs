//! The demo dataset: its on-disk format (`fixtures/demo.json`), loading, and the generator that makes it.
//!
//! The dataset mirrors what the live system keeps (SPEC §1): raw Redis values per key, and rows
//! of `user_journeys`, `memory_bank` and `knowledge`. Keeping raw values (not parsed turns) lets
//! the demo carry malformed data exactly as Redis would hold it, and lets `seed` write it verbatim.

pub mod content;
pub mod generator;
pub mod hostile;

use std::collections::BTreeSet;

/// The checked-in demo dataset, embedded in the binary.
pub const DEMO_JSON: &str = include_str!("../../fixtures/demo.json");

pub use crate::store::dataset::{
    CachedContext, Dataset, DemoUser, JourneyRow, KnowledgeRow, MemoryRow, RedisKey, RedisValue,
};

impl Dataset {
    /// The embedded demo dataset.
    pub fn demo() -> Self {
        // The embedded file is generated and checked by a test; failing here is a build defect.
        #[allow(clippy::expect_used)]
        Self::from_json(DEMO_JSON).expect("embedded fixtures/demo.json is valid")
    }
}

/// The words of text every user may see: knowledge, milestone names, the presets, `shared`.
fn public_words(data: &Dataset, shared: &[&str]) -> BTreeSet<String> {
    let mut public = BTreeSet::new();
    for k in &data.knowledge {
        words(&k.title, &mut public);
        words(&k.content, &mut public);
        words(&k.metadata.to_string(), &mut public);
    }
    let map = crate::engine::MilestoneMap::default();
    for m in map.ids() {
        words(m, &mut public);
        words(map.name(m), &mut public);
    }
    for preset in ["prolaunch", "layered-adr"] {
        if let Some(p) = crate::engine::Policy::preset(preset) {
            words(&p.to_toml(), &mut public);
        }
    }
    shared.iter().for_each(|s| words(s, &mut public));
    public
}

/// The words of `text` redaction is checked on: four or more letters or digits, not a number
/// or a piece of a timestamp.
fn words(text: &str, out: &mut BTreeSet<String>) {
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let number_like = w
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 't' | 'T' | 'z' | 'Z'));
        if w.chars().count() >= 4 && !number_like {
            out.insert(w.to_lowercase());
        }
    }
}
/// The words of a JSON value's strings and numbers, its keys' words into `keys`.
fn values(v: &serde_json::Value, out: &mut BTreeSet<String>, keys: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) => words(s, out),
        serde_json::Value::Number(n) => words(&n.to_string(), out),
        serde_json::Value::Array(a) => a.iter().for_each(|x| values(x, out, keys)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                words(k, keys);
                values(x, out, keys);
            }
        }
        _ => {}
    }
}

/// The words of `user`'s personal data (chat turns, journey values, display name) that appear
/// nowhere in shared text a person may see under `--redact` (knowledge articles, milestone names,
/// policy presets, journey keys, `shared`): what redaction must never show. Words are runs of
/// letters and digits, lowercased, at least four long; numbers and pieces of timestamps
/// (`14t16`), which ctxlens shows as times, are left out.
pub fn private_words(data: &Dataset, user: &str, shared: &[&str]) -> BTreeSet<String> {
    let public = public_words(data, shared);
    let mut private = BTreeSet::new();
    let Some(u) = data.users.iter().find(|u| u.user_id == user) else {
        return private;
    };
    if let Some(name) = u.journey.as_ref().and_then(|j| j.display_name.as_deref()) {
        words(name, &mut private);
    }
    let mut keys = BTreeSet::new();
    for s in &u.sessions {
        let raw: Vec<String> = match &s.value {
            RedisValue::String(v) => vec![v.clone()],
            RedisValue::List(items) => items.clone(),
        };
        for r in raw {
            match serde_json::from_str::<serde_json::Value>(&r) {
                // Timestamps and roles are not the user's words (and are shown).
                Ok(serde_json::Value::Object(mut turn)) => {
                    turn.remove("timestamp");
                    turn.remove("role");
                    values(&serde_json::Value::Object(turn), &mut private, &mut keys)
                }
                Ok(v) => values(&v, &mut private, &mut keys),
                Err(_) => words(&r, &mut private),
            }
        }
    }
    for m in &u.memory_bank {
        values(&m.data, &mut private, &mut keys);
    }
    private
        .into_iter()
        .filter(|w| !public.contains(w) && !keys.contains(w))
        .collect()
}

/// The synthetic fleet `seed` of `count` users (the ones `seed --synthetic` writes).
struct SyntheticFleet {
    seed: u64,
    count: usize,
}

impl crate::store::memory::Generator for SyntheticFleet {
    fn count(&self) -> usize {
        self.count
    }

    fn user(&self, i: usize) -> DemoUser {
        generator::synthetic_user(self.seed, i)
    }

    fn id(&self, i: usize) -> String {
        generator::synthetic_id(self.seed, i)
    }

    fn position(&self, id: &str) -> Option<usize> {
        id.strip_prefix(&format!("s{}-", self.seed))
            .filter(|n| n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&i| i < self.count && generator::synthetic_id(self.seed, i) == id)
    }
}

impl crate::store::MemoryStore {
    /// The embedded demo dataset, labelled DEMO.
    pub fn demo() -> Self {
        // The embedded demo is checked by tests; its `now` always parses.
        #[allow(clippy::expect_used)]
        Self::from_dataset(Dataset::demo(), "DEMO").expect("embedded demo dataset is valid")
    }

    /// Synthetic fleet `seed` of `count` users (the ones `seed --synthetic` writes), each made
    /// when it is read, so memory does not grow with `count`.
    pub fn synthetic(seed: u64, count: usize) -> Self {
        // The generator's clock is a constant that parses.
        #[allow(clippy::expect_used)]
        let now = chrono::DateTime::parse_from_rfc3339(generator::NOW)
            .expect("generator NOW is RFC 3339")
            .with_timezone(&chrono::Utc);
        Self::generated(
            &format!("SYNTHETIC seed {seed} × {count}"),
            now,
            generator::knowledge_rows(),
            Box::new(SyntheticFleet { seed, count }),
        )
    }
}
