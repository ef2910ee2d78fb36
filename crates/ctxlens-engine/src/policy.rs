//! Policy files (SPEC §2): the TOML schema, validation, `--set` overrides and the embedded presets.

mod schema;
pub use schema::{
    BudgetSpec, JourneyRelevance, JourneySpec, KnowledgeSpec, LayerSpec, Policy, Recency, Render,
    SessionSpec, Source, StaticModule, Strategy,
};

/// Embedded presets: (name, TOML).
pub const PRESETS: &[(&str, &str)] = &[
    (
        "prolaunch",
        include_str!("../../../fixtures/policies/prolaunch.toml"),
    ),
    (
        "layered-adr",
        include_str!("../../../fixtures/policies/layered-adr.toml"),
    ),
];

/// What is wrong with a policy, naming the file and the line and column or the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: {key}: {message}")]
    Invalid {
        /// The file, and the line:column of the key where the file writes it.
        file: String,
        key: String,
        message: String,
    },
    #[error("--set {arg}: {message}")]
    Override { arg: String, message: String },
    #[error("{0}")]
    Io(String),
}

/// The budgets a policy gives (SPEC §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    pub total: u32,
    /// Per layer, in policy order.
    pub layers: Vec<u32>,
}

/// The most hits a policy's knowledge search may ask for (`knowledge.limit`): far past any
/// prompt's room, and small enough that the limit and its near misses stay a count.
pub const MAX_KNOWLEDGE_LIMIT: usize = 100_000;

impl Policy {
    /// The embedded preset called `name`.
    pub fn preset(name: &str) -> Option<Policy> {
        let (_, text) = PRESETS.iter().find(|(n, _)| *n == name)?;
        Policy::from_toml(text, &format!("preset {name}")).ok()
    }

