//! Redis key names: building `{prefix}session:{user}:{session}` and `{prefix}context:{user}:{milestone}`,
//! and deciding whose a found key is when user ids may contain `:` (SPEC §6, ownership is never guessed).
//!
//! The rule. A key's *rest* is what follows `session:` or `context:`; its *candidates* are the
//! user part of every split `{user}:{tail}` of the rest (either side may be empty: the empty
//! user id and the empty session id are legal, and a key of theirs is read, not lost). The *known*
//! users are those with a `user_journeys` row, plus the *natural owner* (the split at the last
//! `:`, so a session id without `:`) of every session key none of whose candidates has a journey
//! row. A key with exactly one known candidate belongs to it; with two or more it is *ambiguous*:
//! nobody's data, shown to each of them as a finding. A key with a single candidate belongs to
//! it (a session key's only candidate is its natural owner, so known by the rule; a context key
//! of an unknown user is never read, as reading it needs the user's current milestone).
//! Context keys do not make users known: a user that only Redis knows is one with sessions.

use std::collections::HashSet;

/// The two key families ctxlens reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Session,
    Context,
}

impl Family {
    /// What follows the prefix in the family's key names: the word [`session_key`] and
    /// [`context_key`] write.
    fn word(self) -> &'static str {
        match self {
            Family::Session => SESSION_WORD,
            Family::Context => CONTEXT_WORD,
        }
    }
}

pub use crate::engine::keys::{
    CONTEXT_WORD, SESSION_WORD, context_key, context_pattern, glob_escape, prefix_pattern,
    progress_channel, progress_pattern, session_key, session_pattern,
};

/// A key's family and rest, if it is a session or context key under `prefix`.
pub fn parse<'k>(prefix: &str, key: &'k str) -> Option<(Family, &'k str)> {
    let r = key.strip_prefix(prefix)?;
    [Family::Session, Family::Context]
        .into_iter()
        .find_map(|f| r.strip_prefix(f.word()).map(|rest| (f, rest)))
}

/// Whether `name` is one of `user`'s session keys, under any key prefix and perhaps with an
/// entry's index after it (`app:session:u1:s2[3]`): how data a store could not read, or that a
/// snapshot file kept from a store with another prefix, is told to be session data.
pub fn is_session_of(name: &str, user: &str) -> bool {
    name.contains(&session_key("", user, ""))
}

/// The candidate owners of a rest, shortest first: every `{user}:{tail}` split.
pub fn candidates(rest: &str) -> Vec<&str> {
    rest.match_indices(':').map(|(i, _)| &rest[..i]).collect()
}

/// The split at the last `:` (user, tail).
pub fn natural_owner(rest: &str) -> Option<(&str, &str)> {
    rest.rsplit_once(':')
}

/// The tail of `rest` when `user` owns it: what follows `{user}:`.
pub fn tail<'r>(rest: &'r str, user: &str) -> Option<&'r str> {
    rest.strip_prefix(user)?.strip_prefix(':')
}

/// Whose a key is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner<'k> {
    /// One user's: the user and the tail (session id or milestone).
    User { user: &'k str, tail: &'k str },
    /// Two or more known users could own it (shortest id first): nobody reads it.
    Ambiguous(Vec<&'k str>),
    /// No known candidate (or none at all).
    Nobody,
}

/// The known users, as far as a set of keys and journey rows tell.
#[derive(Debug)]
pub struct Owners<'a> {
    journey: &'a HashSet<String>,
    natural: HashSet<&'a str>,
}

impl<'a> Owners<'a> {
    /// `journey`: the user ids with a `user_journeys` row, among at least every candidate of
    /// `sessions` and of the keys later asked about. `sessions`: the rests of the session keys
    /// that may make a user known, which must include every session key whose natural owner is
    /// a candidate of a key asked about.
    pub fn new(sessions: impl IntoIterator<Item = &'a str>, journey: &'a HashSet<String>) -> Self {
        let natural = sessions
            .into_iter()
            .filter(|rest| !candidates(rest).iter().any(|c| journey.contains(*c)))
            .filter_map(|rest| natural_owner(rest).map(|(u, _)| u))
            .collect();
        Owners { journey, natural }
    }

    /// Whether `user` is known: a journey row, or the natural owner of a session key.
    pub fn known(&self, user: &str) -> bool {
        self.journey.contains(user) || self.natural.contains(user)
    }

    /// Whose the key with this rest is.
    pub fn owner<'k>(&self, rest: &'k str) -> Owner<'k> {
        let all = candidates(rest);
        let known: Vec<&str> = match all.as_slice() {
            [one] => vec![*one],
            _ => all.iter().copied().filter(|c| self.known(c)).collect(),
        };
        match known.as_slice() {
            [] => Owner::Nobody,
            [user] => Owner::User {
                user,
                tail: &rest[user.len() + 1..],
            },
            _ => Owner::Ambiguous(known),
        }
    }
}

