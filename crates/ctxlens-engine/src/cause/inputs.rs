//! The input changes between two (snapshot, policy) pairs, each one atomic, and any subset of
//! them applied to the first pair: what delta debugging replays.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Cause;
use crate::linediff::align;
use crate::policy::Policy;
use crate::snapshot::{JourneyEntry, KnowledgeEntry, SessionEntry, Snapshot, fmt_ts};
use policy_tree::{lookup, policy_keys, set, shown, tree};
use slots::{Slot, keyed, pick};

mod policy_tree;
mod slots;

/// One atomic difference between the two inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputChange {
    pub cause: Cause,
    /// What changed: an item id (`s1#12`, `mb:17`, `kn:5`), a policy key, or a snapshot field.
    pub subject: String,
    /// Before → after, in words (`0.712 → 0.781`, `M2 → M3`); never stored text.
    pub detail: String,
    /// When the changed data says it happened (a turn's or row's timestamp), if it says.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::snapshot::rfc3339_opt"
    )]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    User,
    Milestone,
    Now,
    Query,
    Cached,
}

/// Every input change from `a` to `b`, and how to apply any subset of them to `a`.
pub struct Delta<'a> {
    a: (&'a Snapshot, &'a Policy),
    b: (&'a Snapshot, &'a Policy),
    pub changes: Vec<InputChange>,
    /// `None` when the session itself was switched (one change replaces it whole).
    pub(super) turns: Option<Vec<Slot>>,
    session_switch: Option<usize>,
    journey: Vec<Slot>,
    knowledge: Vec<Slot>,
    fields: Vec<(Field, usize)>,
    policy: Vec<(Vec<String>, usize)>,
    trees: (toml::Value, toml::Value),
}

impl<'a> Delta<'a> {
    pub fn new(a: (&'a Snapshot, &'a Policy), b: (&'a Snapshot, &'a Policy)) -> Self {
        let trees = (tree(a.1), tree(b.1));
        let mut d = Delta {
            a,
            b,
            changes: Vec::new(),
            turns: None,
            session_switch: None,
            journey: Vec::new(),
            knowledge: Vec::new(),
            fields: Vec::new(),
            policy: Vec::new(),
            trees,
        };
        d.scalars();
        d.session();
        d.journey = d.keyed_journey();
        d.knowledge = d.keyed_knowledge();
        let mut keys = Vec::new();
        policy_keys(
            &mut Vec::new(),
            Some(&d.trees.0),
            Some(&d.trees.1),
            &mut keys,
        );
        for key in keys {
            let name = key.join(".");
            let value = |t: &toml::Value| lookup(t, &key).map_or("unset".into(), shown);
            let detail = format!("{} → {}", value(&d.trees.0), value(&d.trees.1));
            let c = d.push(Cause::PolicyFieldChange, name, detail, None);
            d.policy.push((key, c));
        }
        d
    }

    fn push(
        &mut self,
        cause: Cause,
        subject: String,
        detail: String,
        at: Option<DateTime<Utc>>,
    ) -> usize {
        self.changes.push(InputChange {
            cause,
            subject,
            detail,
            at,
        });
        self.changes.len() - 1
    }

