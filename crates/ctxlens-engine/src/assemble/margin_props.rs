//! Margins are exact: replaying at a budget ± the stated margin changes the stated item, and
//! one token less than the margin changes nothing.

use std::collections::BTreeSet;

use proptest::prelude::{ProptestConfig, prop_assert, prop_assert_eq, proptest};

use super::props::{arb_policy, arb_snapshot, engine};
use super::*;
use crate::margins::FitMargin;

/// T so large that no global pass runs.
const HUGE: u32 = u32::MAX / 2;

fn with_layer(b: &Budgets, li: usize, budget: usize) -> Budgets {
    let mut b = b.clone();
    b.total = HUGE;
    b.layers[li] = u32::try_from(budget).unwrap_or(u32::MAX);
    b
}

fn with_total(b: &Budgets, total: usize) -> Budgets {
    Budgets {
        total: u32::try_from(total).unwrap_or(u32::MAX),
        layers: b.layers.clone(),
    }
}

/// Items of `layer` kept in full.
fn kept(a: &Assembly, layer: &str) -> BTreeSet<String> {
    a.layer_items(layer)
        .filter(|i| i.decision == Decision::Kept)
        .map(|i| i.id.clone())
        .collect()
}

/// Items the global pass left as the layers had them (kept or truncated there).
fn through_global(a: &Assembly, layered: &Assembly) -> BTreeSet<String> {
    a.items
        .iter()
        .zip(&layered.items)
        .filter(|(x, y)| {
            y.decision != Decision::Dropped
                && x.decision == y.decision
                && x.kept_tokens == y.kept_tokens
        })
        .map(|(x, _)| x.id.clone())
        .collect()
}

/// Checks a layer's stated margins by replaying at the budget moved by them.
fn check_layer(
    snap: &Snapshot,
    p: &Policy,
    b: &Budgets,
    li: usize,
    m: &FitMargin,
) -> Result<(), String> {
    let e = engine();
    let name = &p.layers[li].name;
    let base = b.layers[li] as usize;
    let at = |budget: usize| kept(&e.assemble_at(snap, p, &with_layer(b, li, budget)), name);
    let now = at(base);
    if let Some(step) = &m.next_in {
        let more = at(base + step.tokens);
        if now.contains(&step.id) || !more.contains(&step.id) {
            return Err(format!(
                "{name}: +{} does not admit {}",
                step.tokens, step.id
            ));
        }
        if at(base + step.tokens - 1) != now {
            return Err(format!("{name}: +{} already changes", step.tokens - 1));
        }
    }
    if let Some(step) = &m.first_out {
        if !now.contains(&step.id) || at(base - step.tokens).contains(&step.id) {
            return Err(format!(
                "{name}: −{} does not lose {}",
                step.tokens, step.id
            ));
        }
        if at(base - (step.tokens - 1)) != now {
            return Err(format!("{name}: −{} already changes", step.tokens - 1));
        }
    }
    let all = at(m.keeps_all_at);
    if all.len() != m.entered {
        return Err(format!("{name}: {} does not keep all", m.keeps_all_at));
    }
    // With the policy's own T, the global pass may undo those promises: the margins say when.
    let with_t = |budget: usize| {
        let mut bt = b.clone();
        bt.layers[li] = u32::try_from(budget).unwrap_or(u32::MAX);
        kept(&e.assemble_at(snap, p, &bt), name)
    };
    if let Some(step) = &m.next_in
        && m.global_cut.next_in == with_t(base + step.tokens).contains(&step.id)
    {
        return Err(format!(
            "{name}: global_cut.next_in {} but at +{} under T {} {} is {}",
            m.global_cut.next_in,
            step.tokens,
            b.total,
            step.id,
            if m.global_cut.next_in {
                "kept"
            } else {
                "not kept"
            }
        ));
    }
    if m.global_cut.keeps_all == (with_t(m.keeps_all_at).len() == m.entered) {
        return Err(format!(
            "{name}: global_cut.keeps_all {} disagrees with the replay at {} under T {}",
            m.global_cut.keeps_all, m.keeps_all_at, b.total
        ));
    }
    if m.keeps_all_at > 0 && at(m.keeps_all_at - 1).len() == m.entered {
        return Err(format!("{name}: {} already keeps all", m.keeps_all_at - 1));
    }
    Ok(())
}

