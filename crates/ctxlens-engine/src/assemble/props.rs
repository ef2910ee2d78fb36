//! Properties of assembly over generated snapshots and policies.

use proptest::prelude::{ProptestConfig, prop, prop_assert, prop_assert_eq, prop_oneof, proptest};
use proptest::strategy::Strategy as _;

use super::tests::{hit, policy, snapshot, turn};
use super::*;

/// Texts that copy one another, exactly or nearly: two near copies of an article and a
/// milestone summary. A turn or a hit drawn from them makes duplicates within and across layers.
const COPIES: [&str; 3] = [
    "landed cost adds freight duty insurance and fulfilment fees to the factory price so price from landed cost never from the quote",
    "landed cost adds freight duty insurance and fulfilment fees to the factory price so price from landed cost never from the offer",
    "validated demand with twenty four interviews and thirty one preorders at a price of thirty eight dollars direct to consumer",
];

fn arb_text() -> impl proptest::strategy::Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z ]{0,300}",
        1 => prop::sample::select(COPIES.to_vec()).prop_map(String::from),
    ]
}

pub(super) fn arb_snapshot() -> impl proptest::strategy::Strategy<Value = Snapshot> {
    let turns = prop::collection::vec((arb_text(), 0i64..200), 0..14);
    let content = prop_oneof![
        2 => (0usize..600).prop_map(|n| "w ".repeat(n)),
        1 => prop::sample::select(COPIES.to_vec()).prop_map(String::from),
    ];
    let hits = prop::collection::vec(
        (
            prop::option::of(prop::sample::select(vec!["M4", "M2"])),
            0.0f64..1.0,
            content,
        ),
        0..12,
    );
    (turns, hits, prop::option::of("[a-z ]{1,200}")).prop_map(|(turns, hits, query)| {
        let mut s = snapshot();
        s.session = turns.iter().map(|(text, h)| turn(text, *h)).collect();
        s.knowledge = hits
            .iter()
            .enumerate()
            .map(|(i, (m, sim, content))| {
                let mut k = hit(i as u32, *m, *sim);
                k.content = content.clone();
                k
            })
            .collect();
        s.query = query;
        s
    })
}

/// Policies of three layers (session, knowledge, query), each with or without a cap, under
/// every strategy and every `dedupe`.
pub(super) fn arb_policy() -> impl proptest::strategy::Strategy<Value = Policy> {
    let cap = || prop::option::of(0u32..1500);
    (
        1u32..3000,
        prop::sample::select(vec!["stop", "skip", "truncate"]),
        prop::sample::select(vec!["chars4", "chars4", "cl100k_base"]),
        (0.0f64..1.2, 0.0f64..1.2, 0.0f64..1.2),
        0u32..200,
        prop::sample::select(vec!["off", "off", "exact", "near"]),
        (cap(), cap(), cap()),
    )
        .prop_map(|(total, strategy, tok, (a, b, c), min, dedupe, (ca, cb, cc))| {
            let extra = format!("truncate_min_remaining = {min}\ndedupe = \"{dedupe}\"\n[knowledge]\nsimilarity_threshold = 0.3\nlimit = 6\nsame_milestone_only = true");
            let mut p = policy(total, strategy, tok, &[("session", "session", a), ("knowledge", "knowledge", b), ("q", "query", c)], &extra);
            for (l, cap) in p.layers.iter_mut().zip([ca, cb, cc]) {
                l.cap = cap;
            }
            p
        })
}

