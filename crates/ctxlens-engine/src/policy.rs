//! Policy files (SPEC §2): the TOML schema, validation, `--set` overrides and the embedded presets.

use serde::{Deserialize, Serialize};

use super::tokens::Tokenizer;

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

/// How a layer that does not fit is handled (SPEC §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Seed 000's TokenOptimizer: the first misfit and everything after it are dropped.
    #[default]
    Stop,
    /// Drop the misfit, keep trying smaller items.
    Skip,
    /// Seed 003's fitContextsToBudget: cut the misfit to the remaining budget, drop the rest.
    Truncate,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [Strategy::Stop, Strategy::Skip, Strategy::Truncate];

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Stop => "stop",
            Strategy::Skip => "skip",
            Strategy::Truncate => "truncate",
        }
    }
}

/// Where a layer's items come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Session,
    Journey,
    Knowledge,
    Static,
    Query,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Session => "session",
            Source::Journey => "journey",
            Source::Knowledge => "knowledge",
            Source::Static => "static",
            Source::Query => "query",
        }
    }
}

/// How a layer's section is written into the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Render {
    /// A `## Title` header, then the items separated by blank lines.
    #[default]
    Plain,
    /// Seed 003's `buildRAGContextSection`: numbered items and a `Sources:` list between `---` rules.
    Rag,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    #[serde(default = "default_tokenizer")]
    pub tokenizer: Tokenizer,
    #[serde(default)]
    pub strategy: Strategy,
    #[serde(default = "default_min_remaining")]
    pub truncate_min_remaining: u32,
    #[serde(default = "default_marker")]
    pub truncate_marker: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Duplicates removed before the fit (`off`: none, SPEC §3 as written).
    #[serde(default, skip_serializing_if = "super::dedupe::Dedupe::is_off")]
    pub dedupe: super::dedupe::Dedupe,
    /// Jaccard of word 3-shingles at or above which two items are near copies.
    #[serde(
        default = "default_dedupe_threshold",
        skip_serializing_if = "is_default_dedupe_threshold"
    )]
    pub dedupe_threshold: f64,
    pub budget: BudgetSpec,
    #[serde(default)]
    pub recency: Recency,
    pub layers: Vec<LayerSpec>,
    #[serde(default)]
    pub session: SessionSpec,
    #[serde(default)]
    pub journey: JourneySpec,
    #[serde(default)]
    pub knowledge: KnowledgeSpec,
    #[serde(default, rename = "static", skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<StaticModule>,
}

fn default_tokenizer() -> Tokenizer {
    Tokenizer::Cl100kBase
}
fn default_min_remaining() -> u32 {
    100
}
fn default_dedupe_threshold() -> f64 {
    super::dedupe::DEFAULT_THRESHOLD
}
fn is_default_dedupe_threshold(t: &f64) -> bool {
    *t == super::dedupe::DEFAULT_THRESHOLD
}
fn default_marker() -> String {
    "\n[...truncated]".into()
}

/// Either `total`, or the model limits of seed 003's `calculateContextBudget`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_max_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_output_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recency {
    pub window_hours: f64,
    pub boost: f64,
}

impl Default for Recency {
    fn default() -> Self {
        Self {
            window_hours: 24.0,
            boost: 2.0,
        }
    }
}

impl Recency {
    /// Whether an item stamped `at` is inside the window at `now` (SPEC §3.4: its age is less
    /// than `window_hours`), so its boost applies; an item without a time never is.
    pub fn covers(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> bool {
        let window_ms = self.window_hours * 3_600_000.0;
        at.is_some_and(|t| ((now - t).num_milliseconds() as f64) < window_ms)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSpec {
    pub name: String,
    pub source: Source,
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
    /// Section title in the prompt; defaults per source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub render: Render,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    pub max_items: usize,
}

impl Default for SessionSpec {
    fn default() -> Self {
        Self { max_items: 10 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct JourneySpec {
    #[serde(default)]
    pub relevance: JourneyRelevance,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JourneyRelevance {
    pub business_dna: f64,
    pub direct: f64,
    pub transitive: f64,
    pub other: f64,
}

impl Default for JourneyRelevance {
    fn default() -> Self {
        Self {
            business_dna: 1.0,
            direct: 0.9,
            transitive: 0.7,
            other: 0.4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeSpec {
    pub similarity_threshold: f64,
    pub limit: usize,
    pub same_milestone_only: bool,
}

impl Default for KnowledgeSpec {
    fn default() -> Self {
        Self {
            similarity_threshold: 0.7,
            limit: 10,
            same_milestone_only: true,
        }
    }
}

/// A static context module (seed 003).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticModule {
    pub name: String,
    pub priority: f64,
    pub categories: Vec<String>,
    pub text: String,
}

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
        let bad = |key: &str, msg: String| Err((key.to_string(), msg));
        // A name shows in every header and report line: a blank one reads as nothing.
        if self.name.trim().is_empty() {
            return bad("name", "must not be empty".into());
        }
        if self.layers.iter().any(|l| l.name.trim().is_empty()) {
            return bad("layers", "a layer's name must not be empty".into());
        }
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
            Err(m) => return bad("budget", m),
            Ok(t) if t <= 0 => {
                return bad(
                    "budget",
                    format!("total budget T = {t} must be > 0{}", self.budget_formula()),
                );
            }
            Ok(t) if t > i64::from(u32::MAX) => {
                return bad(
                    "budget",
                    format!(
                        "total budget T = {t} must be at most {}{}",
                        u32::MAX,
                        self.budget_formula()
                    ),
                );
            }
            Ok(_) => {}
        }
        if self.layers.is_empty() {
            return bad("layers", "at least one layer is needed".into());
        }
        self.validate_layers(self.total_budget().unwrap_or(0))?;
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
        if !(most * boost.max(1.0)).is_finite() {
            // Named by the larger factor: the key set past reason, as a person typed it.
            let blame_relevance = !most_key.is_empty() && most >= boost;
            let (most, boost) = (crate::shown_f64(most), crate::shown_f64(boost));
            return if blame_relevance {
                bad(
                    most_key,
                    format!("{most} × recency.boost {boost} is past what a score can hold"),
                )
            } else {
                bad(
                    "recency.boost",
                    format!(
                        "{boost} × the largest relevance ({most}) is past what a score can hold"
                    ),
                )
            };
        }
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
        self.validate_modules()
    }

    /// Each layer's weight (its budget `T × weight` a count of tokens), and no name or source
    /// used twice.
    fn validate_layers(&self, total: i64) -> Result<(), (String, String)> {
        let bad = |key: &str, msg: String| Err((key.to_string(), msg));
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
        let bad = |key: &str, msg: String| Err((key.to_string(), msg));
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
