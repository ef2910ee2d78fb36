//! The awkward demo users (u061–u068), each with one property that breaks naive readers.

use super::*;

/// `u061`–`u068`, each with one property that tends to break inspectors.
pub(super) fn awkward_users(ids: &mut i64) -> Vec<DemoUser> {
    vec![
        empty_session_user(ids),
        over_budget_user(ids),
        off_topic_user(ids),
        many_turns_user(ids),
        unicode_user(ids),
        malformed_user(ids),
        no_journey_user(ids),
        middle_session_user(ids),
    ]
}

/// Facts, plan and RNG of awkward user `u{number}` at milestone `current`, asking the first question it has.
pub(super) fn awkward_base(number: usize, current: usize) -> (Facts, Plan, ChaCha8Rng) {
    let mut rng = user_rng(DEMO_SEED, number as u64);
    let facts = Facts::demo(number - 1, &mut rng);
    let ask = (candidate_articles(current)[number % 5], false);
    let plan = Plan {
        current,
        ask,
        times: TimeStyle::Rfc3339,
        roles: false,
        no_ttl: false,
    };
    (facts, plan, rng)
}

/// `u061`: the only session holds an empty array.
pub(super) fn empty_session_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(61, 2);
    let mut user = normal_user("u061".to_string(), &plan, &facts, &mut rng, ids);
    user.sessions = vec![RedisKey {
        session_id: "s1".to_string(),
        value: RedisValue::String("[]".to_string()),
        ttl: Some(SESSION_TTL),
    }];
    user
}

/// `u062`: at M9 with M0–M8 done (M3 and M5 twice, after a supplier change) and long notes in every row.
pub(super) fn over_budget_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(62, 9);
    let completed = [0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8];
    let (memory_bank, updated) = journey_rows(&facts, 9, &completed, &mut rng, ids, true);
    let sessions = sessions(
        &facts,
        &plan,
        &completed,
        &mut rng,
        final_exchange(&facts, &plan),
        2,
    );
    DemoUser {
        user_id: "u062".to_string(),
        journey: Some(journey_row(&facts, 9, updated)),
        sessions,
        memory_bank,
        cached_contexts: vec![],
    }
}

/// `u063`: the newest question is about something no article covers.
pub(super) fn off_topic_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(63, 4);
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let last = (
        OFF_TOPIC_QUERY.to_string(),
        "That is outside what I can help with here: I focus on launching your product. For a pet portrait, look \
         for an illustrator who takes commissions; most quote two to four weeks for a watercolour."
            .to_string(),
    );
    let sessions = sessions(&facts, &plan, &completed, &mut rng, last, 2);
    DemoUser {
        user_id: "u063".to_string(),
        journey: Some(journey_row(&facts, plan.current, updated)),
        sessions,
        memory_bank,
        cached_contexts: vec![],
    }
}

/// `u064`: one session of exactly 25 turns spread over the last three days.
pub(super) fn many_turns_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(64, 5);
    let mut user = normal_user("u064".to_string(), &plan, &facts, &mut rng, ids);
    let m = plan.current;
    let mut pool: Vec<(String, String)> = MILESTONE_TEXT
        .iter()
        .flat_map(|t| t.chats.iter())
        .map(|(u, a)| (fill(u, &facts, m), fill(a, &facts, m)))
        .collect();
    pool.shuffle(&mut rng);
    pool.truncate(24);
    pool.push(final_exchange(&facts, &plan));
    let span = 3 * DAY - 2 * HOUR;
    let turns: Vec<Turn> = pool
        .into_iter()
        .zip(0i64..)
        .map(|((user, assistant), k)| {
            let at = NOW_EPOCH - 3 * DAY + HOUR + k * span / 25 + rng.random_range(0..20 * MINUTE);
            Turn {
                user,
                assistant,
                at,
            }
        })
        .collect();
    let value = RedisValue::String(encode_turns(&turns, &plan, &mut rng));
    user.sessions = vec![RedisKey {
        session_id: "s1".to_string(),
        value,
        ttl: Some(SESSION_TTL),
    }];
    user
}