    /// Parses and validates policy TOML; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Policy, PolicyError> {
        let mut policy: Policy = toml::from_str(text).map_err(|e| syntax_error(text, file, &e))?;
        policy.unsign_zeros();
        policy
            .validate()
            .map_err(|(key, message)| PolicyError::Invalid {
                file: match key_position(text, &key) {
                    Some((line, column)) => format!("{file}:{line}:{column}"),
                    None => file.into(),
                },
                key,
                message,
            })?;
        Ok(policy)
    }

    /// TOML text of this policy (for saving a tuned policy). A float TOML would write with all
    /// its digits (`1e308` as 309 of them) is written in exponent form, as `--set` takes it.
    pub fn to_toml(&self) -> String {
        let text = place::escape_invisible(&toml::to_string(self).unwrap_or_default(), self);
        let mut out: String = text.lines().map(|l| short_float(l) + "\n").collect();
        if !text.ends_with('\n') {
            out.pop();
        }
        out
    }

    /// T and every layer budget (SPEC §3.1). Validation guarantees T > 0.
    pub fn budgets(&self) -> Budgets {
        let total = self
            .total_budget()
            .unwrap_or(0)
            .clamp(0, i64::from(u32::MAX)) as u32;
        let layers = self
            .layers
            .iter()
            .map(|l| {
                let b = (f64::from(total) * l.weight)
                    .floor()
                    .min(f64::from(u32::MAX)) as u32;
                l.cap.map_or(b, |c| b.min(c))
            })
            .collect();
        Budgets { total, layers }
    }

    /// `T`: `total`, or `model_max_tokens − expected_output_tokens − overhead` (overhead defaults to 500).
    pub fn total_budget(&self) -> Result<i64, String> {
        let b = &self.budget;
        match (b.total, b.model_max_tokens, b.expected_output_tokens) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err("set either total or model_max_tokens/expected_output_tokens, not both".into())
            }
            (Some(t), None, None) => Ok(t),
            (None, Some(m), Some(o)) => m
                .checked_sub(o)
                .and_then(|t| t.checked_sub(b.overhead.unwrap_or(500)))
                .ok_or_else(|| {
                    format!(
                        "model_max_tokens {m} − expected_output_tokens {o} − overhead {} is out \
                         of range",
                        b.overhead.unwrap_or(500)
                    )
                }),
            (None, Some(_), None) => Err("model_max_tokens needs expected_output_tokens".into()),
            (None, None, _) => {
                Err("set total, or model_max_tokens and expected_output_tokens".into())
            }
        }
    }

    /// The layer fed by `source`, if any.
    pub fn layer_for(&self, source: Source) -> Option<&LayerSpec> {
        self.layers.iter().find(|l| l.source == source)
    }

    /// Static modules selected by the active category (seed 003's `getContextForCategory`).
    pub fn active_modules(&self) -> impl Iterator<Item = &StaticModule> {
        self.modules.iter().filter(|m| {
            m.categories
                .iter()
                .any(|c| c == "*" || Some(c.as_str()) == self.category.as_deref())
        })
    }

    /// `-0.0` read as `0.0` wherever a number may be 0: the same value, shown and written
    /// without a sign that reads as negative (a weight of `-0.0` beside the refused `-0.5`).
    fn unsign_zeros(&mut self) {
        let zero = |x: &mut f64| {
            if *x == 0.0 {
                *x = 0.0;
            }
        };
        self.layers.iter_mut().for_each(|l| zero(&mut l.weight));
        self.modules.iter_mut().for_each(|m| zero(&mut m.priority));
        zero(&mut self.recency.window_hours);
        zero(&mut self.recency.boost);
        let r = &mut self.journey.relevance;
        for x in [
            &mut r.business_dna,
            &mut r.direct,
            &mut r.transitive,
            &mut r.other,
        ] {
            zero(x);
        }
        zero(&mut self.knowledge.similarity_threshold);
    }

    /// Checks what TOML types cannot: returns the key and what is wrong with it.
    fn validate(&self) -> Result<(), (String, String)> {
        // A name shows in every header and report line: a blank one reads as nothing.
        if self.name.trim().is_empty() {
            return bad("name", "must not be empty".into());
        }
        if self.layers.iter().any(|l| l.name.trim().is_empty()) {
            return bad("layers", "a layer's name must not be empty".into());
        }
        self.validate_budget()?;
        if self.layers.is_empty() {
            return bad("layers", "at least one layer is needed".into());
        }
        self.validate_layers(self.total_budget().unwrap_or(0))?;
        self.validate_factors()?;
        self.validate_scores()?;
        self.validate_ranges()?;
        self.validate_modules()
    }

    /// The budget's terms, and `T` from them: more than 0, and a count of tokens.
    fn validate_budget(&self) -> Result<(), (String, String)> {
        // A negative term would make T larger than the model's window: never what is meant.
        for (key, v) in [
            (
                "budget.expected_output_tokens",
                self.budget.expected_output_tokens,
            ),
            ("budget.overhead", self.budget.overhead),
        ] {
            if let Some(v) = v.filter(|v| *v < 0) {
                return bad(key, format!("must be a count of tokens ≥ 0, got {v}"));
            }
        }
        match self.total_budget() {
            Err(m) => bad("budget", m),
            Ok(t) if t <= 0 => bad(
                "budget",
                format!("total budget T = {t} must be > 0{}", self.budget_formula()),
            ),
            Ok(t) if t > i64::from(u32::MAX) => bad(
                "budget",
                format!(
                    "total budget T = {t} must be at most {}{}",
                    u32::MAX,
                    self.budget_formula()
                ),
            ),
            Ok(_) => Ok(()),
        }
    }

    /// The recency window and boost, and each journey relevance: finite numbers ≥ 0.
    fn validate_factors(&self) -> Result<(), (String, String)> {
        for (key, v) in [
            ("recency.window_hours", self.recency.window_hours),
            ("recency.boost", self.recency.boost),
            (
                "journey.relevance.business_dna",
                self.journey.relevance.business_dna,
            ),
            ("journey.relevance.direct", self.journey.relevance.direct),
            (
                "journey.relevance.transitive",
                self.journey.relevance.transitive,
            ),
            ("journey.relevance.other", self.journey.relevance.other),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(
                    key,
                    format!("must be a finite number ≥ 0, got {}", crate::shown_f64(v)),
                );
            }
        }
        Ok(())
    }

    /// The largest score a policy can give, a relevance times the boost, is a finite number.
    fn validate_scores(&self) -> Result<(), (String, String)> {
        // A score is a relevance (turns and knowledge at most 1) times the boost: each finite
        // is not enough when the product is not (it would be written `null` in JSON).
        let r = &self.journey.relevance;
        let (most_key, most) = [
            ("journey.relevance.business_dna", r.business_dna),
            ("journey.relevance.direct", r.direct),
            ("journey.relevance.transitive", r.transitive),
            ("journey.relevance.other", r.other),
            ("", 1.0),
        ]
        .into_iter()
        .fold(("", 0.0), |a, b| if b.1 > a.1 { b } else { a });
        let boost = self.recency.boost;
        if (most * boost.max(1.0)).is_finite() {
            return Ok(());
        }
        // Named by the larger factor: the key set past reason, as a person typed it.
        let blame_relevance = !most_key.is_empty() && most >= boost;
        let (most, boost) = (crate::shown_f64(most), crate::shown_f64(boost));
        if blame_relevance {
            bad(
                most_key,
                format!("{most} × recency.boost {boost} is past what a score can hold"),
            )
        } else {
            bad(
                "recency.boost",
                format!("{boost} × the largest relevance ({most}) is past what a score can hold"),
            )
        }
    }

    /// The dedupe threshold, the knowledge limit and the similarity threshold: each within its
    /// range.
    fn validate_ranges(&self) -> Result<(), (String, String)> {
        let d = self.dedupe_threshold;
        if !(d > 0.0 && d <= 1.0) {
            return bad(
                "dedupe_threshold",
                format!("must be within (0, 1], got {}", crate::shown_f64(d)),
            );
        }
        // A search asks for the limit and its near misses: a count that must stay a count.
        if self.knowledge.limit > MAX_KNOWLEDGE_LIMIT {
            return bad(
                "knowledge.limit",
                format!(
                    "must be at most {MAX_KNOWLEDGE_LIMIT} hits, got {}",
                    self.knowledge.limit
                ),
            );
        }
        let t = self.knowledge.similarity_threshold;
        if !(-1.0..=1.0).contains(&t) {
            return bad(
                "knowledge.similarity_threshold",
                format!("must be within [-1, 1], got {}", crate::shown_f64(t)),
            );
        }
        Ok(())
    }

    /// Each layer's weight (its budget `T × weight` a count of tokens), and no name or source
    /// used twice.
    fn validate_layers(&self, total: i64) -> Result<(), (String, String)> {
        for (i, l) in self.layers.iter().enumerate() {
            if !(l.weight.is_finite() && l.weight >= 0.0) {
                return bad(
                    &format!("layers.{}.weight", l.name),
                    format!(
                        "must be a finite number ≥ 0, got {}",
                        crate::shown_f64(l.weight)
                    ),
                );
            }
            if total as f64 * l.weight > f64::from(u32::MAX) {
                return bad(
                    &format!("layers.{}.weight", l.name),
                    format!(
                        "T × weight = {total} × {} is beyond {} tokens",
                        crate::shown_f64(l.weight),
                        u32::MAX
                    ),
                );
            }
            if let Some(other) = self.layers[..i].iter().find(|o| o.name == l.name) {
                return bad(
                    &format!("layers.{}", other.name),
                    "layer name used twice".into(),
                );
            }
            if let Some(other) = self.layers[..i].iter().find(|o| o.source == l.source) {
                let msg = format!(
                    "source {} feeds layers {} and {}: one layer a source",
                    l.source.as_str(),
                    other.name,
                    l.name
                );
                return bad(&format!("layers.{}.source", l.name), msg);
            }
        }
        Ok(())
    }

    /// Each static module's priority, and no name used twice.
    fn validate_modules(&self) -> Result<(), (String, String)> {
        for (i, m) in self.modules.iter().enumerate() {
            if !(m.priority.is_finite() && m.priority >= 0.0) {
                return bad(
                    &format!("static.{}.priority", m.name),
                    format!(
                        "must be a finite number ≥ 0, got {}",
                        crate::shown_f64(m.priority)
                    ),
                );
            }
            if self.modules[..i].iter().any(|o| o.name == m.name) {
                return bad(
                    &format!("static.{}", m.name),
                    "module name used twice".into(),
                );
            }
            // The name is the module's item id: it must read as something, and never as the
            // id of an item of another layer (a turn `s1#4`, `mb:12`, `kn:3`, the query).
            if m.name.trim().is_empty() {
                return bad("static", "a module's name must not be empty".into());
            }
            if let Some(like) = other_item_id(&m.name) {
                return bad(
                    &format!("static.{}", m.name),
                    format!("a module's name is its item id, and this one reads as {like}"),
                );
            }
        }
        // A category no module lists and seed 003 does not name is a typo: it would quietly
        // leave only the modules for every category.
        if let Some(c) = &self.category {
            // A category only picks static modules: set where there are none, it would be a
            // setting silently without effect.
            if self.modules.is_empty() {
                return bad(
                    "category",
                    format!(
                        "{c:?} would change nothing: a category picks static modules, and this \
                         policy has none"
                    ),
                );
            }
            let mut known: Vec<&str> = SEED_CATEGORIES.to_vec();
            for m in &self.modules {
                known.extend(
                    m.categories
                        .iter()
                        .map(String::as_str)
                        .filter(|c| *c != "*"),
                );
            }
            known.sort_unstable();
            known.dedup();
            if !known.contains(&c.as_str()) {
                return bad(
                    "category",
                    format!("{c:?} is no category (categories: {})", known.join(", ")),
                );
            }
        }
        Ok(())
    }

    fn budget_formula(&self) -> String {
        let b = &self.budget;
        match (b.model_max_tokens, b.expected_output_tokens) {
            (Some(m), Some(o)) => format!(
                " (model_max_tokens {m} − expected_output_tokens {o} − overhead {})",
                b.overhead.unwrap_or(500)
            ),
            _ => String::new(),
        }
    }
}

