//! `SnapshotStore`: snapshot files (`ctxlens snapshot` output, a ticket's attachment) as a
//! store, so the TUI works offline on them. Each file is one user, replayed exactly as written:
//! its knowledge hits are the ones it holds, whatever the policy asks of a search.

use std::collections::HashMap;

use async_trait::async_trait;

use super::{
    EventStream, Health, KnowledgeHits, KnowledgeQuery, LoadOptions, Store, StoreError, UserData,
    UserPage, UserSummary,
};
use crate::engine::Snapshot;
use chrono::{DateTime, Utc};

/// What the status bar calls this store.
pub const LABEL: &str = "SNAPSHOT";

/// Snapshot files, one entry each (listing cursors are positions). A listing from its start
/// and opening a user read again a file changed on disk since (by its modification time): a
/// file fixed on disk is read as fixed (`R`), without a restart, and no file is parsed twice
/// while it stays as it was.
pub struct SnapshotStore {
    files: Vec<std::path::PathBuf>,
    listing: std::sync::Mutex<Listing>,
    /// Where they were read from, for the status bar.
    from: String,
}

/// The files as last read.
struct Listing {
    entries: Vec<Entry>,
    /// Each listed id's entry.
    index: HashMap<String, usize>,
}

/// One file: where it is, the id it is listed under, and its snapshot or why it could not be
/// read.
struct Entry {
    path: std::path::PathBuf,
    /// The file's modification time and length when read.
    modified: Option<Stamp>,
    id: String,
    snap: Result<Snapshot, String>,
}

/// A file's modification time and length: a change of either is a change of the file.
type Stamp = (std::time::SystemTime, u64);

/// A file's [`Stamp`], `None` when it cannot be told.
fn modified(path: &std::path::Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl SnapshotStore {
    /// Reads `files`. A file that cannot be read is listed under its file name, and opening it
    /// says why; a user found in several files (a ticket's before and after) is listed once per
    /// file, as `USER@FILE`. An error only when no file can be read: the first file's error.
    pub fn open(files: &[std::path::PathBuf], from: &str) -> Result<SnapshotStore, String> {
        Ok(SnapshotStore {
            listing: std::sync::Mutex::new(Self::read(files)?),
            files: files.to_vec(),
            from: from.to_string(),
        })
    }

    fn read(files: &[std::path::PathBuf]) -> Result<Listing, String> {
        type Read<'a> = (
            &'a std::path::PathBuf,
            Option<Stamp>,
            String,
            Result<Snapshot, String>,
        );
        let read: Vec<Read> = files
            .iter()
            .map(|f| {
                let name = f
                    .file_name()
                    .map_or_else(|| f.display().to_string(), crate::text::file_name);
                let when = modified(f);
                (f, when, name, super::file::read_snapshot(f))
            })
            .collect();
        if !read.is_empty() && read.iter().all(|(.., r)| r.is_err()) {
            return Err(read
                .into_iter()
                .find_map(|(.., r)| r.err())
                .unwrap_or_default());
        }
        // How many readable files hold each user: counted once, not per file.
        let mut files_of: HashMap<String, usize> = HashMap::new();
        for snap in read.iter().filter_map(|(.., r)| r.as_ref().ok()) {
            *files_of.entry(snap.user_id.clone()).or_default() += 1;
        }
        let entries: Vec<Entry> = read
            .into_iter()
            .map(|(path, modified, name, r)| match r {
                // The snapshot keeps its user id (it is the same user in each file); the
                // listing tells the files apart.
                Ok(snap) => Entry {
                    path: path.clone(),
                    modified,
                    // An id that could read as a label (`a@b.json`) is one even when the
                    // user is in one file: never the label of another file's user.
                    id: if files_of.get(&snap.user_id).is_some_and(|n| *n > 1)
                        || label_like(&snap.user_id)
                    {
                        in_file(&snap.user_id, &name)
                    } else {
                        snap.user_id.clone()
                    },
                    snap: Ok(snap),
                },
                Err(e) => Entry {
                    path: path.clone(),
                    modified,
                    id: name,
                    snap: Err(e),
                },
            })
            .collect();
        let entries = apart(entries);
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Ok(Listing { entries, index })
    }

    fn listing(&self) -> std::sync::MutexGuard<'_, Listing> {
        self.listing
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// The snapshot listed as `user`, its file read again (a file fixed since reads as fixed,
    /// a file broken since says why).
    fn get(&self, user: &str) -> Result<(Snapshot, std::path::PathBuf), StoreError> {
        let mut listing = self.listing();
        let Some(&i) = listing.index.get(user) else {
            // A user listed under labels (`USER@FILE`): one per file it is in, or an id that
            // could read as a label. Found by the files' user, never by the look of a label.
            let labels: Vec<String> = listing
                .entries
                .iter()
                .filter(|e| e.snap.as_ref().is_ok_and(|s| s.user_id == user))
                .map(|e| crate::text::shown_id(&e.id).into_owned())
                .collect();
            return Err(if labels.is_empty() {
                StoreError::UserNotFound {
                    store: self.describe(),
                    user: user.into(),
                }
            } else {
                StoreError::UserInFiles {
                    user: user.into(),
                    labels,
                }
            });
        };
        let entry = &mut listing.entries[i];
        let now = modified(&entry.path);
        if now != entry.modified {
            entry.snap = super::file::read_snapshot(&entry.path);
            entry.modified = now;
        }
        match &entry.snap {
            Ok(snap) => Ok((snap.clone(), entry.path.clone())),
            Err(why) => Err(StoreError::Backend {
                store: self.describe(),
                what: "unreadable file".into(),
                cause: why.clone(),
            }),
        }
    }
}

