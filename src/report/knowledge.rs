//! Dead knowledge: how the fleet's replays used each knowledge row — returned by a user's search,
//! retrieved (through the threshold, the milestone filter and the limit, so it reached the budget
//! fit), kept in a prompt — and, where the store can list every row, the rows no user retrieved.
//! Grouped by the row's own milestone.
//!
//! Memory grows with the knowledge rows seen, never with the users: a row is one map entry
//! however many users retrieve it, and the rows listed per milestone are bounded.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::engine::{Assembly, Decision, ItemKind, Reason, Snapshot};
use crate::store::{CatalogueRow, Store, StoreError, cut_title};

/// Rows read per page of the catalogue.
const CATALOGUE_PAGE: usize = 1_000;

/// How many rows of each kind a report lists per milestone unless asked otherwise.
pub const DEFAULT_LISTED: usize = 10;

/// One row's use over the users replayed, under the candidate policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowUse {
    pub milestone: Option<String>,
    pub title: String,
    /// Users whose search returned the row (near misses too).
    pub seen: u64,
    /// Users for whom it passed retrieval: it reached the budget fit.
    pub retrieved: u64,
    /// Users whose prompt holds it, whole or truncated.
    pub kept: u64,
    /// The user last counted (a row listed twice for one user counts once).
    stamp: u64,
    /// What was counted for that user: retrieved, kept.
    counted: (bool, bool),
}

impl RowUse {
    /// Counts one listing of the row for user `stamp` (a user counts once however often).
    fn count(&mut self, stamp: u64, retrieved: bool, kept: bool) {
        if self.stamp != stamp {
            self.stamp = stamp;
            self.counted = (false, false);
            self.seen += 1;
        }
        if retrieved && !self.counted.0 {
            self.retrieved += 1;
            self.counted.0 = true;
        }
        if kept && !self.counted.1 {
            self.kept += 1;
            self.counted.1 = true;
        }
    }
}

/// Every knowledge row some user's search returned, by item id (`kn:{id}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnowledgeUse {
    pub rows: HashMap<String, RowUse>,
    /// Rows some user's search returned that could not be read (a NULL title, an embedding
    /// no search can score): malformed items, never retrieved as hits.
    pub unreadable: std::collections::HashSet<String>,
    /// Users added so far (the stamps of [`RowUse`]; merged rows carry stamp 0).
    users: u64,
}

impl KnowledgeUse {
    /// Adds one user: `a` is the candidate's assembly of `snap`.
    pub fn add(&mut self, snap: &Snapshot, a: &Assembly) {
        self.users += 1;
        let stamp = self.users;
        for item in a.items.iter().filter(|i| i.kind == ItemKind::Knowledge) {
            let ret = !item.reason.is_some_and(Reason::is_retrieval);
            let kept = item.decision != Decision::Dropped;
            // One lookup for a row seen before (most are: a fleet shares its rows).
            if let Some(row) = self.rows.get_mut(&item.id) {
                row.count(stamp, ret, kept);
                continue;
            }
            let entry = snap.knowledge.iter().find(|k| k.id == item.id);
            let mut row = RowUse {
                milestone: entry.map_or(item.milestone.clone(), |k| k.milestone.clone()),
                title: entry.map(|k| cut_title(&k.title)).unwrap_or_default(),
                ..RowUse::default()
            };
            row.count(stamp, ret, kept);
            self.rows.insert(item.id.clone(), row);
        }
        for m in &a.malformed {
            if let Some(id) = m.id.as_deref().filter(|id| id.starts_with("kn:"))
                && !self.unreadable.contains(id)
            {
                self.unreadable.insert(id.to_string());
            }
        }
    }

    /// Adds another worker's rows.
    pub fn merge(&mut self, other: KnowledgeUse) {
        self.unreadable.extend(other.unreadable);
        for (id, theirs) in other.rows {
            match self.rows.get_mut(&id) {
                Some(mine) => {
                    mine.seen += theirs.seen;
                    mine.retrieved += theirs.retrieved;
                    mine.kept += theirs.kept;
                }
                None => {
                    self.rows.insert(id, RowUse { stamp: 0, ..theirs });
                }
            }
        }
    }
}