/// Seed 003's feature categories, which `optimize --per-category` and the users' contexts use.
pub const SEED_CATEGORIES: [&str; 5] = [
    "analysis",
    "retrieval",
    "recommendation",
    "technical",
    "business",
];

/// A validation failure: the key and what is wrong with it.
fn bad<T>(key: &str, msg: String) -> Result<T, (String, String)> {
    Err((key.to_string(), msg))
}

/// What kind of other item's id `name` has the shape of, if any.
fn other_item_id(name: &str) -> Option<&'static str> {
    let turn = name
        .rsplit_once('#')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if name == "query" {
        Some("the query's id")
    } else if name.starts_with("mb:") {
        Some("a journey row's id (mb:…)")
    } else if name.starts_with("kn:") {
        Some("a knowledge row's id (kn:…)")
    } else if turn {
        Some("a chat turn's id (SESSION#N)")
    } else {
        None
    }
}

mod place;
use place::{key_position, syntax_error};
pub use place::{line_col, plain_expected, toml_message};

mod overrides;
pub use overrides::budget_keys_replaced_by;

/// `key = 1000…0.0` (a float of more than 20 characters) as `key = 1e308`; other lines as they are.
fn short_float(line: &str) -> String {
    if let Some((key, value)) = line.split_once(" = ")
        && value.len() > 20
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && let Ok(x) = value.parse::<f64>()
    {
        return format!("{key} = {x:e}");
    }
    line.to_string()
}

#[cfg(test)]
mod tests;
