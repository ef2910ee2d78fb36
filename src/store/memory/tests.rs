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
