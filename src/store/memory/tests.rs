use super::*;
use futures_util::StreamExt;

#[tokio::test]
async fn demo_events_carry_the_demo_clock_not_the_machines() {
    let store = MemoryStore::demo();
    let mut events = store.subscribe(None).await.expect("subscribes");
    let first = events.next().await.expect("an event").expect("readable");
    // fixtures/demo.json's `now`; each later event three seconds of the demo's clock on.
    assert_eq!(first.timestamp, "2025-01-15T12:00:00Z");
    assert_eq!(demo_time(store.now, 1, 3), "2025-01-15T12:00:03Z");
    assert_eq!(demo_time(store.now, 20, 3), "2025-01-15T12:01:00Z");
}

/// A cursor near the largest position there is lists nothing (the end of the list), never the
/// list's start again: the position and the page's length do not wrap around when added.
#[tokio::test]
async fn a_cursor_past_the_end_lists_nothing_however_large() {
    let store = MemoryStore::demo();
    for cursor in [
        usize::MAX.to_string(),
        (usize::MAX - 5).to_string(),
        "72".into(),
    ] {
        let page = store.users(Some(&cursor), 10).await.expect("a page");
        assert!(page.users.is_empty(), "{cursor}: {:?}", page.users);
        assert_eq!(page.next_cursor, None, "{cursor}");
    }
    let file = std::path::PathBuf::from("tests/data/snapshot-u1.json");
    let snapshots = crate::store::snapshots::SnapshotStore::open(&[file], "snapshot-u1.json")
        .expect("a snapshot file");
    let page = snapshots
        .users(Some(&usize::MAX.to_string()), 10)
        .await
        .expect("a page");
    assert!(page.users.is_empty());
}