/// The store's rows no user retrieved, counted per row milestone, the first few listed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogueScan {
    pub groups: BTreeMap<Option<String>, ScanGroup>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanGroup {
    pub rows: u64,
    pub never_retrieved: u64,
    /// The first never-retrieved rows, by id.
    pub listed: Vec<KnowledgeRowRef>,
}

/// What a run knows of the set of every knowledge row.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Catalogue {
    /// The fleet's source holds only each user's hits (snapshot files): never-retrieved rows
    /// cannot be known.
    #[default]
    Unlisted,
    /// The store could not be listed, or the run stopped before it was: why.
    NotRead(String),
    Scanned(CatalogueScan),
}

/// A store's knowledge catalogue held between runs (the TUI's Report screen re-runs after every
/// tuning step), when it has at most [`CATALOGUE_HELD`] rows.
#[derive(Debug, Default)]
pub struct HeldCatalogue(Mutex<Option<Arc<Vec<CatalogueRow>>>>);

/// Knowledge rows a [`HeldCatalogue`] holds, at most (about 25 MB of titles at the most).
pub const CATALOGUE_HELD: usize = 100_000;

impl HeldCatalogue {
    fn get(&self) -> Option<Arc<Vec<CatalogueRow>>> {
        self.0.lock().ok()?.clone()
    }

    fn keep(&self, rows: Vec<CatalogueRow>) {
        if let Ok(mut held) = self.0.lock() {
            *held = Some(Arc::new(rows));
        }
    }
}

/// Lists every row of `store` (page by page, ids, milestones and titles only; or from `held`)
/// and counts those `used` never saw retrieved. `Ok(None)`: the store cannot list its rows.
pub async fn scan(
    store: &dyn Store,
    used: &KnowledgeUse,
    listed: usize,
    held: Option<&HeldCatalogue>,
) -> Result<Option<CatalogueScan>, StoreError> {
    let mut out = CatalogueScan::default();
    if let Some(rows) = held.and_then(HeldCatalogue::get) {
        out.count(&rows, used, listed);
        return Ok(Some(out));
    }
    let mut keep = held.map(|_| Vec::new());
    let mut after = None;
    loop {
        let Some(page) = store.knowledge_catalogue(after, CATALOGUE_PAGE).await? else {
            return Ok(None);
        };
        out.count(&page, used, listed);
        let next = page
            .last()
            .filter(|_| page.len() >= CATALOGUE_PAGE)
            .map(|r| r.id);
        keep = keep.filter(|k| k.len() + page.len() <= CATALOGUE_HELD);
        if let Some(k) = &mut keep {
            k.extend(page);
        }
        match next {
            Some(id) => after = Some(id),
            None => break,
        }
    }
    if let (Some(held), Some(rows)) = (held, keep) {
        held.keep(rows);
    }
    Ok(Some(out))
}

impl CatalogueScan {
    /// Counts a page of the catalogue.
    fn count(&mut self, page: &[CatalogueRow], used: &KnowledgeUse, listed: usize) {
        let mut key = String::new();
        for row in page {
            key.clear();
            let _ = write!(key, "kn:{}", row.id);
            let group = self.groups.entry(row.milestone.clone()).or_default();
            group.rows += 1;
            if used.rows.get(&key).is_some_and(|u| u.retrieved > 0) {
                continue;
            }
            group.never_retrieved += 1;
            if group.listed.len() < listed {
                group.listed.push(row_ref(&key, row, used));
            }
        }
    }
}

fn row_ref(id: &str, row: &CatalogueRow, used: &KnowledgeUse) -> KnowledgeRowRef {
    KnowledgeRowRef {
        id: id.to_string(),
        title: row.title.clone(),
        users_retrieved: 0,
        unscorable: row.unscorable,
        unreadable: used.unreadable.contains(id),
    }
}