    fn scalars(&mut self) {
        let (a, b) = (self.a.0, self.b.0);
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
        let mut fields = Vec::new();
        if a.user_id != b.user_id {
            let detail = format!("{} → {}", user(&a.user_id), user(&b.user_id));
            fields.push((Field::User, Cause::UserSwitched, "user_id", detail));
        }
        if a.current_milestone != b.current_milestone {
            let detail = format!(
                "{} → {}",
                opt(&a.current_milestone),
                opt(&b.current_milestone)
            );
            fields.push((
                Field::Milestone,
                Cause::MilestoneChange,
                "current_milestone",
                detail,
            ));
        }
        if a.now != b.now {
            let detail = format!("{} → {}", fmt_ts(&a.now), fmt_ts(&b.now));
            fields.push((Field::Now, Cause::ClockMoved, "now", detail));
        }
        if a.query != b.query {
            // What each side asked: nothing, its newest user turn (as a load asks by default),
            // or a text given to it.
            let asked = |s: &Snapshot| match s.query.as_deref() {
                None => "no query",
                Some(q) if s.newest_user_text() == Some(q) => "the newest user turn",
                Some(_) => "a given text",
            };
            let detail = match (asked(a), asked(b)) {
                (x, y) if x == y => format!("{x}, another text"),
                (x, y) => format!("{x} → {y}"),
            };
            fields.push((Field::Query, Cause::QueryChanged, "query", detail));
        }
        if a.cached_context != b.cached_context {
            let detail = "the cached context differs".to_string();
            fields.push((
                Field::Cached,
                Cause::CachedContextChanged,
                "cached_context",
                detail,
            ));
        }
        for (field, cause, subject, detail) in fields {
            let c = self.push(cause, subject.into(), detail, None);
            self.fields.push((field, c));
        }
    }

    fn session(&mut self) {
        let (a, b) = (self.a.0, self.b.0);
        // Another user's session is another session, whatever its id: its turns are not this
        // one's, aged out or new.
        if a.session_id != b.session_id || a.user_id != b.user_id {
            let detail = switch_detail(a, b);
            self.session_switch =
                Some(self.push(Cause::SessionSwitched, "session_id".into(), detail, None));
            return;
        }
        // The same turn: read alike (the same words at the same instant, however the stored
        // JSON spells them: an epoch or RFC 3339, an offset), or stored alike when unreadable.
        let pairs = align(a.session.len(), b.session.len(), |i, j| {
            match (&a.session[i].turn, &b.session[j].turn) {
                (Ok(x), Ok(y)) => x == y,
                _ => a.session[i].raw == b.session[j].raw,
            }
        });
        let partner = edit_partners(&pairs, a, b);
        let first_common = pairs.iter().position(|(x, y)| x.is_some() && y.is_some());
        let mut edits: HashMap<usize, usize> = HashMap::new();
        let mut slots: Vec<Slot> = Vec::with_capacity(pairs.len());
        for (k, &(ia, ib)) in pairs.iter().enumerate() {
            let change = match (ia, ib) {
                (Some(i), None) => Some(match partner.get(&k) {
                    Some(&(kb, j)) => {
                        let c = self.push(
                            Cause::TurnEdited,
                            b.turn_id(j),
                            edit_detail(a, b, i, j),
                            stamp(&a.session[i]),
                        );
                        edits.insert(kb, c);
                        c
                    }
                    None => self.turn_in_a_only(i, first_common.is_none_or(|f| k < f)),
                }),
                (None, Some(j)) => Some(match edits.get(&k) {
                    Some(&c) => c,
                    None => self.push(
                        Cause::NewTurn,
                        b.turn_id(j),
                        "in B only".into(),
                        stamp(&b.session[j]),
                    ),
                }),
                _ => None,
            };
            slots.push(Slot {
                a: ia,
                b: ib,
                change,
            });
        }
        self.turns = Some(slots);
    }

    /// Turn `i`, which only A has and is no edit: aged out when it is at the `front` (before
    /// the first turn both have), else removed.
    fn turn_in_a_only(&mut self, i: usize, front: bool) -> usize {
        let a = self.a.0;
        let cause = if front {
            Cause::AgedOutTurn
        } else {
            Cause::TurnRemoved
        };
        // Only a turn at the front was trimmed or expired; one from the middle was taken out.
        let detail = if front {
            "in A only: trimmed or expired"
        } else {
            "in A only: taken out of the session"
        };
        self.push(cause, a.turn_id(i), detail.into(), stamp(&a.session[i]))
    }

