//! Demo users whose context holds the same text twice (u069–u071): what duplicate detection
//! (`dedupe`) finds, within and across layers.

use super::*;

/// `u069`–`u071`, each with one kind of copy.
pub(super) fn duplicate_users(ids: &mut i64) -> Vec<DemoUser> {
    vec![
        pasted_article_user(ids),
        carried_summary_user(ids),
        repeated_answer_user(ids),
    ]
}

/// A user's journey rows and sessions around a given newest exchange.
fn user_with(
    number: usize,
    current: usize,
    ids: &mut i64,
    last: Option<(String, String)>,
) -> DemoUser {
    let (facts, plan, mut rng) = awkward_base(number, current);
    let completed = completed_milestones(plan.current, &mut rng);
    let (memory_bank, updated) =
        journey_rows(&facts, plan.current, &completed, &mut rng, ids, false);
    let last = last.unwrap_or_else(|| final_exchange(&facts, &plan));
    let sessions = sessions(&facts, &plan, &completed, &mut rng, last, 1);
    DemoUser {
        user_id: format!("u{number:03}"),
        journey: Some(journey_row(&facts, plan.current, updated)),
        sessions,
        memory_bank,
        cached_contexts: vec![],
    }
}

/// `u069`: the newest question quotes, word for word, the knowledge article it asks about, so the
/// article is both retrieved and in the chat (knowledge ≈ session).
pub(super) fn pasted_article_user(ids: &mut i64) -> DemoUser {
    let (facts, plan, _) = awkward_base(69, 4);
    let article = &articles()[plan.ask.0];
    let question = format!(
        "My mentor forwarded this from the guide. Does it hold for {}?\n\n{}",
        facts.profile.product, article.content
    );
    let answer = "Yes. Start from your landed cost and check each step against your own numbers."
        .to_string();
    user_with(69, 4, ids, Some((question, answer)))
}

/// `u070`: the transition into the current milestone carries the whole record of the milestone
/// before it (journey = journey, exactly), and the newest question was sent twice, a minute
/// apart, and answered twice (session = session, exactly).
pub(super) fn carried_summary_user(ids: &mut i64) -> DemoUser {
    let mut user = user_with(70, 5, ids, None);
    let record = user
        .memory_bank
        .iter()
        .rev()
        .find(|r| r.context_type == "milestone_data")
        .map(|r| (r.data.clone(), r.milestone.clone()));
    if let Some((data, from)) = record {
        let to = MILESTONES[5].0;
        let carried = json!({"context": data, "from": from, "to": to});
        match user
            .memory_bank
            .iter_mut()
            .find(|r| r.context_type == "transition")
        {
            Some(t) => t.data = carried,
            None => {
                let at = NOW_EPOCH - 6 * HOUR;
                user.memory_bank
                    .push(memory_row(ids, "transition", Some(5), carried, at));
            }
        }
    }
    edit_newest_session(&mut user, |turns| {
        let Some(last) = turns.last().cloned() else {
            return;
        };
        let mut resent = last.clone();
        if let Some(at) = last["timestamp"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        {
            resent["timestamp"] = Value::String(rfc3339(at.timestamp() - MINUTE));
        }
        let at = turns.len() - 1;
        turns.insert(at, resent);
    });
    user
}

/// `u071`: the connection went down, the founder asked again in other words, and the assistant
/// answered again nearly word for word (session ≈ session).
pub(super) fn repeated_answer_user(ids: &mut i64) -> DemoUser {
    let mut user = user_with(71, 2, ids, None);
    edit_newest_session(&mut user, |turns| {
        let Some(last) = turns.last().cloned() else {
            return;
        };
        let text = |k: &str| last[k].as_str().unwrap_or_default().to_string();
        let mut earlier = last.clone();
        earlier["user"] = Value::String(format!(
            "Sorry, my connection went down before your answer came through. {}",
            text("user")
        ));
        earlier["assistant"] = Value::String(format!("Here it is again. {}", text("assistant")));
        if let Some(at) = last["timestamp"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        {
            earlier["timestamp"] = Value::String(rfc3339(at.timestamp() - 4 * MINUTE));
        }
        let at = turns.len() - 1;
        turns.insert(at, earlier);
    });
    user
}

/// Rewrites the turns of the user's newest session key (a JSON array string).
fn edit_newest_session(user: &mut DemoUser, edit: impl FnOnce(&mut Vec<Value>)) {
    let Some(key) = user.sessions.last_mut() else {
        return;
    };
    let RedisValue::String(text) = &key.value else {
        return;
    };
    let Ok(mut turns) = serde_json::from_str::<Vec<Value>>(text) else {
        return;
    };
    edit(&mut turns);
    if let Ok(encoded) = serde_json::to_string(&turns) {
        key.value = RedisValue::String(encoded);
    }
}
