//! Why a knowledge row was (not) used: one line per gate it meets on its way into the prompt
//! (the search, SPEC §3.2's threshold, milestone filter and limit, §3.4's recency and score, the
//! fit), the first one it failed named.

use serde::Serialize;

use super::assemble::Engine;
use super::assembly::{Assembly, Decision, Reason};
use super::policy::{Policy, Source};
use super::snapshot::{KnowledgeEntry, Snapshot, fmt_ts};

/// A gate of the way into the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateName {
    /// Whether the store's search returned the row.
    Search,
    Similarity,
    Milestone,
    Rank,
    Recency,
    Score,
    Budget,
}

impl GateName {
    pub fn as_str(self) -> &'static str {
        match self {
            GateName::Search => "search",
            GateName::Similarity => "similarity",
            GateName::Milestone => "milestone",
            GateName::Rank => "rank",
            GateName::Recency => "recency",
            GateName::Score => "score",
            GateName::Budget => "budget",
        }
    }
}

/// One gate: passed, failed, or not a pass/fail question (`None`: recency and score, or a gate
/// never reached).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gate {
    pub gate: GateName,
    pub pass: Option<bool>,
    pub detail: String,
}

/// The row as scored for this user's query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowFacts {
    pub id: String,
    pub title: String,
    pub milestone: Option<String>,
    /// Exact cosine similarity to the query (`None`: the row cannot be scored).
    pub similarity: Option<f64>,
    pub created_at: Option<String>,
}

/// Every gate of one knowledge row for one user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub user_id: String,
    pub policy: String,
    pub current_milestone: Option<String>,
    pub row: RowFacts,
    /// Whether the store's search returned the row (else the gates after it say what would
    /// have happened had it).
    pub retrieved: bool,
    pub gates: Vec<Gate>,
    pub first_failed: Option<GateName>,
    /// The row's decision in the assembly (with the row added when the search missed it).
    pub decision: Option<Decision>,
    pub reason: Option<Reason>,
    pub kept_tokens: usize,
}

impl Engine {
    /// Explains `row` (scored exactly against the user's query) for the user of `snap` under
    /// `policy`: `snap` as loaded, its knowledge the search's answer.
    pub fn explain_knowledge(
        &self,
        snap: &Snapshot,
        policy: &Policy,
        row: &KnowledgeEntry,
    ) -> Explanation {
        self.explain_knowledge_as(snap, policy, row, false)
    }

    /// [`Engine::explain_knowledge`]; with `redact`, a copy link between the row and a masked
    /// item (a chat turn, journey data) is not named, as a redacted assembly does not name it:
    /// the article would tell what the hidden text says.
    pub fn explain_knowledge_as(
        &self,
        snap: &Snapshot,
        policy: &Policy,
        row: &KnowledgeEntry,
        redact: bool,
    ) -> Explanation {
        let retrieved = snap.knowledge.iter().any(|h| h.id == row.id);
        let mut with_row = snap.clone();
        if !retrieved {
            with_row.knowledge.push(row.clone());
        }
        let mut a = self.assemble_decisions(&with_row, policy);
        if redact {
            crate::redact::unlink_across_the_mask(&mut a);
        }
        let item = a.item(&row.id);
        let mut gates = retrieval_gates(snap, &with_row, policy, row, retrieved);
        gates.extend(assembly_gates(snap, policy, row, &a, retrieved));
        let first_failed = gates.iter().find(|g| g.pass == Some(false)).map(|g| g.gate);
        Explanation {
            user_id: snap.user_id.clone(),
            policy: policy.name.clone(),
            current_milestone: snap.current_milestone.clone(),
            row: RowFacts {
                id: row.id.clone(),
                title: row.title.clone(),
                milestone: row.milestone.clone(),
                similarity: Some(row.similarity),
                created_at: row.timestamp.as_ref().map(fmt_ts),
            },
            retrieved,
            gates,
            first_failed,
            decision: item.map(|i| i.decision),
            reason: item.and_then(|i| i.reason),
            kept_tokens: item.map_or(0, |i| i.kept_tokens),
        }
    }
}

impl Explanation {
    /// A row the search can never return (its embedding cannot be scored, or the row cannot be
    /// read at `source`): one gate, the search, failed, and why.
    pub fn unreadable(snap: &Snapshot, policy: &str, id: &str, source: &str, reason: &str) -> Self {
        Explanation {
            user_id: snap.user_id.clone(),
            policy: policy.to_string(),
            current_milestone: snap.current_milestone.clone(),
            row: RowFacts {
                id: id.to_string(),
                title: String::new(),
                milestone: None,
                similarity: None,
                created_at: None,
            },
            retrieved: false,
            gates: vec![Gate {
                gate: GateName::Search,
                pass: Some(false),
                detail: format!("never returned: {source} cannot be scored or read: {reason}"),
            }],
            first_failed: Some(GateName::Search),
            decision: None,
            reason: None,
            kept_tokens: 0,
        }
    }

