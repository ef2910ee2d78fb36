//! Per-layer totals, the prompt and the assembly from the decided items (SPEC §3.8).

use super::Work;
use crate::assembly::{Assembly, BudgetReport, Decision, Item, LayerReport, Ordered, Reason};
use crate::policy::{LayerSpec, Policy, Source};
use crate::render;
use crate::snapshot::Snapshot;

/// Per-layer totals, the prompt, and the assembly.
pub(super) fn finish(
    snap: &Snapshot,
    policy: &Policy,
    layer_budgets: &[u32],
    total: u32,
    works: Vec<Work>,
) -> Assembly {
    let mut prompt = String::with_capacity(
        works
            .iter()
            .map(|w| w.item.prompt_text().map_or(0, str::len) + 2)
            .sum::<usize>()
            + 256,
    );
    let mut reports = Vec::new();
    for (li, layer) in policy.layers.iter().enumerate() {
        let mine: Vec<&Work> = works.iter().filter(|w| w.layer_idx == li).collect();
        let budget = layer_budgets.get(li).copied().unwrap_or(0);
        reports.push((layer.name.clone(), layer_report(budget, &mine)));
        write_layer(&mut prompt, layer, mine);
    }
    let candidates = works.iter().filter(|w| w.candidate).count();
    let lost = works
        .iter()
        .filter(|w| {
            w.item.decision == Decision::Truncated || w.item.reason.is_some_and(Reason::is_budget)
        })
        .count();
    let total_tokens = works.iter().map(|w| w.item.kept_tokens).sum();
    let items: Vec<Item> = works.into_iter().map(|w| w.item).collect();
    let mut malformed = snap.malformed_turns();
    malformed.extend(snap.malformed.iter().cloned());
    Assembly {
        user_id: snap.user_id.clone(),
        policy: policy.name.clone(),
        tokenizer: policy.tokenizer,
        strategy: policy.strategy,
        budget: BudgetReport {
            total,
            layers: Ordered(
                policy
                    .layers
                    .iter()
                    .zip(layer_budgets)
                    .map(|(l, b)| (l.name.clone(), *b))
                    .collect(),
            ),
        },
        total_tokens,
        truncation_rate: if candidates == 0 {
            0.0
        } else {
            lost as f64 / candidates as f64
        },
        duplicates: crate::assembly::pairs(&items),
        items,
        layers: Ordered(reports),
        prompt,
        malformed,
        near_unscreened: 0,
    }
}

/// A layer's budget, tokens used and decisions.
fn layer_report(budget: u32, mine: &[&Work]) -> LayerReport {
    let mut report = LayerReport {
        budget,
        ..LayerReport::default()
    };
    for w in mine {
        report.used += w.item.kept_tokens;
        match w.item.decision {
            Decision::Kept => report.kept += 1,
            Decision::Truncated => report.truncated += 1,
            Decision::Dropped => report.dropped += 1,
        }
    }
    report
}

/// A layer's section of the prompt, when it keeps anything: session turns in time order,
/// other items in fit order.
fn write_layer(prompt: &mut String, layer: &LayerSpec, mine: Vec<&Work>) {
    let mut kept: Vec<&Work> = mine
        .into_iter()
        .filter(|w| w.item.prompt_text().is_some())
        .collect();
    if layer.source == Source::Session {
        kept.sort_by_key(|w| w.seq);
    }
    if kept.is_empty() {
        return;
    }
    let texts: Vec<&str> = kept.iter().filter_map(|w| w.item.prompt_text()).collect();
    let sources: Vec<(usize, &str, Option<&str>)> = kept
        .iter()
        .filter_map(|w| w.source.as_ref())
        .map(|(n, t, s)| (*n, t.as_str(), s.as_deref()))
        .collect();
    let title = layer
        .title
        .as_deref()
        .unwrap_or(render::default_title(layer.source));
    if !prompt.is_empty() {
        prompt.push_str("\n\n");
    }
    render::write_section(prompt, title, layer.render, &texts, &sources);
}
