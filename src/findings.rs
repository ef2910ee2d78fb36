//! Findings: anomalies worth pointing out about one user's stored data, against a fresh replay.

use serde::Serialize;

use crate::engine::cache::{CachedContext, drift};
use crate::engine::snapshot::NoteKind;
use crate::engine::{Assembly, MilestoneMap, Policy, Snapshot};
use crate::store::UserData;

/// One anomaly: what kind, where (key or row), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub source: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The session holds more turns than the writer should keep.
    SessionOverMaxItems,
    /// A key that should expire has no TTL.
    NoTtl,
    /// The cached context is not what a replay gives now.
    CacheDrift,
    /// The cached context cannot be read.
    CacheUnreadable,
    /// Journey data names a milestone the dependency map does not have.
    UnknownMilestone,
    /// Layer weights do not add up to 1.
    WeightsSum,
    /// A legal timestamp outside what ctxlens reads (`infinity`, years past 262142): the item
    /// was read without one.
    TimestampOutOfRange,
    /// Several rows where one is expected (a view, or a table without a primary key): the first
    /// row read was used.
    DuplicateRow,
    /// A Redis key that could belong to this user and another (user ids may contain `:`): not
    /// read as anyone's.
    AmbiguousKey,
    /// A value of another shape than SPEC §1 gives it, read as it is.
    UnexpectedShape,
    /// A snapshot file's field no snapshot has, read past (a misspelling leaves the field
    /// meant empty).
    UnknownField,
    /// An item that copies another (exactly, or as a near copy): the second copy spends tokens
    /// on what the prompt already holds, unless the policy's `dedupe` removes it.
    Duplicate,
    /// As of an earlier instant (`--at`): what lived then may have expired since (a session,
    /// the cached context).
    Expired,
    /// As of an earlier instant: an item without a readable timestamp, left out.
    Undated,
    /// As of an earlier instant: a value kept only as it is now (`user_journeys`, knowledge).
    OnlyCurrent,
    /// As of an earlier instant: the instant is before any of the user's dated data.
    BeforeAnyData,
    /// The snapshot's knowledge hits come from a narrower search than the policy's (a lower
    /// threshold or a higher limit): rows that search did not return cannot be replayed.
    NarrowerSearch,
    /// Items dated after the replay's clock (a writer's clock ahead, a typed date): SPEC §3's
    /// recency rule (`now − timestamp < window`) counts them as recent.
    FutureTimestamp,
}

impl From<NoteKind> for FindingKind {
    fn from(k: NoteKind) -> Self {
        match k {
            NoteKind::TimestampOutOfRange => FindingKind::TimestampOutOfRange,
            NoteKind::DuplicateRow => FindingKind::DuplicateRow,
            NoteKind::AmbiguousKey => FindingKind::AmbiguousKey,
            NoteKind::UnexpectedShape => FindingKind::UnexpectedShape,
            NoteKind::UnknownField => FindingKind::UnknownField,
            NoteKind::NoTtl => FindingKind::NoTtl,
            NoteKind::Expired => FindingKind::Expired,
            NoteKind::Undated => FindingKind::Undated,
            NoteKind::OnlyCurrent => FindingKind::OnlyCurrent,
            NoteKind::BeforeAnyData => FindingKind::BeforeAnyData,
        }
    }
}

/// Every finding for a user. `replay` is the assembly under `policy` (the one the cache is
/// compared against). The store's notes come from `snap` (its user data's and its knowledge
/// search's), first.
pub fn findings(
    data: &UserData,
    snap: &Snapshot,
    policy: &Policy,
    map: &MilestoneMap,
    replay: &Assembly,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = snap
        .notes
        .iter()
        .map(|n| finding(n.kind.into(), n.source.clone(), n.message.clone()))
        .collect();
    out.extend(narrower_search(snap, policy));
    sessions(&mut out, data, snap, policy);
    cache(&mut out, data, snap, replay);
    out.extend(future_timestamps(data, snap));
    milestones(&mut out, data, snap, map);
    for p in &replay.duplicates {
        let source = item_source(data, replay, &p.id);
        out.push(finding(
            FindingKind::Duplicate,
            source,
            duplicate_message(p),
        ));
    }
    if replay.near_unscreened > 0 {
        out.push(finding(
            FindingKind::Duplicate,
            format!("user {}", crate::text::shown_id(&replay.user_id)),
            format!(
                "near copies not looked for among the last {} candidates (checked for exact \
                 copies only): the items share so many word shingles that comparing each with \
                 every earlier one would take minutes",
                crate::text::thousands_exact(replay.near_unscreened as i128)
            ),
        ));
    }
    let sum: f64 = policy.layers.iter().map(|l| l.weight).sum();
    if (sum - 1.0).abs() > 1e-9 {
        let effect = if sum > 1.0 {
            "layers can overcommit T; the global pass decides"
        } else {
            "part of T is never used"
        };
        out.push(finding(
            FindingKind::WeightsSum,
            format!("policy {}", policy.name),
            format!("layer weights sum to {sum:.2}, not 1: {effect}"),
        ));
    }
    out
}

