//! The milestone dependency graph (seed 000's `dependency_map`), per-user status, and transitions.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::snapshot::{JourneyKind, Snapshot};

/// One milestone as written in config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDef {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
}

/// A config error in the dependency map, naming the offending edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneError {
    #[error(
        "milestone {milestone} depends on unknown milestone {dependency} (edge {dependency} → {milestone})"
    )]
    Unknown {
        milestone: String,
        dependency: String,
    },
    #[error("milestone dependency cycle {path} (edge {from} → {to})")]
    Cycle {
        path: String,
        from: String,
        to: String,
    },
    #[error("milestone {0} is defined twice")]
    Duplicate(String),
    #[error("the milestone map lists no milestone (leave `milestones` out for the default map)")]
    Empty,
    #[error("a milestone has an empty id")]
    EmptyId,
    /// No store can hold it (Postgres text has no NUL), so no row could ever be of it.
    #[error("milestone id {0:?} contains a NUL byte, which Postgres text cannot hold")]
    NulInId(String),
    #[error("milestone {milestone} lists dependency {dependency} twice")]
    RepeatedDependency {
        milestone: String,
        dependency: String,
    },
}

/// How a milestone relates to the user's current one, for journey relevance (SPEC §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The current milestone or one of its direct dependencies.
    Direct,
    /// In the dependency closure, not direct.
    Transitive,
    Other,
}

/// A milestone's state for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Completed,
    Current,
    Available,
    Locked,
}

/// A validated, acyclic dependency map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneMap {
    defs: Vec<MilestoneDef>,
    /// closure[i]: every milestone i depends on, directly or not.
    closure: Vec<BTreeSet<usize>>,
}

/// Seed 000's map with display names.
const SEED_MAP: &[(&str, &str, &[&str])] = &[
    ("M0", "Business DNA", &[]),
    ("M1", "Market Research", &["M0"]),
    ("M2", "Customer Validation", &["M0", "M1"]),
    ("M3", "Product Definition", &["M0", "M1", "M2"]),
    ("M4", "Pricing Strategy", &["M1", "M3"]),
    ("M5", "Supplier Sourcing", &["M2"]),
    ("M6", "Manufacturing Plan", &["M5"]),
    ("M7", "Logistics & Fulfilment", &["M5", "M6"]),
    ("M8", "Brand & Legal", &[]),
    (
        "M9",
        "Launch",
        &["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"],
    ),
];

impl Default for MilestoneMap {
    fn default() -> Self {
        let defs = SEED_MAP
            .iter()
            .map(|(id, name, deps)| MilestoneDef {
                id: (*id).into(),
                name: (*name).into(),
                depends_on: deps.iter().map(|d| (*d).to_string()).collect(),
            })
            .collect();
        // The seed map is a constant DAG; the unit tests check it validates.
        #[allow(clippy::expect_used)]
        Self::new(defs).expect("seed 000 dependency map is valid")
    }
}

impl MilestoneMap {
    /// Validates `defs`: no duplicates, no unknown dependency, no cycle.
    pub fn new(defs: Vec<MilestoneDef>) -> Result<Self, MilestoneError> {
        if defs.is_empty() {
            return Err(MilestoneError::Empty);
        }
        if defs.iter().any(|d| d.id.trim().is_empty()) {
            return Err(MilestoneError::EmptyId);
        }
        if let Some(d) = defs.iter().find(|d| d.id.contains('\0')) {
            return Err(MilestoneError::NulInId(d.id.clone()));
        }
        for d in &defs {
            let repeated = d
                .depends_on
                .iter()
                .enumerate()
                .find(|(i, dep)| d.depends_on[..*i].contains(dep))
                .map(|(_, dep)| dep);
            if let Some(dep) = repeated {
                return Err(MilestoneError::RepeatedDependency {
                    milestone: d.id.clone(),
                    dependency: dep.clone(),
                });
            }
        }
        let index: BTreeMap<&str, usize> = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        if index.len() != defs.len() {
            let mut seen = BTreeSet::new();
            let dup = defs
                .iter()
                .find(|d| !seen.insert(&d.id))
                .map(|d| d.id.clone())
                .unwrap_or_default();
            return Err(MilestoneError::Duplicate(dup));
        }
        let mut deps = Vec::with_capacity(defs.len());
        for d in &defs {
            let mut ds = Vec::new();
            for dep in &d.depends_on {
                let &j = index
                    .get(dep.as_str())
                    .ok_or_else(|| MilestoneError::Unknown {
                        milestone: d.id.clone(),
                        dependency: dep.clone(),
                    })?;
                ds.push(j);
            }
            deps.push(ds);
        }
        find_cycle(&defs, &deps)?;
        let closure = (0..defs.len()).map(|i| reach(&deps, i)).collect();
        Ok(Self { defs, closure })
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.defs.iter().map(|d| d.id.as_str())
    }