    /// The row's title and milestone, when they could be read though it could not be scored.
    pub fn titled(mut self, known: Option<(String, Option<String>)>) -> Self {
        if let Some((title, milestone)) = known {
            self.row.title = title;
            self.row.milestone = milestone;
        }
        self
    }

    /// Whether the row could be scored at all (else only the search gate is known).
    pub fn scorable(&self) -> bool {
        self.row.similarity.is_some()
    }

    /// The one-line answer: in the prompt, or the gate it fails at.
    pub fn verdict(&self) -> String {
        match self.first_failed {
            None => "in the prompt".to_string(),
            Some(_) if !self.scorable() => {
                "not in the prompt: the search skips the row, which it cannot rank".into()
            }
            Some(g) => format!("not in the prompt: it fails at {}", g.as_str()),
        }
    }

    /// The heading's row part: `kn:12 "Title" (M3)`, or `kn:12 (unreadable)`.
    pub fn row_heading(&self) -> String {
        if !self.scorable() && self.row.title.is_empty() {
            return format!("{} (unreadable)", self.row.id);
        }
        let milestone = self.row.milestone.as_deref().unwrap_or("general");
        let unscored = if self.scorable() {
            ""
        } else {
            " (cannot be scored)"
        };
        format!(
            "{} \"{}\" ({milestone}){unscored}",
            self.row.id, self.row.title
        )
    }
}

/// The search's gates: whether it returned the row, its similarity, its milestone, its rank.
fn retrieval_gates(
    snap: &Snapshot,
    with_row: &Snapshot,
    policy: &Policy,
    row: &KnowledgeEntry,
    retrieved: bool,
) -> Vec<Gate> {
    let k = &policy.knowledge;
    let current = snap.current_milestone.as_deref();
    let sim_ok = row.similarity >= k.similarity_threshold;
    let milestone_ok =
        !k.same_milestone_only || row.milestone.is_none() || row.milestone.as_deref() == current;
    // Qualifying rows ahead of this one: the search's answer, as assembly ranks it.
    let ahead = with_row
        .knowledge
        .iter()
        .filter(|h| {
            h.similarity >= k.similarity_threshold
                && (!k.same_milestone_only
                    || h.milestone.is_none()
                    || h.milestone.as_deref() == current)
        })
        .filter(|h| {
            h.similarity > row.similarity || (h.similarity == row.similarity && h.id < row.id)
        })
        .count();
    let rank = ahead + 1;
    let rank_ok = rank <= k.limit;
    let qualifies = sim_ok && milestone_ok && rank_ok;
    let searched = match (retrieved, qualifies) {
        (true, _) => Some(true),
        (false, true) => Some(false),
        (false, false) => None,
    };
    let cmp = if sim_ok { "≥" } else { "<" };
    let ranked = if sim_ok && milestone_ok {
        format!("{rank} among the qualifying rows, limit {}", k.limit)
    } else {
        "not ranked: an earlier gate failed".into()
    };
    vec![
        Gate {
            gate: GateName::Search,
            pass: searched,
            detail: search_detail(retrieved, qualifies),
        },
        Gate {
            gate: GateName::Similarity,
            pass: Some(sim_ok),
            detail: similarity_detail(row.similarity, cmp, k.similarity_threshold),
        },
        Gate {
            gate: GateName::Milestone,
            pass: Some(milestone_ok),
            detail: milestone_detail(k.same_milestone_only, row.milestone.as_deref(), current),
        },
        Gate {
            gate: GateName::Rank,
            pass: (sim_ok && milestone_ok).then_some(rank_ok),
            detail: ranked,
        },
    ]
}

