//! Memory-bank rows: business DNA, milestone completion data and transitions.

use super::*;

/// Completed milestones in completion order: every dependency of `current` (transitively), sometimes more.
pub(super) fn completed_milestones(current: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut done = [false; 10];
    let mut stack = DEPENDENCIES[current].to_vec();
    if current == 8 {
        // Brand & Legal needs nothing, but founders usually reach it after some groundwork.
        stack.push(*pick(rng, &[0, 1, 2, 3, 5]));
    }
    while let Some(m) = stack.pop() {
        if !done[m] {
            done[m] = true;
            stack.extend_from_slice(DEPENDENCIES[m]);
        }
    }
    if current != 0 && rng.random_bool(0.3) {
        let available: Vec<usize> = (0..9)
            .filter(|&m| m != current && !done[m] && DEPENDENCIES[m].iter().all(|&d| done[d]))
            .collect();
        if let Some(&extra) = available.choose(rng) {
            done[extra] = true;
        }
    }
    let mut order: Vec<usize> = (0..10).filter(|&m| done[m] && m != 8).collect();
    if done[8] {
        // Brand & Legal has no dependencies, so it may have been finished at any point.
        let at = rng.random_range(0..=order.len());
        order.insert(at, 8);
    }
    order
}

pub(super) fn memory_row(
    ids: &mut i64,
    context_type: &str,
    milestone: Option<usize>,
    data: Value,
    at: i64,
) -> MemoryRow {
    *ids += 1;
    MemoryRow {
        id: *ids,
        context_type: context_type.to_string(),
        milestone: milestone.map(|m| MILESTONES[m].0.to_string()),
        data,
        created_at: rfc3339(at),
    }
}

pub(super) fn business_dna(facts: &Facts, current: usize) -> Value {
    let p = facts.profile;
    json!({
        "channels": p.channels,
        "company": facts.company,
        "differentiator": p.differentiator,
        "founder": facts.founder,
        "founder_background": p.background,
        "launch_budget_usd": facts.budget,
        "price_point": format!("${}", p.price),
        "product": p.product,
        "product_category": p.category,
        "stage": format!("{} ({})", MILESTONES[current].0, MILESTONES[current].1),
        "target_customer": p.customer,
    })
}

/// `milestone_data` of one completed milestone; `long` adds the working notes (the over-budget user).
pub(super) fn milestone_data(facts: &Facts, m: usize, rng: &mut ChaCha8Rng, long: bool) -> Value {
    let text = &MILESTONE_TEXT[m];
    let mut decisions: Vec<&str> = text.decisions.to_vec();
    decisions.shuffle(rng);
    let take = if long { decisions.len() } else { 3 };
    let decisions: Vec<String> = decisions
        .iter()
        .take(take)
        .map(|d| fill(d, facts, m))
        .collect();
    let summary = if long {
        text.summaries
            .iter()
            .map(|s| fill(s, facts, m))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        fill(pick::<&str>(rng, text.summaries), facts, m)
    };
    if !long {
        return json!({"key_decisions": decisions, "metrics": facts.metrics(m), "summary": summary});
    }
    // Working notes up to about 590 words per row, so each row stays within 300–600 words.
    let mut total = summary.split_whitespace().count()
        + decisions
            .iter()
            .map(|d| d.split_whitespace().count())
            .sum::<usize>();
    let mut notes = Vec::new();
    for note in NOTES.iter().map(|n| fill(n, facts, m)) {
        let n = note.split_whitespace().count();
        if total + n > 590 {
            break;
        }
        total += n;
        notes.push(note);
    }
    json!({"key_decisions": decisions, "metrics": facts.metrics(m), "notes": notes, "summary": summary})
}

/// The transition into `current`: key data of each direct dependency.
pub(super) fn transition(facts: &Facts, from: usize, current: usize, rows: &[MemoryRow]) -> Value {
    let mut context = serde_json::Map::new();
    let mut deps = DEPENDENCIES[current].to_vec();
    deps.sort_by_key(|&d| MILESTONES[d].0);
    for d in deps {
        let decision = rows
            .iter()
            .find(|r| r.milestone.as_deref() == Some(MILESTONES[d].0))
            .and_then(|r| r.data["key_decisions"].get(0).cloned())
            .unwrap_or(Value::Null);
        context.insert(
            MILESTONES[d].0.to_string(),
            json!({"decision": decision, "metrics": facts.metrics(d)}),
        );
    }
    json!({"context": context, "from": MILESTONES[from].0, "to": MILESTONES[current].0})
}

/// Rows of one user's journey, oldest first, and the journey's `updated_at`.
pub(super) fn journey_rows(
    facts: &Facts,
    current: usize,
    completed: &[usize],
    rng: &mut ChaCha8Rng,
    ids: &mut i64,
    long: bool,
) -> (Vec<MemoryRow>, i64) {
    let last_age = if rng.random_bool(0.12) {
        rng.random_range(HOUR..20 * HOUR)
    } else {
        rng.random_range(2 * DAY..20 * DAY)
    };
    let mut times = vec![NOW_EPOCH - last_age];
    for _ in 1..completed.len() {
        let next = times[0] - rng.random_range(3 * DAY..12 * DAY);
        times.insert(0, next);
    }
    let start = times[0] - rng.random_range(2 * DAY..8 * DAY);
    let mut rows = vec![memory_row(
        ids,
        "business_dna",
        None,
        business_dna(facts, current),
        start,
    )];
    for (&m, &at) in completed.iter().zip(&times) {
        let data = milestone_data(facts, m, rng, long);
        rows.push(memory_row(ids, "milestone_data", Some(m), data, at));
    }
    let mut updated = if completed.is_empty() {
        start
    } else {
        times[times.len() - 1]
    };
    if let Some(&from) = completed.last().filter(|_| long || rng.random_bool(0.9)) {
        let at = (updated + rng.random_range(15 * MINUTE..3 * HOUR)).min(NOW_EPOCH - 5 * MINUTE);
        let data = transition(facts, from, current, &rows);
        rows.push(memory_row(ids, "transition", Some(current), data, at));
        updated = at;
    }
    (rows, updated)
}

// ---------------------------------------------------------------- sessions (Redis)
