//! Which found keys are whose: the journey rows a decision needs ([`super::keys`]), and a fleet
//! pass's window of the keyspace, every key given to its one known owner or noted as ambiguous.

use std::collections::{BTreeMap, HashSet};

use super::keys::{self, Family, Owner, Owners};
use super::{JourneyIds, StoreError};
use crate::engine::snapshot::{Note, NoteKind};

/// The journey rows that decide the owners of the keys of `found` (family, rest) for which
/// `target` holds, looked up at once (none when no such key has several candidates), and the
/// session keys to pass to [`Owners::new`] with them.
pub(super) async fn journey_rows<'a>(
    found: &[(Family, &'a str)],
    target: impl Fn(&str) -> bool,
    journeys: &dyn JourneyIds,
) -> Result<(HashSet<String>, Vec<&'a str>), StoreError> {
    let sessions: Vec<&str> = found
        .iter()
        .filter(|(f, _)| *f == Family::Session)
        .map(|(_, r)| *r)
        .collect();
    let targets = found.iter().map(|(_, r)| *r).filter(|r| target(r));
    let (ids, relevant) = keys::lookups_for(targets, &sessions);
    let journey = if ids.is_empty() {
        HashSet::new()
    } else {
        journeys.with_journey(&ids).await?
    };
    Ok((journey, relevant))
}

/// The keys one node's SCAN found: names as text, and names that are not UTF-8. No user id is
/// such a name (ids are text), so those are never read as anyone's keys; a user whose
/// `session:{user}:` or `context:{user}:` they begin with is told of them (`redis::unreadable_keys`).
#[derive(Debug, Default)]
pub(super) struct Found {
    pub(super) keys: Vec<String>,
    pub(super) not_utf8: Vec<Vec<u8>>,
}

/// The most keys a [`KeyWindow`] holds by default (~100 bytes each): a fleet pass's memory stays
/// bounded, and a keyspace of up to this many session and context keys is scanned once per pass.
pub const WINDOW_KEYS: usize = 200_000;

/// The session and context keys of a range of users (by user id, byte order), found by one SCAN:
/// every user from `from` up to `until` (exclusive; `None`: no end) has all its keys here, and
/// the ambiguous keys naming it ([`keys`]).
#[derive(Debug)]
pub struct KeyWindow {
    from: String,
    until: Option<String>,
    pub(super) keys: BTreeMap<String, UserKeys>,
    /// The names found that are not UTF-8 (no user's; reported to the users they begin with).
    pub(super) not_utf8: Vec<Vec<u8>>,
}

/// One user's keys in a window: those it owns (node, key name), and notes of ambiguous ones.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct UserKeys {
    pub(super) owned: Vec<(usize, String)>,
    pub(super) ambiguous: Vec<Note>,
}

impl UserKeys {
    fn len(&self) -> usize {
        self.owned.len() + self.ambiguous.len()
    }
}

/// The finding of a key several known users could own, shown to each of them.
pub(super) fn ambiguous_note(key: &str, users: &[&str]) -> Note {
    Note {
        kind: NoteKind::AmbiguousKey,
        source: key.to_string(),
        message: keys::ambiguity(users),
    }
}

impl KeyWindow {
    pub(super) fn covers(&self, user: &str) -> bool {
        user >= self.from.as_str() && self.until.as_deref().is_none_or(|u| user < u)
    }