/// Assembly's gates: recency, score (and the place in the fit order), and the budget.
fn assembly_gates(
    snap: &Snapshot,
    policy: &Policy,
    row: &KnowledgeEntry,
    a: &Assembly,
    retrieved: bool,
) -> Vec<Gate> {
    let item = a.item(&row.id);
    let (multiplier, score, relevance) = item.map_or((1.0, row.similarity, row.similarity), |i| {
        (i.multiplier, i.score, i.relevance)
    });
    let recent = policy.recency.covers(snap.now, row.timestamp);
    let age = row.timestamp.map_or("no timestamp".to_string(), |t| {
        let hours = (snap.now - t).num_seconds() as f64 / 3600.0;
        // A row dated after the clock (a clock ahead, a typo) is said to be so.
        let when = if hours < 0.0 {
            format!("{} after now", human_hours(-hours))
        } else {
            format!("{} before now", human_hours(hours))
        };
        format!("created {} ({when})", fmt_ts(&t))
    });
    let position = item.and_then(|it| {
        a.layer_items(&it.layer)
            .filter(|i| i.reason.is_none_or(|r| r.is_budget()))
            .position(|i| i.id == it.id)
    });
    let place = position.map_or(String::new(), |p| {
        format!(", {} in the layer's fit order", ordinal(p + 1))
    });
    let (pass, detail) = match (policy.layer_for(Source::Knowledge), item) {
        (None, _) => (Some(false), "the policy has no knowledge layer".to_string()),
        (Some(_), None) => (None, "not an item of this assembly".to_string()),
        (Some(l), Some(it)) => budget_gate(it, l, a),
    };
    let detail = if retrieved {
        detail
    } else {
        format!("had the search returned it: {detail}")
    };
    vec![
        Gate {
            gate: GateName::Recency,
            pass: None,
            // Inside the window the boost applies; outside it, none (× 1.00), as SPEC §3.4.
            detail: format!(
                "{age}; {} the {} h window: × {multiplier:.2}",
                if recent { "inside" } else { "outside" },
                crate::shown_f64(policy.recency.window_hours)
            ),
        },
        Gate {
            gate: GateName::Score,
            pass: None,
            detail: format!(
                "{relevance:.3} relevance × {multiplier:.2} recency = {score:.3}{place}"
            ),
        },
        Gate {
            gate: GateName::Budget,
            pass,
            detail,
        },
    ]
}

fn search_detail(retrieved: bool, qualifies: bool) -> String {
    match (retrieved, qualifies) {
        (true, _) => "returned by the store's search".into(),
        (false, true) => "not returned by the store's search, though its exact score qualifies \
                          (an approximate index missed it)"
            .into(),
        (false, false) => "not returned by the store's search (it returns hits at least \
                           threshold − 0.3 similar, limit + 5 of them): the gates below say why"
            .into(),
    }
}

fn milestone_detail(filter: bool, row: Option<&str>, current: Option<&str>) -> String {
    match (filter, row, current) {
        (false, _, _) => "filter off (same_milestone_only = false)".into(),
        (true, None, _) => "a general row (no milestone): matches every milestone".into(),
        (true, Some(m), Some(c)) if m == c => format!("{m}, the user's milestone"),
        (true, Some(m), Some(c)) => format!("a row of {m}; the user is at {c}"),
        (true, Some(m), None) => format!("a row of {m}; the user has no milestone"),
    }
}

/// The fit: kept, truncated, or what dropped it.
fn budget_gate(
    it: &super::assembly::Item,
    layer: &super::policy::LayerSpec,
    a: &super::assembly::Assembly,
) -> (Option<bool>, String) {
    let used = a.layers.get(&layer.name).map_or(0, |l| l.used);
    let budget = a.budget.layers.get(&layer.name).copied().unwrap_or(0);
    let room = format!("layer {} used {used} of {budget}", layer.name);
    match (it.decision, it.reason) {
        (Decision::Kept, _) => (
            Some(true),
            format!("kept whole: {} tokens; {room}", it.kept_tokens),
        ),
        (Decision::Truncated, _) => (
            Some(true),
            format!(
                "truncated to {} of {} tokens; {room}",
                it.kept_tokens, it.tokens
            ),
        ),
        (Decision::Dropped, Some(Reason::LayerBudget)) => (
            Some(false),
            format!("dropped by layer_budget ({} tokens); {room}", it.tokens),
        ),
        // Past its layer's fit, the global pass (T over every layer) had no room left.
        (Decision::Dropped, Some(Reason::GlobalBudget)) => (
            Some(false),
            format!(
                "dropped by global_budget ({} tokens): its layer's fit kept it, the global pass \
                 had no room for it under T {} ({} tokens kept in all)",
                it.tokens, a.budget.total, a.total_tokens
            ),
        ),
        (Decision::Dropped, Some(Reason::Duplicate)) => (
            Some(false),
            format!(
                "dropped before the fit as a copy of {}",
                it.duplicate
                    .as_ref()
                    .map_or("another item", |d| d.of.as_str())
            ),
        ),
        (Decision::Dropped, r) => (
            None,
            format!(
                "did not reach the fit ({})",
                r.map_or("dropped", Reason::as_str)
            ),
        ),
    }
}

fn human_hours(h: f64) -> String {
    if h < 48.0 {
        format!("{h:.1} h")
    } else {
        format!("{:.0} days", h / 24.0)
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `0.712 ≥ threshold 0.70`; a similarity that rounds to the threshold it is not equal to is
/// shown with the digits that tell them apart (`0.6999999 < threshold 0.7000000`).
fn similarity_detail(sim: f64, cmp: &str, threshold: f64) -> String {
    let mut d = 3;
    while d < 17 && sim != threshold && format!("{sim:.d$}") == format!("{threshold:.d$}") {
        d += 1;
    }
    if d == 3 {
        format!("{sim:.3} {cmp} threshold {threshold:.2}")
    } else {
        format!("{sim:.d$} {cmp} threshold {threshold:.d$}")
    }
}

#[cfg(test)]
mod tests;