/// The knowledge section of a report (candidate policy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeSummary {
    pub policy: String,
    /// Every row of the store was listed: `rows` and `never_retrieved` are known.
    pub catalogue: bool,
    /// Why they are not, when not.
    pub catalogue_caveat: Option<String>,
    /// Rows listed per milestone and kind, at most.
    pub listed_per_milestone: usize,
    pub total: KnowledgeCounts,
    /// By the row's milestone (`null`: rows of no milestone, relevant to every one).
    pub milestones: Vec<KnowledgeGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeCounts {
    /// Rows in the store (`null`: not listed).
    pub rows: Option<u64>,
    /// Rows some user's search returned (near misses below the threshold or past the limit too).
    pub seen: u64,
    /// Rows retrieved for at least one user (through threshold, milestone filter and limit).
    pub retrieved: u64,
    /// Rows kept (whole or truncated) in at least one user's prompt.
    pub kept: u64,
    /// Rows retrieved for no user (`null`: not listed).
    pub never_retrieved: Option<u64>,
    /// Rows retrieved for some user and kept for none: dropped by the budget every time.
    pub retrieved_never_kept: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeGroup {
    pub milestone: Option<String>,
    #[serde(flatten)]
    pub counts: KnowledgeCounts,
    /// The first never-retrieved rows, by id.
    pub never_retrieved_rows: Vec<KnowledgeRowRef>,
    /// Retrieved but never kept, most retrieved first.
    pub retrieved_never_kept_rows: Vec<KnowledgeRowRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeRowRef {
    pub id: String,
    /// Stored text, at most 200 characters: shown inert.
    pub title: String,
    /// Users for whom it was retrieved.
    pub users_retrieved: u64,
    /// Never retrieved because no search can score its embedding (see [`CatalogueRow`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unscorable: bool,
    /// Returned by some user's search, but unreadable there (a malformed item): never a hit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

/// `kn:12` before `kn:100`: by the number, then the text.
fn id_order(id: &str) -> (i64, &str) {
    let n = id.strip_prefix("kn:").and_then(|n| n.parse().ok());
    (n.unwrap_or(i64::MAX), id)
}

impl KnowledgeUse {
    /// The section: the rows used, grouped by milestone, and what `catalogue` adds.
    pub fn summary(&self, policy: &str, catalogue: &Catalogue, listed: usize) -> KnowledgeSummary {
        let scanned = match catalogue {
            Catalogue::Scanned(s) => Some(s),
            _ => None,
        };
        let mut groups = self.groups();
        for (m, s) in scanned.iter().flat_map(|s| &s.groups) {
            let g = groups
                .entry(m.clone())
                .or_insert_with(|| KnowledgeGroup::new(m));
            g.counts.rows = Some(s.rows);
            g.counts.never_retrieved = Some(s.never_retrieved);
            g.never_retrieved_rows = s.listed.clone();
        }
        let mut total = KnowledgeCounts {
            rows: scanned.map(|_| 0),
            never_retrieved: scanned.map(|_| 0),
            ..KnowledgeCounts::default()
        };
        let milestones = groups
            .into_values()
            .map(|mut g| {
                if scanned.is_some() {
                    g.counts.rows.get_or_insert(0);
                    g.counts.never_retrieved.get_or_insert(0);
                }
                g.retrieved_never_kept_rows.sort_by(|a, b| {
                    b.users_retrieved
                        .cmp(&a.users_retrieved)
                        .then_with(|| id_order(&a.id).cmp(&id_order(&b.id)))
                });
                g.retrieved_never_kept_rows.truncate(listed);
                total.add(&g.counts);
                g
            })
            .collect();
        KnowledgeSummary {
            policy: policy.to_string(),
            catalogue: scanned.is_some(),
            catalogue_caveat: match catalogue {
                Catalogue::Scanned(_) => None,
                Catalogue::Unlisted => Some(UNLISTED.into()),
                Catalogue::NotRead(why) => Some(format!("rows never retrieved not known: {why}")),
            },
            listed_per_milestone: listed,
            total,
            milestones,
        }
    }

    /// The rows used, counted by their milestone; every retrieved-but-never-kept row listed.
    fn groups(&self) -> BTreeMap<Option<String>, KnowledgeGroup> {
        let mut groups: BTreeMap<Option<String>, KnowledgeGroup> = BTreeMap::new();
        for (id, u) in &self.rows {
            let g = groups
                .entry(u.milestone.clone())
                .or_insert_with(|| KnowledgeGroup::new(&u.milestone));
            g.counts.seen += 1;
            g.counts.retrieved += u64::from(u.retrieved > 0);
            g.counts.kept += u64::from(u.kept > 0);
            if u.retrieved > 0 && u.kept == 0 {
                g.counts.retrieved_never_kept += 1;
                g.retrieved_never_kept_rows.push(KnowledgeRowRef {
                    id: id.clone(),
                    title: u.title.clone(),
                    users_retrieved: u.retrieved,
                    unscorable: false,
                    unreadable: false,
                });
            }
        }
        groups
    }
}

impl KnowledgeGroup {
    fn new(milestone: &Option<String>) -> Self {
        KnowledgeGroup {
            milestone: milestone.clone(),
            counts: KnowledgeCounts::default(),
            never_retrieved_rows: Vec::new(),
            retrieved_never_kept_rows: Vec::new(),
        }
    }
}

/// What a report says where the source cannot list every row.
pub const UNLISTED: &str = "snapshot files hold only the hits each user's search returned: rows \
     never retrieved cannot be known from them, so only rows retrieved but never kept are shown";

impl KnowledgeCounts {
    fn add(&mut self, o: &KnowledgeCounts) {
        let sum = |a: Option<u64>, b: Option<u64>| a.map(|a| a + b.unwrap_or(0));
        self.rows = sum(self.rows, o.rows);
        self.never_retrieved = sum(self.never_retrieved, o.never_retrieved);
        self.seen += o.seen;
        self.retrieved += o.retrieved;
        self.kept += o.kept;
        self.retrieved_never_kept += o.retrieved_never_kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::snapshot::Malformed;
    use crate::engine::{Engine, Policy};

    /// A user at M1 asking about pricing, with four hits: one kept, one too long for the
    /// knowledge budget, one below the threshold, one of another milestone.
    fn snapshot(user: &str) -> Snapshot {
        let hit = |id: &str, milestone: &str, sim: f64, words: usize| {
            serde_json::json!({
                "id": id, "milestone": milestone, "title": format!("title of {id}"),
                "content": "pricing ".repeat(words), "similarity": sim,
            })
        };
        serde_json::from_value(serde_json::json!({
            "user_id": user, "current_milestone": "M1", "now": "2025-01-15T12:00:00Z",
            "query": "how should I price?",
            "knowledge": [
                hit("kn:1", "M1", 0.9, 20), hit("kn:2", "M1", 0.85, 5000),
                hit("kn:3", "M1", 0.5, 20), hit("kn:4", "M5", 0.95, 20),
            ],
        }))
        .expect("snapshot")
    }

    fn used(users: &[&str]) -> KnowledgeUse {
        let (engine, p) = (
            Engine::default(),
            Policy::preset("prolaunch").expect("preset"),
        );
        let mut used = KnowledgeUse::default();
        for u in users {
            let snap = snapshot(u);
            used.add(&snap, &engine.assemble_fleet(&snap, &p, false));
        }
        used
    }

    #[test]
    fn a_row_is_counted_per_user_as_seen_retrieved_and_kept() {
        let u = used(&["a", "b"]);
        let counts = |id: &str| {
            let r = &u.rows[id];
            (r.seen, r.retrieved, r.kept)
        };
        assert_eq!(counts("kn:1"), (2, 2, 2));
        assert_eq!(counts("kn:2"), (2, 2, 0), "too long for the layer budget");
        assert_eq!(counts("kn:3"), (2, 0, 0), "below the threshold");
        assert_eq!(counts("kn:4"), (2, 0, 0), "another milestone");
        assert_eq!(u.rows["kn:4"].milestone.as_deref(), Some("M5"));
        assert_eq!(u.rows["kn:2"].title, "title of kn:2");
        // Two workers' halves merge to the whole.
        let mut halves = used(&["a"]);
        halves.merge(used(&["b"]));
        let summary = |u: &KnowledgeUse| u.summary("p", &Catalogue::Unlisted, 10);
        assert_eq!(summary(&halves), summary(&u));
    }

    #[test]
    fn the_summary_groups_by_row_milestone_and_says_what_it_cannot_know() {
        let s = used(&["a"]).summary("prolaunch", &Catalogue::Unlisted, 10);
        assert!(!s.catalogue);
        assert_eq!(s.catalogue_caveat.as_deref(), Some(UNLISTED));
        let m1 = &s.milestones[0];
        assert_eq!(m1.milestone.as_deref(), Some("M1"));
        assert_eq!(
            (m1.counts.seen, m1.counts.retrieved, m1.counts.kept),
            (3, 2, 1)
        );
        assert_eq!((m1.counts.rows, m1.counts.never_retrieved), (None, None));
        assert_eq!(m1.counts.retrieved_never_kept, 1);
        assert_eq!(m1.retrieved_never_kept_rows[0].id, "kn:2");
        assert_eq!(s.total.seen, 4);
        // A catalogue with a row nobody's search returned: never retrieved, listed by id.
        let scan = CatalogueScan {
            groups: BTreeMap::from([(
                Some("M1".to_string()),
                ScanGroup {
                    rows: 4,
                    never_retrieved: 2,
                    listed: vec![],
                },
            )]),
        };
        let s = used(&["a"]).summary("prolaunch", &Catalogue::Scanned(scan), 10);
        assert!(s.catalogue && s.catalogue_caveat.is_none());
        assert_eq!(s.milestones[0].counts.never_retrieved, Some(2));
        assert_eq!(s.milestones[1].counts.rows, Some(0), "M5: no row listed");
        assert_eq!((s.total.rows, s.total.never_retrieved), (Some(4), Some(2)));
    }

    /// A row some search returned but could not read (a NULL title) is never retrieved, and
    /// listed as returned unreadable: not a row no search finds.
    #[test]
    fn a_row_returned_unreadable_is_listed_so() {
        let (engine, p) = (
            Engine::default(),
            Policy::preset("prolaunch").expect("preset"),
        );
        let mut snap = snapshot("a");
        snap.malformed.push(Malformed {
            id: Some("kn:9".into()),
            source: "knowledge id=9".into(),
            reason: "title is NULL".into(),
        });
        let mut used = KnowledgeUse::default();
        used.add(&snap, &engine.assemble_fleet(&snap, &p, false));
        let mut halves = KnowledgeUse::default();
        halves.merge(used.clone());
        let row = |id: i64| CatalogueRow {
            id,
            milestone: Some("M1".into()),
            title: format!("t{id}"),
            unscorable: false,
        };
        let mut scan = CatalogueScan::default();
        scan.count(&[row(1), row(8), row(9)], &halves, 10);
        let listed: Vec<(&str, bool)> = scan.groups[&Some("M1".to_string())]
            .listed
            .iter()
            .map(|r| (r.id.as_str(), r.unreadable))
            .collect();
        assert_eq!(listed, [("kn:8", false), ("kn:9", true)]);
    }

    #[test]
    fn a_row_listed_twice_for_one_user_counts_once() {
        let (engine, p) = (
            Engine::default(),
            Policy::preset("prolaunch").expect("preset"),
        );
        let mut snap = snapshot("a");
        let twice = snap.knowledge[0].clone();
        snap.knowledge.push(twice);
        let mut u = KnowledgeUse::default();
        u.add(&snap, &engine.assemble_fleet(&snap, &p, false));
        let r = &u.rows["kn:1"];
        assert_eq!((r.seen, r.retrieved, r.kept), (1, 1, 1));
    }

    #[test]
    fn titles_are_cut_as_the_catalogue_cuts_them() {
        use crate::store::CATALOGUE_TITLE_CHARS;
        let long = "é".repeat(CATALOGUE_TITLE_CHARS + 5);
        let cut = cut_title(&long);
        assert_eq!(cut.chars().count(), CATALOGUE_TITLE_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(cut_title("short"), "short");
    }
}