/// A snapshot written under a narrower knowledge search than `policy` asks for: its hits are
/// all a replay has, so what a wider search would retrieve is missing, and said so.
pub fn narrower_search(snap: &Snapshot, policy: &Policy) -> Option<Finding> {
    let ks = &snap.searched()?;
    let k = &policy.knowledge;
    let lower = k.similarity_threshold < ks.min_similarity;
    let more = k.limit > ks.limit;
    let every_milestone = ks.milestone_only == Some(true) && !k.same_milestone_only;
    if !lower && !more && !every_milestone {
        return None;
    }
    let mut asks = Vec::new();
    if lower {
        asks.push(format!("threshold {}", k.similarity_threshold));
    }
    if more {
        asks.push(format!("limit {}", k.limit));
    }
    if every_milestone {
        asks.push("hits of every milestone (the snapshot's search kept to the user's)".into());
    }
    Some(finding(
        FindingKind::NarrowerSearch,
        "knowledge search".into(),
        format!(
            "the snapshot holds the hits of a search down to similarity {} and at most {} hits; \
             policy {} asks for {}: rows that search did not return are missing from this replay \
             (a snapshot written under this policy holds them)",
            crate::engine::shown_f64((ks.min_similarity * 1e6).round() / 1e6),
            ks.limit,
            crate::text::inert_line(&policy.name),
            asks.join(" and ")
        ),
    ))
}

/// Items dated after `now`, one finding per source: the session read, `memory_bank`, the
/// knowledge hits. Their recency counts them as recent, so a replay says so too.
pub fn future_timestamps(data: &UserData, snap: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    let now = snap.now;
    let session_key = data
        .session_key()
        .map_or_else(|| snap.session_source(), str::to_string);
    let turns: Vec<_> = snap.turns().map(|(_, t)| t.timestamp).collect();
    let journey: Vec<_> = snap.journey.iter().filter_map(|j| j.timestamp).collect();
    let hits: Vec<_> = snap.knowledge.iter().filter_map(|k| k.timestamp).collect();
    for (source, stamps, one, many) in [
        (session_key, turns, "turn", "turns"),
        ("memory_bank".to_string(), journey, "row", "rows"),
        ("knowledge".to_string(), hits, "hit", "hits"),
    ] {
        let later: Vec<_> = stamps.into_iter().filter(|t| *t > now).collect();
        let Some(latest) = later.iter().max() else {
            continue;
        };
        let msg = format!(
            "{} dated after now ({}), the latest {}: a clock ahead? The recency window counts \
             {} as recent",
            crate::text::count(later.len() as u64, one, many),
            crate::engine::snapshot::fmt_ts(&now),
            crate::engine::snapshot::fmt_ts(latest),
            if later.len() == 1 { "it" } else { "them" }
        );
        out.push(finding(FindingKind::FutureTimestamp, source, msg));
    }
    out
}

fn finding(kind: FindingKind, source: String, message: String) -> Finding {
    Finding {
        kind,
        source,
        message,
    }
}

/// Sessions longer than the writer keeps, or without a TTL.
fn sessions(out: &mut Vec<Finding>, data: &UserData, snap: &Snapshot, policy: &Policy) {
    // A snapshot file lists no sessions (no keys, no TTLs), but holds the one it read whole.
    if data.sessions.is_empty() && !snap.session.is_empty() {
        let turns = snap.turns().count();
        if turns > policy.session.max_items {
            let key = crate::store::keys::session_key(
                "",
                &snap.user_id,
                snap.session_id.as_deref().unwrap_or("?"),
            );
            let msg = format!(
                "holds {turns} turns; the writer keeps the newest {}",
                policy.session.max_items
            );
            out.push(finding(FindingKind::SessionOverMaxItems, key, msg));
        }
    }
    for s in &data.sessions {
        if s.turns > policy.session.max_items {
            let msg = format!(
                "holds {} turns; the writer keeps the newest {}",
                s.turns, policy.session.max_items
            );
            out.push(finding(
                FindingKind::SessionOverMaxItems,
                s.key.clone(),
                msg,
            ));
        }
        if s.ttl.is_none() && s.ttl_read {
            let msg = "session key has no TTL (the system sets 3600 s)".to_string();
            out.push(finding(FindingKind::NoTtl, s.key.clone(), msg));
        }
    }
}