pub(super) fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn budgets_hold_and_totals_add_up(snap in arb_snapshot(), p in arb_policy()) {
        let a = engine().assemble(&snap, &p);
        for (name, l) in a.layers.iter() {
            prop_assert!(l.used <= l.budget as usize || l.used == 0, "layer {name}: {} > {}", l.used, l.budget);
            let sum: usize = a.layer_items(name).map(|i| i.kept_tokens).sum();
            prop_assert_eq!(sum, l.used);
        }
        prop_assert!(a.total_tokens <= a.budget.total as usize);
        prop_assert_eq!(a.total_tokens, a.items.iter().map(|i| i.kept_tokens).sum::<usize>());
        for i in &a.items {
            match i.decision {
                Decision::Kept => prop_assert_eq!(i.kept_tokens, i.tokens),
                Decision::Dropped => prop_assert_eq!(i.kept_tokens, 0),
                Decision::Truncated => {
                    let text = i.kept_text.as_deref().unwrap_or_default();
                    prop_assert!(text.ends_with(&p.truncate_marker));
                    prop_assert_eq!(engine().tokens.count(p.tokenizer, text), i.kept_tokens);
                    prop_assert!(i.kept_tokens < i.tokens);
                }
            }
        }
    }

    #[test]
    fn same_input_same_bytes(snap in arb_snapshot(), p in arb_policy()) {
        let once = engine().assemble(&snap, &p).to_json();
        let fresh = Engine::default().assemble(&snap, &p).to_json();
        prop_assert_eq!(once, fresh);
    }

    #[test]
    fn a_fleet_pass_without_duplicates_decides_the_same(snap in arb_snapshot(), p in arb_policy()) {
        let engine = Engine::default();
        let with = engine.assemble_decisions(&snap, &p);
        let mut without = engine.assemble_fleet(&snap, &p, false);
        if p.dedupe == crate::dedupe::Dedupe::Off {
            // Only the marks go: put them back and everything else is equal.
            prop_assert!(without.items.iter().all(|i| i.duplicate.is_none()));
            for (w, f) in without.items.iter_mut().zip(&with.items) {
                w.duplicate = f.duplicate.clone();
            }
            without.duplicates = with.duplicates.clone();
        }
        prop_assert_eq!(without.to_json(), with.to_json());
    }

    #[test]
    fn counting_only_what_decisions_need_changes_nothing_else(snap in arb_snapshot(), p in arb_policy()) {
        let full = engine().assemble(&snap, &p);
        let mut lean = Engine::default().assemble_decisions(&snap, &p);
        for (l, f) in lean.items.iter_mut().zip(&full.items) {
            let excluded = f.reason.is_some_and(|r| !r.is_budget());
            prop_assert!(excluded || l.tokens == f.tokens, "{} was not counted", f.id);
            if excluded {
                l.tokens = f.tokens;
            }
        }
        prop_assert_eq!(lean.to_json(), full.to_json());
    }

    #[test]
    fn stop_drops_everything_after_the_first_misfit(snap in arb_snapshot(), p in arb_policy()) {
        let p = p.with_overrides(&["strategy=stop".into()]).expect("valid");
        let a = engine().assemble(&snap, &p);
        for (name, _) in a.layers.iter() {
            // Candidates come first, in fit order; the first layer_budget drop ends the kept run.
            let fit: Vec<&Item> = a.layer_items(name).filter(|i| i.reason.is_none() || i.reason.is_some_and(Reason::is_budget)).collect();
            if let Some(first) = fit.iter().position(|i| i.reason == Some(Reason::LayerBudget)) {
                prop_assert!(fit[first..].iter().all(|i| i.decision == Decision::Dropped));
            }
        }
    }

    #[test]
    fn under_stop_raising_a_layer_budget_never_drops_a_kept_item(
        snap in arb_snapshot(), p in arb_policy(), layer in 0usize..3, extra in 0.0f64..1.0,
    ) {
        // Weights scaled to sum to at most 1, so no global pass; then one layer gets more.
        let sum: f64 = p.layers.iter().map(|l| l.weight).sum::<f64>().max(1.0);
        let mut low = p.with_overrides(&["strategy=stop".into()]).expect("valid");
        low.layers.iter_mut().for_each(|l| l.weight /= sum + extra);
        let mut high = low.clone();
        let room = 1.0 - high.layers.iter().map(|l| l.weight).sum::<f64>();
        high.layers[layer].weight += room.max(0.0);
        let (a, b) = (engine().assemble(&snap, &low), engine().assemble(&snap, &high));
        for (x, y) in a.items.iter().zip(&b.items) {
            prop_assert_eq!(&x.id, &y.id);
            if x.decision != Decision::Dropped {
                prop_assert!(y.decision != Decision::Dropped, "{} was kept at {:?}, dropped at {:?}", x.id, a.budget, b.budget);
            }
        }
    }

    #[test]
    fn under_skip_raising_a_layer_budget_leaves_other_layers_alone(
        snap in arb_snapshot(), p in arb_policy(), layer in 0usize..3,
    ) {
        let sum: f64 = p.layers.iter().map(|l| l.weight).sum::<f64>().max(1.0);
        let mut low = p.with_overrides(&["strategy=skip".into()]).expect("valid");
        low.layers.iter_mut().for_each(|l| l.weight /= sum);
        let mut high = low.clone();
        let room = 1.0 - high.layers.iter().map(|l| l.weight).sum::<f64>();
        high.layers[layer].weight += room.max(0.0);
        let (a, b) = (engine().assemble(&snap, &low), engine().assemble(&snap, &high));
        let raised = &low.layers[layer].name;
        for (x, y) in a.items.iter().zip(&b.items) {
            if &x.layer != raised {
                prop_assert_eq!((x.decision, x.reason), (y.decision, y.reason));
            }
        }
        // Within the raised layer the kept tokens never shrink.
        let used = |asm: &Assembly| asm.layers.get(raised).map_or(0, |l| l.used);
        prop_assert!(used(&b) >= used(&a));
    }
}
