//! `SnapshotStore`: snapshot files (`ctxlens snapshot` output, a ticket's attachment) as a
//! store, so the TUI works offline on them. Each file is one user, replayed exactly as written:
//! its knowledge hits are the ones it holds, whatever the policy asks of a search.

use async_trait::async_trait;

use super::{
    EventStream, Health, KnowledgeHits, KnowledgeQuery, LoadOptions, Store, StoreError, UserData,
    UserPage, UserSummary,
};
use crate::engine::Snapshot;

/// What the status bar calls this store.
pub const LABEL: &str = "SNAPSHOT";

/// Snapshot files held in memory, one user each (listing cursors are positions).
pub struct SnapshotStore {
    snapshots: Vec<Snapshot>,
    /// Where they were read from, for the status bar.
    from: String,
}

impl SnapshotStore {
    /// Reads `files`; a file that cannot be read is an error naming it.
    pub fn open(files: &[std::path::PathBuf], from: &str) -> Result<SnapshotStore, String> {
        let mut snapshots = Vec::with_capacity(files.len());
        for f in files {
            let snap = super::file::read_snapshot(f)?;
            if snapshots
                .iter()
                .any(|s: &Snapshot| s.user_id == snap.user_id)
            {
                return Err(format!(
                    "snapshot {}: user {:?} is in another file too",
                    f.display(),
                    snap.user_id
                ));
            }
            snapshots.push(snap);
        }
        Ok(SnapshotStore {
            snapshots,
            from: from.to_string(),
        })
    }

    fn get(&self, user: &str) -> Result<&Snapshot, StoreError> {
        self.snapshots
            .iter()
            .find(|s| s.user_id == user)
            .ok_or_else(|| StoreError::UserNotFound {
                store: self.describe(),
                user: user.into(),
            })
    }
}

#[async_trait]
impl Store for SnapshotStore {
    fn describe(&self) -> String {
        LABEL.into()
    }

    fn user_count(&self) -> Option<usize> {
        Some(self.snapshots.len())
    }

    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        let start = cursor.and_then(|c| c.parse::<usize>().ok()).unwrap_or(0);
        let end = (start + limit.max(1)).min(self.snapshots.len());
        let users = self.snapshots[start.min(end)..end]
            .iter()
            .map(|s| UserSummary {
                user_id: s.user_id.clone(),
                current_milestone: s.current_milestone.clone(),
                display_name: None,
                last_activity: s
                    .session
                    .iter()
                    .filter_map(|t| t.turn.as_ref().ok().map(|t| t.timestamp))
                    .max(),
                sessions: Some(usize::from(s.session_id.is_some())),
            })
            .collect();
        let next_cursor = (end < self.snapshots.len()).then(|| end.to_string());
        Ok(UserPage { users, next_cursor })
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        let file = self.get(user)?.clone();
        Ok(super::as_of::rewind_file(file, opts, &self.describe())?.1)
    }

    fn fixed_snapshot(&self, user: &str) -> Option<Snapshot> {
        self.get(user).ok().cloned()
    }

    async fn health(&self) -> Vec<Health> {
        vec![Health {
            name: "files".into(),
            host: self.from.clone(),
            latency: None,
            error: None,
        }]
    }

    /// Files have no channel: a subscription that waits and never ends.
    async fn subscribe(&self, _user: Option<&str>) -> Result<EventStream, StoreError> {
        Ok(Box::pin(futures_util::stream::pending()))
    }

    fn progress_source(&self) -> String {
        "snapshot files (no events)".into()
    }

    async fn search_knowledge(&self, _q: &KnowledgeQuery) -> Result<KnowledgeHits, StoreError> {
        Ok(KnowledgeHits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{KnowledgeParams, load_snapshot};

    #[tokio::test]
    async fn a_snapshot_file_loads_back_as_written() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/snapshot-u1.json");
        let store =
            SnapshotStore::open(std::slice::from_ref(&path), "snapshot-u1.json").expect("reads");
        let page = store.users(None, 10).await.expect("listed");
        assert_eq!(page.users.len(), 1);
        let id = page.users[0].user_id.clone();
        let written = crate::store::file::read_snapshot(&path).expect("reads");
        let policy = crate::engine::Policy::preset("prolaunch").expect("preset");
        let (snap, _) = load_snapshot(
            &store,
            &id,
            &LoadOptions::default(),
            KnowledgeParams::of(&policy),
        )
        .await
        .expect("loads");
        assert_eq!(snap, written, "the file's knowledge hits, query and clock");
        let err = SnapshotStore::open(&[path.clone(), path], "x")
            .err()
            .expect("twice");
        assert!(err.contains("is in another file too"), "{err}");
    }
}
