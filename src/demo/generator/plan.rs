//! Who asks what: each user's plan (milestone, question, timestamp style) and the demo's tuned questions.

use super::*;

/// Articles a user at `milestone` may be asked about: its own, then the general ones.
pub(super) fn candidate_articles(milestone: usize) -> Vec<usize> {
    let id = MILESTONES[milestone].0;
    let own = articles()
        .iter()
        .enumerate()
        .filter(|(_, a)| a.milestone == Some(id));
    let general = articles()
        .iter()
        .enumerate()
        .filter(|(_, a)| a.milestone.is_none());
    own.chain(general).map(|(i, _)| i).collect()
}

pub(super) fn random_plan(rng: &mut ChaCha8Rng) -> Plan {
    let current = rng.random_range(0..MILESTONES.len());
    let candidates = candidate_articles(current);
    let own = candidates
        .iter()
        .filter(|&&i| articles()[i].milestone.is_some())
        .count();
    let article = if rng.random_bool(0.85) {
        candidates[rng.random_range(0..own)]
    } else {
        *pick(rng, &candidates)
    };
    let times = match rng.random_range(0..100) {
        0..5 => TimeStyle::EpochInt,
        5 => TimeStyle::EpochFloat,
        _ => TimeStyle::Rfc3339,
    };
    Plan {
        current,
        ask: (article, rng.random_bool(0.25)),
        times,
        roles: rng.random_bool(0.05),
        no_ttl: rng.random_bool(0.03),
    }
}

/// What a demo user's newest question should do against the knowledge table.
#[derive(Clone, Copy)]
pub(super) enum Want {
    /// An article ≥ 0.70 and another in [0.55, 0.70).
    HitAndNear,
    /// An article ≥ 0.70.
    Hit,
    /// Nothing ≥ 0.70, something in [0.55, 0.70).
    NearOnly,
}

/// Demo users are spread evenly over M0–M9; each milestone's six users want different outcomes.
pub(super) fn demo_plan(index: usize, facts: &Facts, article_vecs: &[Vec<f32>]) -> Plan {
    let current = index % MILESTONES.len();
    let want = match index / MILESTONES.len() {
        0 | 1 | 5 => Want::HitAndNear,
        4 => Want::NearOnly,
        _ => Want::Hit,
    };
    let times = match index + 1 {
        7 | 23 | 44 => TimeStyle::EpochInt,
        52 => TimeStyle::EpochFloat,
        _ => TimeStyle::Rfc3339,
    };
    Plan {
        current,
        ask: choose_ask(index, current, want, facts, article_vecs),
        times,
        roles: matches!(index + 1, 13 | 37 | 58),
        no_ttl: matches!(index + 1, 19 | 31),
    }
}

/// The first question (rotating by user) whose similarities give the wanted outcome, else the best one.
pub(super) fn choose_ask(
    index: usize,
    current: usize,
    want: Want,
    facts: &Facts,
    vecs: &[Vec<f32>],
) -> (usize, bool) {
    let candidates = candidate_articles(current);
    let mut best = ((candidates[0], false), f64::MIN);
    for k in 0..candidates.len() * 2 {
        let slot = (index / MILESTONES.len() + k) % (candidates.len() * 2);
        let (article, casual) = (
            candidates[slot / 2],
            (slot % 2 == 1) == matches!(want, Want::NearOnly),
        );
        let q = embed(
            &fill(question(article, casual), facts, current),
            BUILTIN_DIM,
        );
        let sims: Vec<f64> = candidates.iter().map(|&i| cosine(&q, &vecs[i])).collect();
        let hits = sims.iter().filter(|&&s| s >= 0.70).count();
        let near = sims.iter().filter(|&&s| (0.55..0.70).contains(&s)).count();
        let (ok, score) = match want {
            // Fallback order when nothing fits: a hit matters more than a near miss.
            Want::HitAndNear => (
                hits >= 1 && near >= 1,
                2.0 * hits.min(1) as f64 + near.min(1) as f64,
            ),
            Want::Hit => (hits >= 1, hits.min(1) as f64),
            Want::NearOnly => (hits == 0 && near >= 1, near.min(1) as f64 - hits as f64),
        };
        if ok {
            return (article, casual);
        }
        if score > best.1 {
            best = ((article, casual), score);
        }
    }
    best.0
}

pub(super) fn question(article: usize, casual: bool) -> &'static str {
    if casual {
        articles()[article].casual
    } else {
        articles()[article].query
    }
}

// ---------------------------------------------------------------- journey (memory_bank)