/// A cached context without a TTL, unreadable, or drifted from the replay. A replay that asks
/// another question than the newest user turn (`--query`, `:query`) is not compared: the
/// cache answered the turn, so every difference would be the question's.
fn cache(out: &mut Vec<Finding>, data: &UserData, snap: &Snapshot, replay: &Assembly) {
    let key = data
        .cached_context_key
        .clone()
        .unwrap_or_else(|| crate::store::keys::context_key("", &data.user_id, "?"));
    // Stored without a TTL, whether or not its value can be read.
    if data.ttls_known && data.cached_context_ttl_read && data.cached_context_ttl.is_none() {
        let msg = "cached context has no TTL (the system sets 300 s)".to_string();
        out.push(finding(FindingKind::NoTtl, key.clone(), msg));
    }
    let Some(v) = &data.cached_context else {
        return;
    };
    match CachedContext::from_json(v) {
        Err(e) => out.push(finding(FindingKind::CacheUnreadable, key, e)),
        Ok(c) if let Some(why) = foreign(&c, data) => {
            let msg = format!("{why}: not compared with the replay");
            out.push(finding(FindingKind::CacheDrift, key, msg));
        }
        Ok(_) if asks_another_question(snap) => {}
        Ok(c) => {
            let d = drift(&c, replay);
            if !d.is_empty() {
                let msg = drift_summary(&d, &replay.policy);
                out.push(finding(FindingKind::CacheDrift, key, msg));
            }
        }
    }
}

/// The replay asks another question than the newest user turn (`--query`, `:query`, or a file
/// whose turns were edited after its query was recorded): the cache answered that turn.
fn asks_another_question(snap: &Snapshot) -> bool {
    snap.query.is_some() && snap.query.as_deref() != snap.newest_user_text()
}

/// Why a readable cache is not this user's at the user's milestone (`None`: it is).
fn foreign(c: &CachedContext, data: &UserData) -> Option<String> {
    let user = data.stored_as.as_deref().unwrap_or(&data.user_id);
    c.written_for_another(user, data.current_milestone.as_deref())
}

/// Why the user's readable cached context is not compared with the replay (`None`: it is, or
/// there is none to compare).
pub fn cache_not_compared(data: &UserData, snap: &Snapshot) -> Option<String> {
    let c = CachedContext::from_json(data.cached_context.as_ref()?).ok()?;
    if let Some(why) = foreign(&c, data) {
        Some(format!("the cache was {why}"))
    } else if asks_another_question(snap) {
        Some(
            "the replay asks another question than the newest user turn, which the cache answered"
                .into(),
        )
    } else {
        None
    }
}

/// Milestones (the user's, or a journey row's) the dependency map does not know.
fn milestones(out: &mut Vec<Finding>, data: &UserData, snap: &Snapshot, map: &MilestoneMap) {
    if let Some(m) = data
        .current_milestone
        .as_deref()
        .filter(|m| !map.contains(m))
    {
        // As of an earlier instant the milestone may be one a memory_bank row gives: that row
        // is named, not user_journeys, which holds today's.
        use crate::engine::rewind::MilestoneFrom;
        let source = match data.as_of.as_ref().map(|a| &a.milestone_from) {
            Some(MilestoneFrom::Transition { id } | MilestoneFrom::Completions { id }) => {
                format!("memory_bank id={}", id.trim_start_matches("mb:"))
            }
            _ => "user_journeys".into(),
        };
        let what = if data.as_of.is_some() {
            "milestone at T"
        } else {
            "current milestone"
        };
        out.push(finding(
            FindingKind::UnknownMilestone,
            source,
            format!(
                "{what} {} is not in the dependency map",
                crate::text::quoted(m)
            ),
        ));
    }
    for j in &snap.journey {
        let row = || format!("memory_bank id={}", j.id.trim_start_matches("mb:"));
        if let Some(m) = j.milestone.as_deref().filter(|m| !map.contains(m)) {
            let msg = format!(
                "milestone {} is not in the dependency map",
                crate::text::quoted(m)
            );
            out.push(finding(FindingKind::UnknownMilestone, row(), msg));
        }
        // A transition's ends, where they are not the row's milestone (named above).
        if j.kind != crate::engine::snapshot::JourneyKind::Transition {
            continue;
        }
        for end in ["from", "to"] {
            if let Some(m) = j.data.get(end).and_then(serde_json::Value::as_str)
                && !map.contains(m)
                && j.milestone.as_deref() != Some(m)
            {
                let msg = format!(
                    "transition data's `{end}` {} is not in the dependency map",
                    crate::text::quoted(m)
                );
                out.push(finding(FindingKind::UnknownMilestone, row(), msg));
            }
        }
    }
}