/// The candidates of a rest that need a journey lookup to decide it: none when it has one.
fn lookups(rest: &str) -> Vec<&str> {
    let all = candidates(rest);
    if all.len() > 1 { all } else { vec![] }
}

/// What deciding the owners of `targets` (rests) needs: the ids to look up in `user_journeys`
/// (none when no target has several candidates), and the session keys (of `sessions`, the rests
/// of every session key that could matter) to pass to [`Owners::new`] with the answer.
pub fn lookups_for<'a>(
    targets: impl IntoIterator<Item = &'a str>,
    sessions: &[&'a str],
) -> (Vec<String>, Vec<&'a str>) {
    let need: HashSet<&str> = targets.into_iter().flat_map(lookups).collect();
    if need.is_empty() {
        return (vec![], vec![]);
    }
    let relevant: Vec<&str> = sessions
        .iter()
        .copied()
        .filter(|r| natural_owner(r).is_some_and(|(u, _)| need.contains(u)))
        .collect();
    let mut ids: Vec<String> = need
        .iter()
        .copied()
        .chain(relevant.iter().flat_map(|r| candidates(r)))
        .map(str::to_string)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    (ids, relevant)
}

/// How a finding words an ambiguous key: `could belong to a or a:b:c; not read`.
pub fn ambiguity(users: &[&str]) -> String {
    // Each as a listing shows it: the empty id as `""`, one with a space at its end quoted.
    let shown: Vec<String> = users
        .iter()
        .map(|u| crate::text::shown_id(u).into_owned())
        .collect();
    let names = match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    format!("could belong to {names} (user ids may contain ':'); not read as anyone's")
}

/// The SCAN pattern that finds every key `user` may own and every key that decides whether one of
/// those keys' other candidates is known: all keys whose rest starts with the user id's first
/// segment and a `:` (a key of `a:b:c` has candidates `a` and `a:b`, and `session:a:s1` makes `a`
/// known). It matches more (`*` spans the family and `:` anywhere); callers filter with
/// [`shares_first_segment`].
pub fn scan_pattern(prefix: &str, user: &str) -> String {
    let first = user.split(':').next().unwrap_or(user);
    format!("{}*:{}:*", glob_escape(prefix), glob_escape(first))
}