/// `u065`: umlauts, macrons, Japanese, French and emoji in the business DNA and the turns.
pub(super) fn unicode_user(ids: &mut i64) -> DemoUser {
    let (_, plan, mut rng) = awkward_base(65, 4);
    let facts = Facts::with(
        &UNICODE_PROFILE,
        UNICODE_FOUNDER.to_string(),
        UNICODE_PROFILE.companies[0],
        &mut rng,
    );
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let start = NOW_EPOCH - 9 * HOUR;
    let turns: Vec<Turn> = UNICODE_CHATS
        .iter()
        .zip(0i64..)
        .map(|((u, a), k)| Turn {
            user: u.to_string(),
            assistant: a.to_string(),
            at: start + k * 47 * MINUTE,
        })
        .collect();
    let value = RedisValue::String(encode_turns(&turns, &plan, &mut rng));
    let mut journey = journey_row(&facts, plan.current, updated);
    journey.display_name = Some(format!(
        "{} — {} {}",
        facts.founder, facts.company, facts.profile.product
    ));
    DemoUser {
        user_id: "u065".to_string(),
        journey: Some(journey),
        sessions: vec![RedisKey {
            session_id: "s1".to_string(),
            value,
            ttl: Some(SESSION_TTL),
        }],
        memory_bank,
        cached_contexts: vec![],
    }
}

/// A turn whose assistant reply never arrived.
#[derive(Serialize)]
pub(super) struct UserOnlyTurn<'a> {
    user: &'a str,
    timestamp: String,
}

/// `u066`: a turn without `assistant`, an unparseable timestamp, a non-JSON list element and a non-JSON key.
pub(super) fn malformed_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(66, 6);
    let mut user = normal_user("u066".to_string(), &plan, &facts, &mut rng, ids);
    let m = plan.current;
    let chats: Vec<(String, String)> = MILESTONE_TEXT[m]
        .chats
        .iter()
        .map(|(u, a)| (fill(u, &facts, m), fill(a, &facts, m)))
        .collect();
    let at = |hours: i64| rfc3339(NOW_EPOCH - hours * HOUR);
    let pair = |(u, a): &(String, String), ts: Value| {
        serde_json::to_string(&PairTurn {
            user: u,
            assistant: a,
            timestamp: ts,
        })
        .unwrap_or_default()
    };
    let lost = serde_json::to_string(&UserOnlyTurn {
        user: &chats[1].0,
        timestamp: at(50),
    })
    .unwrap_or_default();
    let s1 = format!(
        "[{},{},{}]",
        pair(&chats[0], Value::String(at(52))),
        lost,
        pair(&chats[2], Value::String("yesterday-ish".to_string()))
    );
    let (question, answer) = final_exchange(&facts, &plan);
    let s2 = vec![
        pair(&chats[2], Value::String(at(3))),
        "{oops".to_string(),
        pair(
            &(question, answer),
            Value::String(rfc3339(NOW_EPOCH - 2 * HOUR - 10 * MINUTE)),
        ),
    ];
    let key = |id: &str, value| RedisKey {
        session_id: id.to_string(),
        value,
        ttl: Some(SESSION_TTL),
    };
    user.sessions = vec![
        key("s1", RedisValue::String(s1)),
        key("s2", RedisValue::List(s2)),
        key("s3", RedisValue::String("not json at all".to_string())),
    ];
    user
}

/// `u067`: chats in Redis but no `user_journeys` row and no memory bank.
pub(super) fn no_journey_user(_ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(67, 0);
    let sessions = sessions(
        &facts,
        &plan,
        &[],
        &mut rng,
        final_exchange(&facts, &plan),
        1,
    );
    DemoUser {
        user_id: "u067".to_string(),
        journey: None,
        sessions,
        memory_bank: vec![],
        cached_contexts: vec![],
    }
}

/// `u068`: three sessions whose newest turn is in `s2` (neither the first nor the last key).
pub(super) fn middle_session_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(68, 3);
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let mut keys = sessions(
        &facts,
        &plan,
        &completed,
        &mut rng,
        final_exchange(&facts, &plan),
        3,
    );
    // Chronological s1 < s2 < s3; renaming the newest to s2 and the middle one to s3 hides the newest turn.
    keys[1].session_id = "s3".to_string();
    keys[2].session_id = "s2".to_string();
    keys.sort_by(|a, b| a.session_id.cmp(&b.session_id));
    DemoUser {
        user_id: "u068".to_string(),
        journey: Some(journey_row(&facts, plan.current, updated)),
        sessions: keys,
        memory_bank,
        cached_contexts: vec![],
    }
}