    pub fn defs(&self) -> &[MilestoneDef] {
        &self.defs
    }

    pub fn get(&self, id: &str) -> Option<&MilestoneDef> {
        self.defs.iter().find(|d| d.id == id)
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.defs.iter().position(|d| d.id == id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index(id).is_some()
    }

    /// `M5 Supplier Sourcing`; an id the map does not know as `X (not in the map)`, an empty
    /// one as `(empty)`.
    pub fn label(&self, id: &str) -> String {
        if id.trim().is_empty() {
            "(empty)".into()
        } else if self.contains(id) {
            format!("{id} {}", self.name(id))
        } else {
            format!("{id} (not in the map)")
        }
    }

    /// Why a transition `from` → `to` is not a step forward, if it is not: the user is there
    /// already, or `to` comes before `from` (one of its dependencies).
    pub fn not_forward(&self, from: &str, to: &str) -> Option<String> {
        if from == to {
            Some(format!(
                "note: the user is at {to} already; this is what a transition into it carries"
            ))
        } else if self.closure(from).contains(&to) {
            Some(format!(
                "note: {to} comes before {from} (one of its dependencies): a move back, not forward"
            ))
        } else {
            None
        }
    }

    /// Display name, or the id when the milestone has none or is unknown.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.get(id)
            .map(|d| d.name.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or(id)
    }

    /// Direct dependencies of `id` (empty for an unknown id).
    pub fn deps(&self, id: &str) -> &[String] {
        self.get(id).map(|d| d.depends_on.as_slice()).unwrap_or(&[])
    }

    /// Every milestone `id` depends on, directly or transitively, in map order.
    pub fn closure(&self, id: &str) -> Vec<&str> {
        self.index(id)
            .map(|i| {
                self.closure[i]
                    .iter()
                    .map(|&j| self.defs[j].id.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How `other` relates to `current` (SPEC §3.4).
    pub fn relation(&self, current: &str, other: &str) -> Relation {
        if other == current || self.deps(current).iter().any(|d| d == other) {
            Relation::Direct
        } else if self.closure(current).contains(&other) {
            Relation::Transitive
        } else {
            Relation::Other
        }
    }

    /// Each milestone's status for a user at `current` who completed `completed`.
    pub fn statuses(
        &self,
        current: Option<&str>,
        completed: &BTreeSet<String>,
    ) -> Vec<(&str, Status)> {
        self.defs
            .iter()
            .map(|d| {
                let status = if Some(d.id.as_str()) == current {
                    Status::Current
                } else if completed.contains(&d.id) {
                    Status::Completed
                } else if d.depends_on.iter().all(|x| completed.contains(x)) {
                    Status::Available
                } else {
                    Status::Locked
                };
                (d.id.as_str(), status)
            })
            .collect()
    }

    /// Milestones grouped by depth (longest dependency path), for drawing the DAG in layers.
    pub fn layers(&self) -> Vec<Vec<&str>> {
        let mut depth = vec![0usize; self.defs.len()];
        // Closure sizes order a DAG topologically: a dependency's closure is a strict subset.
        let mut order: Vec<usize> = (0..self.defs.len()).collect();
        order.sort_by_key(|&i| self.closure[i].len());
        for &i in &order {
            for dep in &self.defs[i].depends_on {
                if let Some(j) = self.index(dep) {
                    depth[i] = depth[i].max(depth[j] + 1);
                }
            }
        }
        let rows = depth.iter().max().map_or(0, |m| m + 1);
        let mut layers = vec![Vec::new(); rows];
        for (i, d) in self.defs.iter().enumerate() {
            layers[depth[i]].push(d.id.as_str());
        }
        layers
    }
}

/// All nodes reachable from `start` along dependency edges (excluding `start`).
fn reach(deps: &[Vec<usize>], start: usize) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = deps[start].clone();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            stack.extend(&deps[n]);
        }
    }
    seen
}

/// Depth-first search for a back edge; reports the cycle's path and closing edge.
fn find_cycle(defs: &[MilestoneDef], deps: &[Vec<usize>]) -> Result<(), MilestoneError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        n: usize,
        deps: &[Vec<usize>],
        mark: &mut [Mark],
        path: &mut Vec<usize>,
    ) -> Option<(Vec<usize>, usize)> {
        mark[n] = Mark::Open;
        path.push(n);
        for &d in &deps[n] {
            match mark[d] {
                Mark::Open => return Some((path.clone(), d)),
                Mark::New => {
                    if let Some(c) = visit(d, deps, mark, path) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        mark[n] = Mark::Done;
        None
    }
    let mut mark = vec![Mark::New; defs.len()];
    for i in 0..defs.len() {
        if mark[i] != Mark::New {
            continue;
        }
        if let Some((path, back)) = visit(i, deps, &mut mark, &mut Vec::new()) {
            let start = path.iter().position(|&p| p == back).unwrap_or(0);
            let mut names: Vec<&str> = path[start..].iter().map(|&p| defs[p].id.as_str()).collect();
            names.push(&defs[back].id);
            // Written in the edges' direction, dependency → dependant.
            names.reverse();
            let last = *path.last().unwrap_or(&back);
            // Edges point from dependency to dependant: `last` depends on `back`.
            return Err(MilestoneError::Cycle {
                path: names.join(" → "),
                from: defs[back].id.clone(),
                to: defs[last].id.clone(),
            });
        }
    }
    Ok(())
}

/// What a transition into `to` would carry (seed 000's `prepare_transition`): the completion
/// data of each dependency of `to`, and which dependencies have none yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitionPreview {
    pub user_id: String,
    pub from: Option<String>,
    pub to: String,
    /// Dependency → its newest `milestone_data` (the seed's `extract_key_data`).
    pub context: BTreeMap<String, Value>,
    /// Dependencies of `to` the user has not completed.
    pub missing: Vec<String>,
}

/// Milestones with `milestone_data` in the snapshot.
pub fn completed(snapshot: &Snapshot) -> BTreeSet<String> {
    snapshot
        .journey
        .iter()
        .filter(|j| j.kind == JourneyKind::MilestoneData)
        .filter_map(|j| j.milestone.clone())
        .collect()
}

/// Seed 000's `prepare_transition(user, from, to)`, read-only: returns what would be stored.
pub fn prepare_transition(map: &MilestoneMap, snapshot: &Snapshot, to: &str) -> TransitionPreview {
    let mut context = BTreeMap::new();
    let mut missing = Vec::new();
    for dep in map.deps(to) {
        let newest = snapshot
            .journey
            .iter()
            .filter(|j| j.kind == JourneyKind::MilestoneData && j.milestone.as_deref() == Some(dep))
            .max_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.id.cmp(&b.id)));
        match newest {
            Some(j) => {
                context.insert(dep.clone(), j.data.clone());
            }
            None => missing.push(dep.clone()),
        }
    }
    TransitionPreview {
        user_id: snapshot.user_id.clone(),
        from: snapshot.current_milestone.clone(),
        to: to.to_string(),
        context,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(id: &str, deps: &[&str]) -> MilestoneDef {
        MilestoneDef {
            id: id.into(),
            name: String::new(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
        }
    }

    /// A map with nothing in it, an empty id or a dependency listed twice is refused, naming
    /// what is wrong.
    #[test]
    fn an_empty_map_an_empty_id_and_a_repeated_dependency_are_refused() {
        assert_eq!(MilestoneMap::new(vec![]), Err(MilestoneError::Empty));
        assert_eq!(
            MilestoneMap::new(vec![def("A", &[]), def(" ", &["A"])]),
            Err(MilestoneError::EmptyId)
        );
        let err = MilestoneMap::new(vec![def("A", &[]), def("B", &["A", "A"])]).expect_err("twice");
        assert_eq!(err.to_string(), "milestone B lists dependency A twice");
    }

    /// A milestone as lists name it: id and name, or said to be unknown (never the id twice).
    #[test]
    fn a_label_names_a_known_milestone_and_marks_an_unknown_one() {
        let m = MilestoneMap::default();
        assert_eq!(m.label("M5"), "M5 Supplier Sourcing");
        assert_eq!(m.label("NOTAMILESTONE"), "NOTAMILESTONE (not in the map)");
        assert_eq!(m.label(" "), "(empty)");
    }

    #[test]
    fn a_transition_that_is_no_step_forward_says_so() {
        let map = MilestoneMap::default();
        assert!(
            map.not_forward("M0", "M0")
                .is_some_and(|n| n.contains("at M0 already"))
        );
        assert!(
            map.not_forward("M9", "M0")
                .is_some_and(|n| n.contains("a move back"))
        );
        assert_eq!(map.not_forward("M5", "M6"), None);
        assert_eq!(map.not_forward("M5", "M8"), None, "another branch");
    }

    #[test]
    fn seed_map_closure_and_relations() {
        let m = MilestoneMap::default();
        assert_eq!(m.closure("M4"), ["M0", "M1", "M2", "M3"]);
        assert_eq!(m.closure("M7"), ["M0", "M1", "M2", "M5", "M6"]);
        assert!(m.closure("M8").is_empty());
        assert_eq!(m.relation("M4", "M4"), Relation::Direct);
        assert_eq!(m.relation("M4", "M3"), Relation::Direct);
        assert_eq!(m.relation("M4", "M0"), Relation::Transitive);
        assert_eq!(m.relation("M4", "M8"), Relation::Other);
        assert_eq!(
            m.layers(),
            vec![
                vec!["M0", "M8"],
                vec!["M1"],
                vec!["M2"],
                vec!["M3", "M5"],
                vec!["M4", "M6"],
                vec!["M7"],
                vec!["M9"]
            ]
        );
    }

    #[test]
    fn statuses_follow_completion() {
        let m = MilestoneMap::default();
        let done: BTreeSet<String> = ["M0", "M1", "M2"].iter().map(|s| s.to_string()).collect();
        let st: BTreeMap<&str, Status> = m.statuses(Some("M3"), &done).into_iter().collect();
        assert_eq!(st["M0"], Status::Completed);
        assert_eq!(st["M3"], Status::Current);
        assert_eq!(st["M5"], Status::Available);
        assert_eq!(st["M8"], Status::Available);
        assert_eq!(st["M4"], Status::Locked);
    }

    #[test]
    fn unknown_dependency_names_the_edge() {
        let err = MilestoneMap::new(vec![def("M0", &[]), def("M1", &["M7"])]).expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "milestone M1 depends on unknown milestone M7 (edge M7 → M1)"
        );
    }

    #[test]
    fn cycle_names_the_edge() {
        let err = MilestoneMap::new(vec![def("A", &[]), def("B", &["A", "C"]), def("C", &["B"])])
            .expect_err("cycle");
        assert_eq!(
            err.to_string(),
            "milestone dependency cycle B → C → B (edge B → C)"
        );
        let err = MilestoneMap::new(vec![def("A", &["A"])]).expect_err("self loop");
        assert_eq!(
            err.to_string(),
            "milestone dependency cycle A → A (edge A → A)"
        );
    }

    #[test]
    fn duplicates_are_rejected() {
        let err = MilestoneMap::new(vec![def("A", &[]), def("A", &[])]).expect_err("dup");
        assert_eq!(err.to_string(), "milestone A is defined twice");
    }
}