/// Whether a rest starts with `user`'s first segment and a `:` (what [`scan_pattern`] is for).
pub fn shares_first_segment(rest: &str, user: &str) -> bool {
    let first = user.split(':').next().unwrap_or(user);
    rest.strip_prefix(first).is_some_and(|r| r.starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journey(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn a_users_session_keys_are_told_under_any_prefix() {
        assert!(is_session_of("app:session:u1:s2[3]", "u1"));
        assert!(is_session_of("session:a:b:s1", "a:b"));
        assert!(!is_session_of("session:u10:s1", "u1"));
        assert!(!is_session_of("context:u1:M1", "u1"));
        assert!(!is_session_of("memory_bank id=17", "u1"));
    }

    #[test]
    fn names_are_built_and_parsed_under_the_prefix() {
        assert_eq!(session_key("p:", "a:b", "s1"), "p:session:a:b:s1");
        assert_eq!(context_key("", "u", "M3"), "context:u:M3");
        assert_eq!(progress_channel("p:", "a*"), "p:progress:a*");
        assert_eq!(
            parse("p:", "p:session:a:s1"),
            Some((Family::Session, "a:s1"))
        );
        assert_eq!(
            parse("p:", "p:context:a:M1"),
            Some((Family::Context, "a:M1"))
        );
        assert_eq!(parse("p:", "session:a:s1"), None, "another prefix");
        assert_eq!(parse("", "progress:a"), None);
    }

    #[test]
    fn candidates_are_every_split() {
        assert_eq!(candidates("a:b:c:s1"), ["a", "a:b", "a:b:c"]);
        assert_eq!(candidates("u1:s1"), ["u1"]);
        assert!(candidates("s1").is_empty());
        // The empty session id and the empty user id are ids like any other.
        assert_eq!(candidates("u1:"), ["u1"]);
        assert_eq!(candidates(":x:s1"), ["", ":x"]);
        assert_eq!(candidates("a::s"), ["a", "a:"]);
        assert_eq!(natural_owner("a:b:c:s1"), Some(("a:b:c", "s1")));
        assert_eq!(natural_owner("a:"), Some(("a", "")));
        assert_eq!(natural_owner(":s1"), Some(("", "s1")));
        assert_eq!(tail("a:b:c:s1", "a"), Some("b:c:s1"));
        assert_eq!(tail("a:", "a"), Some(""));
        assert_eq!(tail(":s1", ""), Some("s1"));
        assert_eq!(tail("ab:s1", "a"), None);
    }

    #[test]
    fn two_known_candidates_make_a_key_ambiguous() {
        let j = journey(&["a", "a:b:c", "m31"]);
        let keys = ["a:b:c:s1", "a:s0", "m31:a:b:c", "a:b:c:s2"];
        let owners = Owners::new(keys, &j);
        assert_eq!(
            owners.owner("a:b:c:s1"),
            Owner::Ambiguous(vec!["a", "a:b:c"])
        );
        assert_eq!(
            owners.owner("a:s0"),
            Owner::User {
                user: "a",
                tail: "s0"
            }
        );
        // m31 has a journey row, so m31:a:b is no phantom user: the session is m31's.
        assert_eq!(
            owners.owner("m31:a:b:c"),
            Owner::User {
                user: "m31",
                tail: "a:b:c"
            }
        );
        assert!(!owners.known("m31:a:b"));
    }

    #[test]
    fn without_journey_rows_natural_owners_are_the_known_users() {
        let none = HashSet::new();
        // Alone, a:b's session is a:b's.
        let alone = Owners::new(["a:b:s2"], &none);
        assert_eq!(
            alone.owner("a:b:s2"),
            Owner::User {
                user: "a:b",
                tail: "s2"
            }
        );
        // Once `a` has a session of its own, a:b:s2 could be a's session `b:s2`.
        let both = Owners::new(["a:b:s2", "a:s1"], &none);
        assert_eq!(both.owner("a:b:s2"), Owner::Ambiguous(vec!["a", "a:b"]));
        assert_eq!(
            both.owner("a:s1"),
            Owner::User {
                user: "a",
                tail: "s1"
            }
        );
        // A context key of nobody known is nobody's.
        assert_eq!(both.owner("x:y:M1"), Owner::Nobody);
        assert_eq!(
            both.owner("x:M1"),
            Owner::User {
                user: "x",
                tail: "M1"
            }
        );
    }

    #[test]
    fn a_journey_candidate_stops_the_natural_owner_counting() {
        let j = journey(&["m31"]);
        let owners = Owners::new(["m31:a:b:c", "m31:a:s9"], &j);
        assert!(!owners.known("m31:a:b") && !owners.known("m31:a"));
        assert_eq!(
            owners.owner("m31:a:s9"),
            Owner::User {
                user: "m31",
                tail: "a:s9"
            }
        );
    }

    #[test]
    fn lookups_only_where_a_key_has_several_candidates() {
        assert_eq!(lookups_for(["u:s1", "v:M1"], &["u:s1"]), (vec![], vec![]));
        // a:b:s1 needs a and a:b; a's own session decides whether a is known, and its
        // candidates are looked up too; v's session is of no concern.
        let (ids, relevant) = lookups_for(["a:b:s1"], &["a:b:s1", "a:s0", "v:s1"]);
        assert_eq!(ids, ["a", "a:b"]);
        assert_eq!(relevant, ["a:b:s1", "a:s0"]);
        let (ids, _) = lookups_for(["x:y:z:s"], &["x:y:s2"]);
        assert_eq!(ids, ["x", "x:y", "x:y:z"]);
    }

    #[test]
    fn ambiguity_names_every_candidate() {
        assert_eq!(
            ambiguity(&["a", "a:b:c"]),
            "could belong to a or a:b:c (user ids may contain ':'); not read as anyone's"
        );
        assert!(ambiguity(&["a", "a:b", "a:b:c"]).starts_with("could belong to a, a:b or a:b:c "));
        // Named as listings show ids: the empty id is `""`, not nothing.
        assert!(ambiguity(&["", ":a"]).starts_with("could belong to \"\" or :a "));
    }

    #[test]
    fn scan_patterns_cover_shorter_candidates_and_escape_globs() {
        assert_eq!(scan_pattern("", "a:b:c"), "*:a:*");
        assert_eq!(scan_pattern("p*", "u[1]?"), "p\\**:u\\[1\\]\\?:*");
        assert!(shares_first_segment("a:s1", "a:b:c"));
        assert!(shares_first_segment("a:b:c:s1", "a"));
        assert!(!shares_first_segment("ab:s1", "a"));
    }

    #[test]
    fn parsing_reads_the_family_words_that_building_writes() {
        for prefix in ["", "p:", "a:b:"] {
            let session = session_key(prefix, "u:1", "s:2");
            let context = context_key(prefix, "u:1", "M1");
            assert_eq!(parse(prefix, &session), Some((Family::Session, "u:1:s:2")));
            assert_eq!(parse(prefix, &context), Some((Family::Context, "u:1:M1")));
            assert_eq!(parse(prefix, &progress_channel(prefix, "u:1")), None);
        }
    }
}