/// Checks the global pass's stated margins, layer budgets held.
fn check_global(snap: &Snapshot, p: &Policy, b: &Budgets, m: &FitMargin) -> Result<(), String> {
    let e = engine();
    let layered = e.assemble_at(snap, p, &with_total(b, HUGE as usize));
    let at = |t: usize| through_global(&e.assemble_at(snap, p, &with_total(b, t)), &layered);
    let base = b.total as usize;
    let now = at(base);
    if let Some(step) = &m.next_in {
        if now.contains(&step.id) || !at(base + step.tokens).contains(&step.id) {
            return Err(format!(
                "global: +{} does not admit {}",
                step.tokens, step.id
            ));
        }
        if at(base + step.tokens - 1) != now {
            return Err(format!("global: +{} already changes", step.tokens - 1));
        }
    }
    // Losing: what the layers kept in full and the global pass keeps so (a layer's truncated
    // item cut further is not an item kept in full lost).
    let full = |t: usize| {
        let a = e.assemble_at(snap, p, &with_total(b, t));
        let mut full = through_global(&a, &layered);
        full.retain(|id| {
            a.items
                .iter()
                .any(|i| &i.id == id && i.decision == Decision::Kept)
        });
        full
    };
    let now_full = full(base);
    if let Some(step) = &m.first_out {
        if !now_full.contains(&step.id) || full(base - step.tokens).contains(&step.id) {
            return Err(format!(
                "global: −{} does not lose {}",
                step.tokens, step.id
            ));
        }
        if full(base - (step.tokens - 1)) != now_full {
            return Err(format!("global: −{} already changes", step.tokens - 1));
        }
    }
    if let Some(step) = &m.truncated_out {
        let decision = |t: usize| {
            e.assemble_at(snap, p, &with_total(b, t))
                .items
                .iter()
                .find(|i| i.id == step.id)
                .map(|i| i.decision)
        };
        if decision(base - step.tokens) != Some(Decision::Dropped)
            || decision(base - (step.tokens - 1)) != Some(Decision::Truncated)
        {
            return Err(format!(
                "global: −{} does not drop the truncated {} (one less keeps it)",
                step.tokens, step.id
            ));
        }
        if full(base - step.tokens) != now_full {
            return Err(format!(
                "global: −{} loses an item kept in full before the truncated {}",
                step.tokens, step.id
            ));
        }
    }
    if at(m.keeps_all_at).len() != m.entered {
        return Err(format!("global: {} does not keep all", m.keeps_all_at));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn layer_margins_are_exact(snap in arb_snapshot(), p in arb_policy()) {
        let m = engine().margins(&snap, &p);
        let b = p.budgets();
        for (li, lm) in m.layers.iter().enumerate() {
            prop_assert_eq!(&lm.name, &p.layers[li].name);
            check_layer(&snap, &p, &b, li, lm).map_err(proptest::test_runner::TestCaseError::fail)?;
        }
    }

    #[test]
    fn global_margins_are_exact(snap in arb_snapshot(), p in arb_policy()) {
        let m = engine().margins(&snap, &p);
        check_global(&snap, &p, &p.budgets(), &m.global).map_err(proptest::test_runner::TestCaseError::fail)?;
    }

    #[test]
    fn the_blocker_ends_the_fit(snap in arb_snapshot(), p in arb_policy()) {
        let m = engine().margins(&snap, &p);
        let layered = engine().assemble_at(&snap, &p, &with_total(&p.budgets(), HUGE as usize));
        for lm in &m.layers {
            let fit: Vec<&Item> = layered
                .layer_items(&lm.name)
                .filter(|i| i.reason.is_none_or(Reason::is_budget))
                .collect();
            match (&lm.blocker, p.strategy) {
                (None, Strategy::Stop | Strategy::Truncate) => {
                    prop_assert!(fit.iter().all(|i| i.decision == Decision::Kept));
                }
                (Some(_), Strategy::Skip) => prop_assert!(false, "skip has no blocker"),
                (None, Strategy::Skip) => {}
                (Some(bl), _) => {
                    let k = fit.iter().position(|i| i.id == bl.id).expect("the blocker entered the fit");
                    prop_assert!(fit[k].decision != Decision::Kept);
                    prop_assert!(fit[..k].iter().all(|i| i.decision == Decision::Kept));
                    prop_assert!(fit[k + 1..].iter().all(|i| i.decision == Decision::Dropped));
                    prop_assert_eq!(bl.behind, fit.len() - k - 1);
                }
            }
        }
    }

    #[test]
    fn the_total_for_all_is_the_smallest_that_keeps_everything(snap in arb_snapshot(), p in arb_policy()) {
        let m = engine().margins(&snap, &p);
        let Some(t) = m.total_for_all else { return Ok(()) };
        let lost = |t: u32| {
            let mut q = p.clone();
            q.budget = crate::policy::BudgetSpec { total: Some(i64::from(t)), ..Default::default() };
            let a = engine().assemble(&snap, &q);
            a.items.iter().any(|i| i.decision == Decision::Truncated || i.reason.is_some_and(Reason::is_budget))
        };
        prop_assert!(!lost(t), "T = {} still loses an item", t);
        if t > 1 {
            prop_assert!(lost(t - 1), "T = {} already keeps everything", t - 1);
        }
    }
}

/// The generated cases reach what the margins must hold under: copies removed by `dedupe`
/// before the fit, and caps that bind a layer below its weight's share.
#[test]
fn the_generators_make_removed_copies_and_binding_caps() {
    use proptest::strategy::{Strategy as _, ValueTree as _};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut removed, mut capped) = (0, 0);
    for _ in 0..200 {
        let snap = arb_snapshot()
            .new_tree(&mut runner)
            .expect("a snapshot")
            .current();
        let p = arb_policy()
            .new_tree(&mut runner)
            .expect("a policy")
            .current();
        let a = engine().assemble(&snap, &p);
        if a.items.iter().any(|i| i.reason == Some(Reason::Duplicate)) {
            removed += 1;
        }
        let total = p.budgets().total;
        if p.layers
            .iter()
            .zip(&p.budgets().layers)
            .any(|(l, &b)| l.cap == Some(b) && f64::from(b) < (f64::from(total) * l.weight).floor())
        {
            capped += 1;
        }
    }
    assert!(removed >= 25, "{removed} of 200 cases removed a copy");
    assert!(capped >= 25, "{capped} of 200 cases had a binding cap");
}
