//! The policy's TOML schema (SPEC §2): its fields, what each defaults to, and the enums they
//! take.

use serde::{Deserialize, Serialize};

use crate::tokens::Tokenizer;

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
    #[serde(default, skip_serializing_if = "crate::dedupe::Dedupe::is_off")]
    pub dedupe: crate::dedupe::Dedupe,
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
    crate::dedupe::DEFAULT_THRESHOLD
}
fn is_default_dedupe_threshold(t: &f64) -> bool {
    *t == crate::dedupe::DEFAULT_THRESHOLD
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