#[async_trait]
impl Store for SnapshotStore {
    fn describe(&self) -> String {
        LABEL.into()
    }

    fn user_count(&self) -> Option<usize> {
        Some(self.listing().entries.len())
    }

    /// One file's clock (or one every file shares): it then holds for every user listed, so
    /// `tui --at` past it is refused before the terminal is taken.
    fn data_clock(&self) -> Option<DateTime<Utc>> {
        let listing = self.listing();
        let mut clocks = (listing.entries.iter()).map(|e| e.snap.as_ref().ok().map(|s| s.now));
        let first = clocks.next()??;
        clocks.all(|c| c == Some(first)).then_some(first)
    }

    async fn users(&self, cursor: Option<&str>, limit: usize) -> Result<UserPage, StoreError> {
        let start = super::memory::position_cursor(&self.describe(), cursor)?;
        // A listing from its start reads the files again when one changed on disk (kept as
        // they were if none reads).
        let changed = start == 0
            && self
                .listing()
                .entries
                .iter()
                .any(|e| modified(&e.path) != e.modified);
        if changed && let Ok(fresh) = Self::read(&self.files) {
            *self.listing() = fresh;
        }
        let listing = self.listing();
        let end = start
            .saturating_add(limit.max(1))
            .min(listing.entries.len());
        let users = listing.entries[start.min(end)..end]
            .iter()
            .map(|e| match &e.snap {
                Ok(s) => UserSummary {
                    user_id: e.id.clone(),
                    current_milestone: s.current_milestone.clone(),
                    display_name: None,
                    last_activity: s
                        .session
                        .iter()
                        .filter_map(|t| t.turn.as_ref().ok().map(|t| t.timestamp))
                        .max(),
                    sessions: Some(usize::from(s.session_id.is_some())),
                },
                Err(_) => UserSummary {
                    user_id: e.id.clone(),
                    current_milestone: None,
                    display_name: None,
                    last_activity: None,
                    sessions: None,
                },
            })
            .collect();
        let next_cursor = (end < listing.entries.len()).then(|| end.to_string());
        Ok(UserPage {
            users,
            next_cursor,
            unlisted: Vec::new(),
        })
    }