    fn keyed_journey(&mut self) -> Vec<Slot> {
        let (sa, sb) = (self.a.0, self.b.0);
        let (a, b) = (&sa.journey, &sb.journey);
        keyed(
            a,
            b,
            |e: &JourneyEntry| e.id.as_str(),
            |x, y| {
                let (cause, detail, at) = match (x, y) {
                    (None, Some(e)) => (
                        Cause::MemoryBankRowAdded,
                        format!("{} in B only{}", kind_of(e), unread(sa, "A", &e.id)),
                        e.timestamp,
                    ),
                    (Some(e), None) => (
                        Cause::MemoryBankRowRemoved,
                        format!("{} in A only{}", kind_of(e), unread(sb, "B", &e.id)),
                        e.timestamp,
                    ),
                    (x, e) => (
                        Cause::MemoryBankRowChanged,
                        what_changed(x, e),
                        e.and_then(|e| e.timestamp),
                    ),
                };
                let id = y.or(x).map(|e| e.id.clone()).unwrap_or_default();
                self.push(cause, id, detail, at)
            },
        )
    }

    fn keyed_knowledge(&mut self) -> Vec<Slot> {
        let (sa, sb) = (self.a.0, self.b.0);
        let (a, b) = (&sa.knowledge, &sb.knowledge);
        keyed(
            a,
            b,
            |e: &KnowledgeEntry| e.id.as_str(),
            |x, y| {
                let sim = |e: &KnowledgeEntry| format!("similarity {:.3}", e.similarity);
                let (cause, detail) = match (x, y) {
                    // Under another query (or none), a row older than A's clock was in the
                    // table for A: A's search did not return it. (Under the same query, the
                    // table changed.)
                    (None, Some(e))
                        if sa.query != sb.query && e.timestamp.is_some_and(|t| t <= sa.now) =>
                    {
                        let why = match sa.query {
                            Some(_) => "A's search under another query did not return it",
                            None => "A had no query to search with",
                        };
                        (
                            Cause::KnowledgeHitFound,
                            format!(
                                "a hit in B only, {}; the row is older than A's clock: {why}{}",
                                sim(e),
                                unread(sa, "A", &e.id)
                            ),
                        )
                    }
                    (None, Some(e)) => (
                        Cause::KnowledgeRowAdded,
                        format!("a hit in B only, {}{}", sim(e), unread(sa, "A", &e.id)),
                    ),
                    // The mirror: under another query (or none) B's search did not return a
                    // row of A's (that it is gone from the table is not known).
                    (Some(e), None) if sa.query != sb.query => {
                        let why = match sb.query {
                            Some(_) => "B's search under another query did not return it",
                            None => "B had no query to search with",
                        };
                        (
                            Cause::KnowledgeHitLost,
                            format!(
                                "a hit in A only, {}; {why}{}",
                                sim(e),
                                unread(sb, "B", &e.id)
                            ),
                        )
                    }
                    (Some(e), None) => (
                        Cause::KnowledgeRowRemoved,
                        format!("a hit in A only, {}{}", sim(e), unread(sb, "B", &e.id)),
                    ),
                    (Some(p), Some(n))
                        if p.similarity != n.similarity
                            && (KnowledgeEntry {
                                similarity: n.similarity,
                                ..p.clone()
                            }) == *n =>
                    {
                        (
                            Cause::SimilarityChanged,
                            format!("{:.3} → {:.3}", p.similarity, n.similarity),
                        )
                    }
                    _ => (Cause::KnowledgeRowChanged, "row changed".into()),
                };
                let e = y.or(x);
                let id = e.map(|e| e.id.clone()).unwrap_or_default();
                self.push(cause, id, detail, e.and_then(|e| e.timestamp))
            },
        )
    }

