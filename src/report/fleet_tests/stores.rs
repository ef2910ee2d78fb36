//! The store side of a fleet report: listing ids pages as listing users does, and a user whose
//! read panics or fails fails alone.

use super::*;

#[test]
fn listing_ids_pages_like_listing_users() {
    runtime().block_on(async {
        for store in [MemoryStore::demo(), MemoryStore::synthetic(2, 130)] {
            let (mut by_summary, mut by_id) = (Vec::new(), Vec::new());
            let mut cursor = None;
            loop {
                let page = store.users(cursor.as_deref(), 50).await.expect("users");
                by_summary.extend(page.users.into_iter().map(|u| u.user_id));
                let (ids, next) = store.user_ids(cursor.as_deref(), 50).await.expect("ids");
                by_id.extend(ids);
                assert_eq!(next, page.next_cursor);
                cursor = next;
                if cursor.is_none() {
                    break;
                }
            }
            assert!(by_id.len() >= 68, "{}", by_id.len());
            assert_eq!(by_id, by_summary, "{}", store.describe());
        }
        let bad = MemoryStore::demo().user_ids(Some("x"), 5).await;
        assert!(bad.is_err_and(|e| e.to_string().contains("invalid cursor \"x\"")));
    });
}

/// The demo, where reading `bad` panics (a bug on a data path) and reading any of `broken`
/// fails with a data error: what a report does with a batch that holds them.
struct BadUsers {
    demo: MemoryStore,
    bad: &'static str,
    broken: &'static [&'static str],
}

#[async_trait::async_trait]
impl Store for BadUsers {
    fn describe(&self) -> String {
        self.demo.describe()
    }
    fn user_count(&self) -> Option<usize> {
        self.demo.user_count()
    }
    async fn users(
        &self,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<crate::store::UserPage, crate::store::StoreError> {
        self.demo.users(cursor, limit).await
    }
    async fn load_user(
        &self,
        user: &str,
        o: &LoadOptions,
    ) -> Result<crate::store::UserData, crate::store::StoreError> {
        if user == self.bad {
            panic!("index out of bounds reading {user}");
        }
        if self.broken.contains(&user) {
            return Err(crate::store::StoreError::Backend {
                store: "demo".into(),
                what: format!("reading {user}"),
                cause: "a row is unreadable".into(),
            });
        }
        self.demo.load_user(user, o).await
    }
    async fn health(&self) -> Vec<crate::store::Health> {
        self.demo.health().await
    }
    async fn subscribe(
        &self,
        user: Option<&str>,
    ) -> Result<crate::store::EventStream, crate::store::StoreError> {
        self.demo.subscribe(user).await
    }
    async fn search_knowledge(
        &self,
        q: &crate::store::KnowledgeQuery,
    ) -> Result<crate::store::KnowledgeHits, crate::store::StoreError> {
        self.demo.search_knowledge(q).await
    }
}

#[test]
fn a_user_whose_read_panics_or_fails_fails_alone_not_its_batch() {
    runtime().block_on(async {
        let demo = MemoryStore::demo();
        let all = demo.user_count().expect("the demo counts its users") as u64;
        let store = Arc::new(BadUsers {
            demo,
            bad: "u007",
            broken: &["u010", "u011"],
        });
        let policy = Policy::preset("prolaunch").expect("preset");
        let s = report(store, Pick::All, plan(policy, None)).await;
        // u007's panic fails its whole shared read; each of its batch is then read alone.
        assert_eq!(s.errors.count, 3, "{:?}", s.errors.first);
        assert_eq!(s.users, all - 3, "every other user is read");
        assert!(!s.partial, "a data error is no outage");
        let named = |u: &str| s.errors.first.iter().any(|e| e.contains(u));
        assert!(
            named("u007") && named("u010") && named("u011"),
            "{:?}",
            s.errors.first
        );
        assert!(
            s.errors
                .first
                .iter()
                .any(|e| e.contains("index out of bounds")),
            "{:?}",
            s.errors.first
        );
    });
}