    async fn load_user(&self, user: &str, opts: &LoadOptions) -> Result<UserData, StoreError> {
        let (file, path) = self.get(user)?;
        // An error of time travel names the file whose clock it is.
        let named = super::file::named(&path);
        let mut data = super::as_of::rewind_file(file, opts, &named)?.1;
        // Listed under this id (`USER@FILE` when the user is in several files); the data stays
        // the file's user's (its cached context was written for that id).
        if data.user_id != user {
            data.stored_as = Some(std::mem::replace(&mut data.user_id, user.to_string()));
        }
        Ok(data)
    }

    fn fixed_snapshot(&self, user: &str) -> Option<Snapshot> {
        self.get(user).ok().map(|(snap, _)| snap)
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

/// A user found in several files, listed as `USER@FILE`; a user id that itself holds `@` (or
/// starts with a quote) is quoted, so `a@b` in `c.json` never reads as `a` in `b@c.json`.
pub(crate) fn in_file(user: &str, file: &str) -> String {
    if label_like(user) {
        format!("{user:?}@{file}")
    } else {
        format!("{user}@{file}")
    }
}

/// Whether a user id could be read as a `USER@FILE` label (it holds `@`) or as a quoted one.
fn label_like(user: &str) -> bool {
    user.contains('@') || user.starts_with('"')
}

/// The listing's ids made unique: an id that is already another entry's (a user named like a
/// broken file, two files of one name from two folders, a user id shaped like a label) keeps
/// the first and numbers the rest (`ID#2`, `ID#3`…), so every entry is listed under its own id
/// and opening it opens that file.
fn apart(mut entries: Vec<Entry>) -> Vec<Entry> {
    let mut taken: std::collections::HashSet<String> =
        std::collections::HashSet::with_capacity(entries.len());
    let all: std::collections::HashSet<String> = entries.iter().map(|e| e.id.clone()).collect();
    for e in &mut entries {
        if taken.insert(e.id.clone()) {
            continue;
        }
        let mut n = 2;
        let id = loop {
            let id = format!("{}#{n}", e.id);
            if !all.contains(&id) && !taken.contains(&id) {
                break id;
            }
            n += 1;
        };
        taken.insert(id.clone());
        e.id = id;
    }
    entries
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
    }

    /// A ticket's before and after of one user open side by side; a broken file among them is
    /// listed and says why when opened; only a folder of nothing readable is refused.
    #[tokio::test]
    async fn one_user_in_two_files_and_a_broken_file_all_open() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().expect("tempdir");
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{\"user_id\": ").expect("writes");
        let files = [
            root.join("fixtures/diff/u005-before.json"),
            root.join("fixtures/diff/u005-after.json"),
            broken.clone(),
        ];
        let store = SnapshotStore::open(&files, "ticket").expect("opens");
        let page = store.users(None, 10).await.expect("listed");
        let ids: Vec<&str> = page.users.iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "u005@u005-before.json",
                "u005@u005-after.json",
                "broken.json"
            ]
        );
        let opts = LoadOptions::default();
        let after = store
            .load_user("u005@u005-after.json", &opts)
            .await
            .expect("loads");
        assert_eq!(after.user_id, "u005@u005-after.json");
        // The bare id names the labels to open it by, in the listing's order.
        let bare = store.load_user("u005", &opts).await.expect_err("two files");
        assert_eq!(
            bare.to_string(),
            "user \"u005\" is listed by file in the snapshots: open it as \
             u005@u005-before.json or u005@u005-after.json"
        );
        let before = store.load_user("u005@u005-before.json", &opts).await;
        assert!(
            before.expect("loads").session.len() < after.session.len(),
            "each file is its own moment"
        );
        let err = store
            .load_user("broken.json", &opts)
            .await
            .expect_err("unreadable");
        assert!(!err.is_outage(), "a bad file is no outage: {err}");
        let msg = err.to_string();
        assert!(msg.contains("broken.json") && msg.contains("1:"), "{msg}");
        let none = SnapshotStore::open(&[broken], "x").err().expect("refused");
        assert!(none.contains("broken.json"), "{none}");
    }

    /// Files whose names are not UTF-8 are named by their bytes (`\xFF`), as Redis keys are:
    /// two such files never read alike (`�`).
    #[cfg(unix)]
    #[tokio::test]
    async fn file_names_that_are_not_utf8_are_shown_by_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read(root.join("fixtures/diff/u005-after.json")).expect("reads");
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<std::path::PathBuf> = [b"\xff.json".as_slice(), b"\xfe.json"]
            .iter()
            .map(|name| {
                let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
                std::fs::write(&path, &text).expect("writes");
                path
            })
            .collect();
        let store = SnapshotStore::open(&files, "folder").expect("opens");
        let page = store.users(None, 10).await.expect("listed");
        let ids: Vec<&str> = page.users.iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(ids, ["u005@\\xFF.json", "u005@\\xFE.json"]);
    }

    /// Users and files named so that `USER@FILE` would read alike (`a@b` in `c.json`, `a` in
    /// `b@c.json`), a user named like a broken file: every entry is listed under its own id,
    /// and each id opens its own file's data.
    #[tokio::test]
    async fn labels_that_would_read_alike_are_kept_apart() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let base = crate::store::file::read_snapshot(&root.join("fixtures/diff/u005-after.json"))
            .expect("reads");
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |file: &str, user: &str, turns: usize| {
            let mut snap = base.clone();
            snap.user_id = user.to_string();
            snap.session.truncate(turns);
            let path = dir.path().join(file);
            let json = serde_json::to_string(&snap).expect("serialises");
            std::fs::write(&path, json).expect("writes");
            path
        };
        let files = [
            write("c.json", "a@b", 1),
            write("b@c.json", "a", 2),
            write("z.json", "a", 3),
            write("y.json", "a@b", 4),
            write("x.json", "broken.json", 5),
            // Alone in its file, named like `a`'s label in z.json.
            write("w.json", "a@z.json", 6),
        ];
        let broken = dir.path().join("broken.json");
        std::fs::write(&broken, "{").expect("writes");
        let mut all = files.to_vec();
        all.push(broken);
        let store = SnapshotStore::open(&all, "folder").expect("opens");
        let page = store.users(None, 10).await.expect("listed");
        let ids: Vec<String> = page.users.iter().map(|u| u.user_id.clone()).collect();
        assert_eq!(
            ids,
            [
                "\"a@b\"@c.json",
                "a@b@c.json",
                "a@z.json",
                "\"a@b\"@y.json",
                "broken.json",
                "\"a@z.json\"@w.json",
                "broken.json#2"
            ]
        );
        // Each id opens its own file: the turns each was written with tell them apart.
        let opts = LoadOptions::default();
        for (id, turns) in ids.iter().zip([1, 2, 3, 4, 5, 6]) {
            let user = store.load_user(id, &opts).await.expect("loads");
            assert_eq!(user.session.len(), turns, "{id}");
        }
        let err = store
            .load_user("broken.json#2", &opts)
            .await
            .expect_err("the broken file");
        assert!(err.to_string().contains("broken.json"), "{err}");
        // A bare id names its user's labels: found by the files' user, not by how labels look
        // (`a@b@c.json` is a's, `"a@b"@c.json` is a@b's).
        let a = store
            .load_user("a", &opts)
            .await
            .expect_err("a")
            .to_string();
        assert_eq!(
            a,
            "user \"a\" is listed by file in the snapshots: open it as a@b@c.json or a@z.json"
        );
        let ab = store
            .load_user("a@b", &opts)
            .await
            .expect_err("a@b")
            .to_string();
        assert!(
            ab.ends_with(r#"open it as "\"a@b\"@c.json" or "\"a@b\"@y.json""#),
            "{ab}"
        );
    }
}