    /// The first pair with the changes in `on` applied; `None` when the policy so made is not a
    /// valid one (e.g. layer weights that no longer add up).
    pub fn apply(&self, on: &[bool]) -> Option<(Snapshot, Policy)> {
        let (a, b) = (self.a.0, self.b.0);
        let is_on = |c: &usize| on[*c];
        let mut s = a.clone();
        for (field, c) in &self.fields {
            if !on[*c] {
                continue;
            }
            match field {
                Field::User => s.user_id = b.user_id.clone(),
                Field::Milestone => s.current_milestone = b.current_milestone.clone(),
                Field::Now => s.now = b.now,
                Field::Query => s.query = b.query.clone(),
                Field::Cached => s.cached_context = b.cached_context.clone(),
            }
        }
        match (&self.turns, self.session_switch) {
            (_, Some(c)) if on[c] => {
                s.session_id = b.session_id.clone();
                s.session_key = b.session_key.clone();
                s.session = b.session.clone();
            }
            (Some(slots), _) => s.session = pick(slots, &a.session, &b.session, on),
            _ => {}
        }
        s.journey = pick(&self.journey, &a.journey, &b.journey, on);
        s.knowledge = pick(&self.knowledge, &a.knowledge, &b.knowledge, on);
        let policy = if !self.policy.iter().any(|(_, c)| is_on(c)) {
            self.a.1.clone()
        } else if self.policy.iter().all(|(_, c)| is_on(c)) {
            self.b.1.clone()
        } else {
            let mut t = self.trees.0.clone();
            for (key, _) in self.policy.iter().filter(|(_, c)| is_on(c)) {
                set(&mut t, key, lookup(&self.trees.1, key).cloned());
            }
            let text = toml::to_string(&t).ok()?;
            Policy::from_toml(&text, "a partly changed policy").ok()?
        };
        Some((s, policy))
    }
}

/// A turn only `a` has and one only `b` has, between the same common turns and with the same
/// timestamp, are one turn edited: for the slot of each such `a` turn, the slot and index of its
/// `b` turn.
fn edit_partners(
    pairs: &[(Option<usize>, Option<usize>)],
    a: &Snapshot,
    b: &Snapshot,
) -> HashMap<usize, (usize, usize)> {
    use std::collections::VecDeque;
    let mut out = HashMap::new();
    let mut taken = vec![false; pairs.len()];
    let mut start = 0;
    while start < pairs.len() {
        let end = (start..pairs.len())
            .find(|&k| pairs[k].0.is_some() && pairs[k].1.is_some())
            .unwrap_or(pairs.len());
        // B's unmatched turns of the block, in order, by timestamp, by words and by index:
        // each A turn takes the first untaken one it is the same turn as (as a scan of the
        // block would), without scanning the block for each (tens of thousands edited).
        let mut by_ts: HashMap<DateTime<Utc>, VecDeque<usize>> = HashMap::new();
        let mut by_body: HashMap<&crate::snapshot::TurnBody, VecDeque<usize>> = HashMap::new();
        let mut by_index: HashMap<usize, usize> = HashMap::new();
        for (kb, pair) in pairs.iter().enumerate().take(end).skip(start) {
            let &(None, Some(j)) = pair else { continue };
            by_index.insert(j, kb);
            if let Ok(t) = &b.session[j].turn {
                by_ts.entry(t.timestamp).or_default().push_back(kb);
                by_body.entry(&t.body).or_default().push_back(kb);
            }
        }
        let first_free = |q: Option<&mut VecDeque<usize>>, taken: &[bool]| {
            let q = q?;
            while q.front().is_some_and(|&kb| taken[kb]) {
                q.pop_front();
            }
            q.front().copied()
        };
        for ka in start..end {
            let (Some(i), None) = pairs[ka] else { continue };
            let ts = stamp(&a.session[i]);
            // The same turn: of the same time, or at the same place with one side unreadable
            // (a turn that could not be read is that turn, not one removed and one added).
            // Or the same words at another instant: its timestamp changed.
            let mut found = None;
            if let Some(x) = ts {
                found = first_free(by_ts.get_mut(&x), &taken);
                if let Ok(p) = &a.session[i].turn {
                    let by_words = first_free(by_body.get_mut(&p.body), &taken);
                    found = found.into_iter().chain(by_words).min();
                }
            }
            if let Some(&kb) = by_index.get(&i)
                && !taken[kb]
                && ts.is_some() != stamp(&b.session[i]).is_some()
            {
                found = Some(found.map_or(kb, |f: usize| f.min(kb)));
            }
            if let Some(kb) = found {
                taken[kb] = true;
                out.insert(ka, (kb, pairs[kb].1.unwrap_or(0)));
            }
        }
        start = end + 1;
    }
    out
}