/// Where an item of `a` is stored: the Redis key or table row (static modules: the policy).
fn item_source(data: &UserData, a: &Assembly, id: &str) -> String {
    use crate::engine::ItemKind;
    match a.item(id).map(|i| i.kind) {
        Some(ItemKind::Turn) => {
            let key = data.session_key().map_or_else(
                || {
                    crate::store::keys::session_key(
                        "",
                        &data.user_id,
                        data.session_id.as_deref().unwrap_or("?"),
                    )
                },
                str::to_string,
            );
            format!("{key}[{}]", id.rsplit('#').next().unwrap_or("?"))
        }
        Some(ItemKind::BusinessDna | ItemKind::MilestoneData | ItemKind::Transition) => {
            format!("memory_bank id={}", id.trim_start_matches("mb:"))
        }
        Some(ItemKind::Knowledge) => format!("knowledge id={}", id.trim_start_matches("kn:")),
        _ => format!("policy [[static]] {id}"),
    }
}

/// `kn:12 (knowledge) is a near copy (Jaccard 0.85) of s1#4 (session): 96 tokens spent on it`.
pub fn duplicate_message(p: &crate::engine::assembly::Pair) -> String {
    let how = match p.kind {
        crate::engine::dedupe::Match::Exact => "an exact copy".to_string(),
        crate::engine::dedupe::Match::Near => format!(
            "a near copy (Jaccard {})",
            crate::engine::dedupe::shown_similarity(p.similarity)
        ),
    };
    let cost = if p.removed {
        format!("removed by dedupe before the fit ({} tokens)", p.tokens)
    } else if p.spent > 0 {
        format!("{} tokens of the prompt spent on the second copy", p.spent)
    } else {
        "not in the prompt twice".to_string()
    };
    format!(
        "{} ({}) is {how} of {} ({}): {cost}",
        p.id, p.layer, p.of, p.of_layer
    )
}

/// One line on how a cache differs from a replay.
pub fn drift_summary(d: &crate::engine::cache::Drift, policy: &str) -> String {
    // An id of an item's shape (`s1#4`, `mb:12`, `kn:3`, `query`) as it is; anything else a
    // cache holds (a module's name too: this replay has no such module) is stored text,
    // quoted, so that `--redact` masks it as a quoted value.
    let id = |x: &String| -> String {
        let word = |w: &str| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
        };
        let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
        let plain = match x.rsplit_once('#') {
            Some((session, n)) => word(session) && number(n),
            None => {
                x == "query"
                    || x.strip_prefix("mb:")
                        .or(x.strip_prefix("kn:"))
                        .is_some_and(number)
            }
        };
        if plain {
            x.clone()
        } else {
            crate::text::quoted(x)
        }
    };
    let list = |ids: &[String]| {
        let shown: Vec<String> = ids.iter().take(3).map(id).collect();
        let more = if ids.len() > 3 {
            format!(" +{}", ids.len() - 3)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    let mut parts = Vec::new();
    if !d.only_cached.is_empty() {
        parts.push(format!("only in cache: {}", list(&d.only_cached)));
    }
    if !d.only_replay.is_empty() {
        parts.push(format!("only in replay: {}", list(&d.only_replay)));
    }
    if !d.changed_tokens.is_empty() {
        let n = d.changed_tokens.len() as u64;
        parts.push(format!(
            "{} with other token counts",
            crate::text::count(n, "item", "items")
        ));
    }
    if d.prompt_differs && parts.is_empty() {
        parts.push("the prompt text differs".into());
    }
    if parts.is_empty() {
        // The same items and prompt under another total: the cache's own sum is off.
        parts.push("its total_tokens is not the sum the replay makes of the same items".into());
    }
    let sign = if d.token_delta > 0 { "+" } else { "" };
    let tokens = match d.token_delta {
        0 => "the same tokens".to_string(),
        n => format!("{sign}{} tokens", crate::text::thousands_exact(n)),
    };
    // Which policy replayed it: the TUI compares under the baseline, a command under its own.
    format!(
        "differs from a fresh replay under {policy} ({tokens}): {}",
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests;
