//! Chat sessions: turns in both shapes and timestamp styles, encoded as Redis values.

use super::*;

/// One exchange and when the user sent it.
pub(super) struct Turn {
    pub(super) user: String,
    pub(super) assistant: String,
    pub(super) at: i64,
}

/// The seed's chat-handler turn; fields serialise in this order.
#[derive(Serialize)]
pub(super) struct PairTurn<'a> {
    pub(super) user: &'a str,
    pub(super) assistant: &'a str,
    pub(super) timestamp: Value,
}

/// The accepted `{"role", "content"}` turn shape.
#[derive(Serialize)]
pub(super) struct RoleTurn<'a> {
    pub(super) role: &'a str,
    pub(super) content: &'a str,
    pub(super) timestamp: Value,
}

pub(super) fn stamp(at: i64, style: TimeStyle, rng: &mut ChaCha8Rng) -> Value {
    match style {
        TimeStyle::Rfc3339 => Value::String(rfc3339(at)),
        TimeStyle::EpochInt => json!(at),
        TimeStyle::EpochFloat => {
            json!(at as f64 + f64::from(rng.random_range(1..1_000u32)) / 1_000.0)
        }
    }
}

/// A session's turns as the compact JSON array the chat handler stores.
pub(super) fn encode_turns(turns: &[Turn], plan: &Plan, rng: &mut ChaCha8Rng) -> String {
    let encoded = if plan.roles {
        let mut out = Vec::with_capacity(turns.len() * 2);
        for t in turns {
            let reply_at = t.at + rng.random_range(20..90);
            out.push(RoleTurn {
                role: "user",
                content: &t.user,
                timestamp: stamp(t.at, plan.times, rng),
            });
            out.push(RoleTurn {
                role: "assistant",
                content: &t.assistant,
                timestamp: stamp(reply_at, plan.times, rng),
            });
        }
        serde_json::to_string(&out)
    } else {
        let out: Vec<PairTurn> = turns
            .iter()
            .map(|t| PairTurn {
                user: &t.user,
                assistant: &t.assistant,
                timestamp: stamp(t.at, plan.times, rng),
            })
            .collect();
        serde_json::to_string(&out)
    };
    // Serialising strings and numbers cannot fail.
    encoded.unwrap_or_else(|_| "[]".to_string())
}

/// Where an earlier exchange comes from: a milestone's chat (milestone, index) or an article question.
#[derive(Clone, Copy)]
pub(super) enum Source {
    Chat(usize, usize),
    Article(usize, bool),
}

/// Earlier exchanges a founder at `current` might have had, shuffled; filled only when used.
pub(super) fn conversation_sources(
    plan: &Plan,
    completed: &[usize],
    rng: &mut ChaCha8Rng,
) -> Vec<Source> {
    let m = plan.current;
    let mut sources: Vec<Source> = (0..MILESTONE_TEXT[m].chats.len())
        .map(|j| Source::Chat(m, j))
        .collect();
    for i in candidate_articles(m)
        .into_iter()
        .filter(|&i| i != plan.ask.0)
    {
        sources.push(Source::Article(i, rng.random_bool(0.5)));
    }
    if let Some(&prev) = completed.last() {
        sources.extend((0..MILESTONE_TEXT[prev].chats.len()).map(|j| Source::Chat(prev, j)));
    }
    sources.shuffle(rng);
    sources
}

pub(super) fn exchange(source: Source, facts: &Facts, current: usize) -> (String, String) {
    match source {
        Source::Chat(m, j) => {
            let (u, a) = MILESTONE_TEXT[m].chats[j];
            (fill(u, facts, current), fill(a, facts, current))
        }
        Source::Article(i, casual) => (
            fill(question(i, casual), facts, current),
            fill(articles()[i].answer, facts, current),
        ),
    }
}

/// Turn times of `sizes.len()` sessions, oldest session first; the newest is usually within the last day.
pub(super) fn session_times(sizes: &[usize], rng: &mut ChaCha8Rng) -> Vec<Vec<i64>> {
    let mut end = if rng.random_bool(0.85) {
        NOW_EPOCH - rng.random_range(5 * MINUTE..20 * HOUR)
    } else {
        NOW_EPOCH - rng.random_range(26 * HOUR..6 * DAY)
    };
    let mut out = Vec::with_capacity(sizes.len());
    for &n in sizes.iter().rev() {
        let mut times = vec![end];
        for _ in 1..n {
            let prev = times[0] - rng.random_range(MINUTE..12 * MINUTE);
            times.insert(0, prev);
        }
        end = times[0] - rng.random_range(DAY..10 * DAY);
        out.push(times);
    }
    out.reverse();
    out
}

/// `count` session keys (`s1` oldest); the last turn of the newest session is `last`.
pub(super) fn sessions(
    facts: &Facts,
    plan: &Plan,
    completed: &[usize],
    rng: &mut ChaCha8Rng,
    last: (String, String),
    count: usize,
) -> Vec<RedisKey> {
    let sources = conversation_sources(plan, completed, rng);
    let mut sizes: Vec<usize> = (0..count).map(|_| rng.random_range(2..=9)).collect();
    // Every turn but the last comes from the pool: shrink the largest sessions until it suffices.
    while sizes.iter().sum::<usize>() > sources.len() + 1 {
        if let Some(largest) = sizes.iter_mut().filter(|n| **n > 2).max() {
            *largest -= 1;
        } else {
            break;
        }
    }
    let mut pool = sources
        .into_iter()
        .map(|src| exchange(src, facts, plan.current));
    let mut last = Some(last);
    let mut keys = Vec::with_capacity(count);
    for (k, times) in session_times(&sizes, rng).into_iter().enumerate() {
        let newest = k + 1 == count;
        let mut turns = Vec::with_capacity(times.len());
        for (j, &at) in times.iter().enumerate() {
            let exchange = if newest && j + 1 == times.len() {
                last.take()
            } else {
                pool.next()
            };
            if let Some((user, assistant)) = exchange {
                turns.push(Turn {
                    user,
                    assistant,
                    at,
                });
            }
        }
        let value = RedisValue::String(encode_turns(&turns, plan, rng));
        keys.push(RedisKey {
            session_id: format!("s{}", k + 1),
            value,
            ttl: session_ttl(plan),
        });
    }
    keys
}

pub(super) fn session_ttl(plan: &Plan) -> Option<u64> {
    if plan.no_ttl { None } else { Some(SESSION_TTL) }
}

/// The newest question of a plan and the assistant's answer.
pub(super) fn final_exchange(facts: &Facts, plan: &Plan) -> (String, String) {
    let (article, casual) = plan.ask;
    (
        fill(question(article, casual), facts, plan.current),
        fill(articles()[article].answer, facts, plan.current),
    )
}