/// The session switch in words: `s1 → s2`, each side's user named when the users differ
/// (`u1's s1 → u2's s1`).
fn switch_detail(a: &Snapshot, b: &Snapshot) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    let whose = |u: &str, v: &Option<String>| {
        if a.user_id == b.user_id {
            opt(v)
        } else {
            format!("{}'s {}", user(u), opt(v))
        }
    };
    format!(
        "{} → {}",
        whose(&a.user_id, &a.session_id),
        whose(&b.user_id, &b.session_id)
    )
}

/// What changed of turn `i` of `a`, edited into turn `j` of `b`: it became (un)readable, its
/// timestamp moved, or its text changed.
fn edit_detail(a: &Snapshot, b: &Snapshot, i: usize, j: usize) -> String {
    match (&a.session[i].turn, &b.session[j].turn) {
        (Ok(_), Err(_)) => format!("could not be read in B (was {})", a.turn_id(i)),
        (Err(_), Ok(_)) => "could not be read in A".to_string(),
        // The same words at another instant: its time changed.
        (Ok(x), Ok(y)) if x.body == y.body => {
            let moved = format!(
                "timestamp changed {} → {}",
                fmt_ts(&x.timestamp),
                fmt_ts(&y.timestamp)
            );
            if a.turn_id(i) == b.turn_id(j) {
                moved
            } else {
                format!("{moved} (was {})", a.turn_id(i))
            }
        }
        // Its id moves when turns before it came or went: said then only.
        _ if a.turn_id(i) == b.turn_id(j) => "text changed".to_string(),
        _ => format!("text changed (was {})", a.turn_id(i)),
    }
}

fn stamp(e: &SessionEntry) -> Option<DateTime<Utc>> {
    e.turn.as_ref().ok().map(|t| t.timestamp)
}

fn kind_of(e: &JourneyEntry) -> String {
    match &e.milestone {
        Some(m) => format!("{} {m}", e.kind.as_str()),
        None => e.kind.as_str().to_string(),
    }
}

/// `; in B it could not be read` when `side` holds a malformed item of `id` (its row is there,
/// unreadable: not a row the table lost or gained); else nothing.
fn unread(side: &Snapshot, name: &str, id: &str) -> String {
    if side.malformed.iter().any(|m| m.id.as_deref() == Some(id)) {
        format!("; in {name} it could not be read")
    } else {
        String::new()
    }
}

/// What differs between two versions of a memory-bank row: `data, milestone changed`.
fn what_changed(a: Option<&JourneyEntry>, b: Option<&JourneyEntry>) -> String {
    let (Some(a), Some(b)) = (a, b) else {
        return "changed".into();
    };
    let parts: Vec<&str> = [
        (a.kind != b.kind, "kind"),
        (a.data != b.data, "data"),
        (a.milestone != b.milestone, "milestone"),
        (a.timestamp != b.timestamp, "timestamp"),
    ]
    .into_iter()
    .filter_map(|(differs, what)| differs.then_some(what))
    .collect();
    if parts.is_empty() {
        "changed".into()
    } else {
        format!("{} changed", parts.join(", "))
    }
}

/// A user id in a detail: the empty id (a legal one) as `""`, so it never reads as nothing.
fn user(id: &str) -> &str {
    if id.is_empty() { "\"\"" } else { id }
}
