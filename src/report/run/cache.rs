//! Snapshots kept between runs in one process, per user and knowledge parameters, so a run
//! after a policy change only replays.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::engine::Snapshot;
use crate::report::knowledge::HeldCatalogue;
use crate::store::KnowledgeParams;

/// Snapshots kept between runs in one process — the TUI's Report screen after each tuning
/// step, or a benchmark's re-run — so a run after a policy change only replays. At most
/// `capacity` users are kept (later ones are loaded every time), so memory stays bounded.
/// A user loaded under other knowledge parameters is loaded again.
#[derive(Debug)]
pub struct SnapshotCache {
    capacity: usize,
    users: Mutex<HashMap<String, Loaded>>,
    /// The store's knowledge rows, so a run after a tuning step lists none.
    pub catalogue: HeldCatalogue,
}

/// Users the TUI's Report screen replays in full (and keeps snapshots of); a larger fleet, or
/// a live one (uncounted), is sampled.
pub const TUI_ALL_USERS_UP_TO: usize = 20_000;

impl Default for SnapshotCache {
    fn default() -> Self {
        Self::new(TUI_ALL_USERS_UP_TO)
    }
}

/// Caches compare by identity (effects carry one, and effects compare in tests).
impl PartialEq for SnapshotCache {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// One user's snapshots, each with the knowledge parameters it was searched with.
type Loaded = Vec<(KnowledgeParams, Arc<Snapshot>)>;

/// Knowledge-parameter sets kept per user: the newest few (a baseline and some tuning steps).
const PARAMS_PER_USER: usize = 4;

impl SnapshotCache {
    pub fn new(capacity: usize) -> Self {
        SnapshotCache {
            capacity,
            users: Mutex::new(HashMap::new()),
            catalogue: HeldCatalogue::default(),
        }
    }

    /// The user's snapshot for each of `params`, if every one is held.
    pub(super) fn get(&self, user: &str, params: &[KnowledgeParams]) -> Option<Vec<Arc<Snapshot>>> {
        let users = self.users.lock().ok()?;
        let held = users.get(user)?;
        params
            .iter()
            .map(|p| held.iter().find(|(q, _)| q == p).map(|(_, s)| s.clone()))
            .collect()
    }

    pub(super) fn put(&self, user: &str, params: &[KnowledgeParams], snaps: &[Arc<Snapshot>]) {
        let Ok(mut users) = self.users.lock() else {
            return;
        };
        if users.len() >= self.capacity && !users.contains_key(user) {
            return;
        }
        let held = users.entry(user.to_string()).or_default();
        for (p, snap) in params.iter().zip(snaps) {
            if !held.iter().any(|(q, _)| q == p) {
                held.push((*p, snap.clone()));
            }
        }
        let over = held.len().saturating_sub(PARAMS_PER_USER);
        held.drain(..over);
    }

    /// Every user held with a snapshot for `params`, ordered by user id (`optimize` replays
    /// them many times).
    pub fn snapshots(&self, params: &KnowledgeParams) -> Vec<Arc<Snapshot>> {
        let Ok(users) = self.users.lock() else {
            return Vec::new();
        };
        let mut out: Vec<(&String, Arc<Snapshot>)> = users
            .iter()
            .filter_map(|(id, held)| {
                let snap = held.iter().find(|(q, _)| q == params)?;
                Some((id, snap.1.clone()))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out.into_iter().map(|(_, s)| s).collect()
    }

    /// Users held.
    pub fn len(&self) -> usize {
        self.users.lock().map_or(0, |u| u.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