    /// The window from `from` over the keys `found` per node, each given to its owner by
    /// `owners`, holding at most `cap` keys: past that, the users with the greatest ids are let go
    /// and the window ends before them.
    pub(super) fn build(
        prefix: &str,
        from: &str,
        cap: usize,
        found: &[Found],
        owners: &Owners<'_>,
    ) -> KeyWindow {
        let mut w = KeyWindow {
            from: from.to_string(),
            until: None,
            keys: BTreeMap::new(),
            not_utf8: found.iter().flat_map(|f| f.not_utf8.clone()).collect(),
        };
        let mut held = 0usize;
        for (node, names) in found.iter().enumerate() {
            for k in &names.keys {
                let Some((_, rest)) = keys::parse(prefix, k) else {
                    continue;
                };
                match owners.owner(rest) {
                    Owner::User { user, .. } if w.covers(user) => {
                        let mine = w.keys.entry(user.to_string()).or_default();
                        mine.owned.push((node, k.clone()));
                        held += 1;
                    }
                    Owner::Ambiguous(users) => {
                        let covered: Vec<&str> =
                            users.iter().copied().filter(|u| w.covers(u)).collect();
                        for u in covered {
                            let mine = w.keys.entry(u.to_string()).or_default();
                            mine.ambiguous.push(ambiguous_note(k, &users));
                            held += 1;
                        }
                    }
                    _ => {}
                }
                while held > cap {
                    let Some((last, dropped)) = w.keys.pop_last() else {
                        break;
                    };
                    held -= dropped.len();
                    w.until = Some(last);
                }
            }
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Found {
        Found {
            keys: v.iter().map(|k| (*k).to_string()).collect(),
            not_utf8: vec![],
        }
    }

    #[test]
    fn a_key_window_keeps_the_lowest_users_up_to_its_cap() {
        let found = vec![
            names(&["session:c:1", "session:a:1", "context:b:M1", "other"]),
            names(&["session:b:2", "session:d:1", "session:b:1"]),
        ];
        let none = HashSet::new();
        let owners = Owners::new([], &none);
        let all = KeyWindow::build("", "b", 10, &found, &owners);
        assert!(!all.covers("a") && all.covers("b") && all.covers("zz"));
        assert_eq!(all.keys.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        assert_eq!(
            all.keys["b"].owned,
            [
                (0, "context:b:M1".to_string()),
                (1, "session:b:2".to_string()),
                (1, "session:b:1".to_string())
            ]
        );
        // Five keys from b on; a cap of 3 lets the greatest users go, and the window ends there.
        let capped = KeyWindow::build("", "b", 3, &found, &owners);
        assert_eq!(capped.keys.keys().collect::<Vec<_>>(), ["b"]);
        assert!(capped.covers("b") && !capped.covers("c") && !capped.covers("d"));
        // A user with more keys than the cap: the window holds nobody, and covers nobody.
        let nobody = KeyWindow::build("", "b", 2, &found, &owners);
        assert!(nobody.keys.is_empty() && !nobody.covers("b"));
    }

    #[test]
    fn a_key_window_gives_ambiguous_keys_to_nobody_and_tells_each_candidate() {
        let found = vec![names(&[
            "p:session:a:b:c:s1",
            "p:session:a:s0",
            "p:session:m31:a:b:c",
            "p:context:a:b:c:M1",
        ])];
        let journey: HashSet<String> = ["a", "a:b:c", "m31"].map(String::from).into();
        let sessions: Vec<&str> = found[0]
            .keys
            .iter()
            .filter_map(|k| k.strip_prefix("p:session:"))
            .collect();
        let owners = Owners::new(sessions, &journey);
        let w = KeyWindow::build("p:", "", 100, &found, &owners);
        assert_eq!(w.keys.keys().collect::<Vec<_>>(), ["a", "a:b:c", "m31"]);
        assert_eq!(w.keys["a"].owned, [(0, "p:session:a:s0".to_string())]);
        assert!(w.keys["a:b:c"].owned.is_empty());
        assert_eq!(
            w.keys["m31"].owned,
            [(0, "p:session:m31:a:b:c".to_string())]
        );
        for u in ["a", "a:b:c"] {
            let sources: Vec<&str> = w.keys[u]
                .ambiguous
                .iter()
                .map(|n| n.source.as_str())
                .collect();
            assert_eq!(sources, ["p:session:a:b:c:s1", "p:context:a:b:c:M1"], "{u}");
        }
    }
}
