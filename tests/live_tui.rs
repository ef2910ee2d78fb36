//! The TUI on live stores: an outage of the harness's redis-server and Postgres under a running
//! app, driven through its update loop.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::servers::{Postgres, RedisServer};
use common::{ctxlens_with, endpoints, env};
use ctxlens::engine::{Engine, Policy};
use ctxlens::store::Store;
use ctxlens::store::live::LiveStore;
use ctxlens::tui::effects::EffectContext;

/// Runs `action` through `update`, and every effect it causes, until nothing is left.
async fn drive(
    s: &mut ctxlens::app::State,
    store: &std::sync::Arc<dyn Store>,
    action: ctxlens::app::Action,
) {
    let ctx = EffectContext::new(store.clone(), s.session.engine.clone(), Default::default());
    let mut queue: std::collections::VecDeque<_> = ctxlens::app::update(s, action).into();
    while let Some(effect) = queue.pop_front() {
        let result = ctxlens::tui::effects::run(effect, ctx.clone()).await;
        queue.extend(ctxlens::app::update(s, result));
    }
}

async fn type_command(s: &mut ctxlens::app::State, store: &std::sync::Arc<dyn Store>, line: &str) {
    use ctxlens::app::Action;
    use ctxlens::app::action::InputKey;
    drive(s, store, Action::Palette).await;
    for c in line.chars() {
        drive(s, store, Action::Input(InputKey::Char(c))).await;
    }
    drive(s, store, Action::Input(InputKey::Enter)).await;
}

/// `migrate` and `seed` the demo into `redis` and `db`; a multi-threaded runtime to drive the
/// app over them (its loads block in place).
fn seeded_runtime(redis: &RedisServer, db: &str) -> tokio::runtime::Runtime {
    let env = env(redis, db);
    assert_eq!(ctxlens_with(&["migrate"], &env).code, 0);
    assert_eq!(ctxlens_with(&["seed"], &env).code, 0);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The app over live stores (redis, database URL) under `prolaunch`, nothing loaded yet.
async fn app_on(redis: &RedisServer, db: &str) -> (ctxlens::app::State, std::sync::Arc<dyn Store>) {
    let live = LiveStore::connect(&endpoints(redis, db))
        .await
        .expect("connects");
    app_over(std::sync::Arc::new(live))
}

/// The app over `store` under `prolaunch`, nothing loaded yet.
fn app_over(store: std::sync::Arc<dyn Store>) -> (ctxlens::app::State, std::sync::Arc<dyn Store>) {
    use ctxlens::app::state::{Session, State};
    let policy = Policy::preset("prolaunch").expect("preset");
    let session = Session {
        engine: Engine::default(),
        baseline: policy.clone(),
        policy,
        keymap: Default::default(),
        themes: vec!["default".into()],
        ready: [ctxlens::engine::Tokenizer::Chars4].into(),
        warming: Default::default(),
        policy_asked: None,
    };
    let s = State::new(session, store.describe(), false, "default".into(), false);
    (s, store)
}

#[test]
fn the_tui_reports_an_outage_keeps_its_data_and_recovers() {
    use ctxlens::app::Action;
    let mut redis = RedisServer::start();
    let mut pg = Postgres::start();
    let db = pg.create_database("outage");
    let rt = seeded_runtime(&redis, &db);
    rt.block_on(async {
        let (mut s, store) = app_on(&redis, &db).await;
        drive(&mut s, &store, Action::Refresh).await;
        drive(&mut s, &store, Action::Health(store.health().await)).await;
        // The first page is Postgres' 70 journey users; the Redis-only user comes on the next page.
        assert_eq!(s.users.rows.len(), 70);
        assert_eq!(s.users.next_cursor.as_deref(), Some("redis"));
        assert!(
            s.status
                .stores
                .iter()
                .all(|st| st.up && st.latency.is_some()),
            "{:?}",
            s.status.stores
        );
        type_command(&mut s, &store, "user u005").await;
        assert!(
            s.user.view.as_ref().is_some_and(|v| v.tuned.is_some()),
            "u005 open"
        );

        // Both servers go away.
        tokio::task::block_in_place(|| {
            redis.stop();
            pg.stop();
        });
        drive(&mut s, &store, Action::Health(store.health().await)).await;
        assert!(
            s.status.stores.iter().all(|st| !st.up),
            "both reported down: {:?}",
            s.status.stores
        );
        assert!(s.status.stores.iter().all(|st| st.last_error.is_some()));
        type_command(&mut s, &store, "user u062").await;
        assert!(
            s.status.message.as_ref().is_some_and(|m| m.error),
            "the failed load is reported"
        );
        assert_eq!(s.users.rows.len(), 70, "the users stay on screen");
        assert_eq!(s.status.health.failed_user.as_deref(), Some("u062"));
        assert!(s.status.health.backoff >= 1, "checks back off while down");

        // They come back: the next check sees them and the failed load runs again by itself.
        tokio::task::block_in_place(|| {
            redis.restart();
            pg.restart();
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while s.status.stores.iter().any(|st| !st.up) {
            assert!(
                std::time::Instant::now() < deadline,
                "stores never came back: {:?}",
                s.status.stores
            );
            drive(&mut s, &store, Action::Health(store.health().await)).await;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // The restarted Redis is empty (no persistence): the user comes back from Postgres alone.
        let v = s.user.view.as_ref().expect("u062 loaded after recovery");
        assert_eq!(v.data().user_id, "u062");
        assert_eq!(v.data().current_milestone.as_deref(), Some("M9"));
    });
}

/// Started while Redis is down (`ctxlens tui` does not refuse): the store says which backend is
/// down and why, the other is up; once Redis is back the health check connects it and the users
/// are listed by themselves.
#[test]
fn the_tui_opens_while_a_store_is_down_and_connects_when_it_is_back() {
    use ctxlens::app::Action;
    use ctxlens::store::reconnecting::Reconnecting;
    let mut redis = RedisServer::start();
    let pg = Postgres::start();
    let db = pg.create_database("latecomer");
    let rt = seeded_runtime(&redis, &db);
    redis.stop();
    rt.block_on(async {
        let ends = endpoints(&redis, &db);
        let refused = LiveStore::connect(&ends)
            .await
            .err()
            .expect("Redis is down");
        assert!(refused.is_outage(), "{refused}");
        let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(Reconnecting::new(ends));
        let described = store.describe();
        assert!(
            described.starts_with(&format!("redis 127.0.0.1:{} · postgres ", redis.port()))
                && described.ends_with("/latecomer"),
            "{described}"
        );
        let (mut s, store) = app_over(store);
        drive(&mut s, &store, Action::Refresh).await;
        drive(&mut s, &store, Action::Health(store.health().await)).await;
        let status = |s: &ctxlens::app::State, name: &str| {
            s.status
                .stores
                .iter()
                .find(|st| st.name == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name} in {:?}", s.status.stores))
        };
        let r = status(&s, "redis");
        assert!(!r.up, "{r:?}");
        assert!(
            r.last_error
                .as_deref()
                .is_some_and(|e| e.contains("connection refused")),
            "{r:?}"
        );
        assert!(status(&s, "postgres").up, "Postgres answers");
        assert!(s.users.rows.is_empty());
        assert!(
            s.users
                .failed
                .as_deref()
                .is_some_and(|e| e.contains("connection refused")),
            "the empty list says why: {:?}",
            s.users.failed
        );
        let said = s.status.message.as_ref().expect("the failed list is said");
        assert!(
            said.error && said.text.contains("redis 127.0.0.1"),
            "{}",
            said.text
        );

        tokio::task::block_in_place(|| redis.restart());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while s.status.stores.iter().any(|st| !st.up) {
            assert!(
                std::time::Instant::now() < deadline,
                "Redis never came back: {:?}",
                s.status.stores
            );
            drive(&mut s, &store, Action::Health(store.health().await)).await;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // The restarted Redis is empty (no persistence): Postgres' 70 journey users.
        assert_eq!(s.users.rows.len(), 70);
        assert_eq!(s.users.failed, None);
        type_command(&mut s, &store, "user u062").await;
        let v = s.user.view.as_ref().expect("u062 opens once connected");
        assert_eq!(v.data().user_id, "u062");
    });
}

#[test]
fn a_user_with_timestamps_chrono_cannot_hold_opens_with_a_finding_per_row() {
    use ctxlens::app::Action;
    use ctxlens::engine::snapshot::NoteKind;
    let redis = RedisServer::start();
    let pg = Postgres::shared();
    let db = pg.create_database("tui_infinity");
    let rt = seeded_runtime(&redis, &db);
    // Legal in Postgres, out of chrono's range: once a panic that killed the loader task.
    pg.psql(
        "tui_infinity",
        "UPDATE memory_bank SET created_at = 'infinity' WHERE id = \
           (SELECT min(id) FROM memory_bank WHERE user_id = 'u005');\n\
         UPDATE knowledge SET created_at = '-infinity';",
    );
    rt.block_on(async {
        let (mut s, store) = app_on(&redis, &db).await;
        drive(&mut s, &store, Action::Refresh).await;
        type_command(&mut s, &store, "user u005").await;
        let v = s.user.view.as_ref().expect("u005 opens");
        assert!(v.tuned.is_some(), "u005 replays");
        assert_eq!(v.data().user_id, "u005");
        let out_of_range: Vec<&str> = v
            .snapshot()
            .notes
            .iter()
            .filter(|n| n.kind == NoteKind::TimestampOutOfRange)
            .map(|n| n.source.as_str())
            .collect();
        assert!(
            out_of_range
                .iter()
                .any(|src| src.starts_with("memory_bank id=")),
            "{out_of_range:?}"
        );
        assert!(
            out_of_range
                .iter()
                .any(|src| src.starts_with("knowledge id=")),
            "{out_of_range:?}"
        );
        assert!(
            s.status.message.as_ref().is_none_or(|m| !m.error),
            "{:?}",
            s.status.message
        );
        assert!(s.status.stores.iter().all(|st| st.up), "no outage");
    });
}

/// The Users list counts a live fleet as a report reads it: one SCAN of the keyspace for the
/// pass, not one per user (a production Redis is not hammered by opening the TUI).
#[test]
fn the_users_list_counts_a_live_fleet_with_a_scan_per_pass_not_per_user() {
    use ctxlens::app::Action;
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("count_scans");
    let rt = seeded_runtime(&redis, &db);
    rt.block_on(async {
        let (mut s, store) = app_on(&redis, &db).await;
        redis.reset_stats();
        drive(&mut s, &store, Action::Refresh).await;
        assert_eq!(s.users.rows.len(), 70);
        assert!(
            s.users.rows.iter().all(|r| r.stats.is_some()),
            "every row counted"
        );
        let scans = redis
            .command_stats()
            .iter()
            .find(|(c, _)| c == "scan")
            .map_or(0, |(_, n)| *n);
        assert!(
            (1..=3).contains(&scans),
            "70 users counted with {scans} SCANs"
        );
    });
}

/// A health check waits `--connect-timeout` for an answer, as the user allowed: a Redis that
/// answers within it is up, one that does not is down, named with the time waited.
#[test]
fn a_health_check_waits_the_connect_timeout() {
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("health_wait");
    let pause = |ms: u64| {
        redis::cmd("CLIENT")
            .arg("PAUSE")
            .arg(ms)
            .arg("ALL")
            .query::<()>(&mut redis.connection())
            .expect("CLIENT PAUSE");
    };
    let rt = common::runtime();
    rt.block_on(async {
        let mut e = endpoints(&redis, &db);
        e.connect_timeout = std::time::Duration::from_millis(300);
        let short = LiveStore::connect(&e).await.expect("connects");
        e.connect_timeout = std::time::Duration::from_secs(5);
        let long = LiveStore::connect(&e).await.expect("connects");
        pause(1000);
        let (short, long) = tokio::join!(short.health(), long.health());
        let redis_of = |h: Vec<ctxlens::store::Health>| {
            h.into_iter()
                .find(|h| h.name == "redis")
                .expect("redis checked")
        };
        let (short, long) = (redis_of(short), redis_of(long));
        // Down after its 0.3 s: the connection's own wait for the answer, or the check's, ends
        // first (they are the same length).
        let why = short.error.unwrap_or_default();
        assert!(
            why.ends_with("PING: no answer within 0.3 s") || why == "no answer within 0.3 s",
            "{why}"
        );
        assert!(short.latency.is_none());
        assert!(long.error.is_none() && long.latency.is_some(), "{long:?}");
    });
}

/// A Redis that accepts connections and never answers: the TUI's store tries once per connect
/// timeout, and every caller queued behind that attempt (a users page, the health check) is
/// told its answer at once instead of waiting as long again: the silent host is connected to
/// once, not once per caller.
#[test]
fn callers_behind_a_failed_connect_are_told_its_answer_not_made_to_wait_again() {
    use ctxlens::store::reconnecting::Reconnecting;
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    silent.set_nonblocking(true).expect("nonblocking");
    let ends = ctxlens::store::live::Endpoints {
        redis_url: Some(format!("redis://127.0.0.1:{port}")),
        database_url: None,
        key_prefix: String::new(),
        tables: Default::default(),
        connect_timeout: std::time::Duration::from_secs(1),
        query_timeout: None,
    };
    let store = Reconnecting::new(ends);
    let rt = common::runtime();
    rt.block_on(async {
        let (page, health) = tokio::join!(store.users(None, 10), store.health());
        let e = page.expect_err("no answer");
        assert!(e.to_string().contains("no answer within 1 s"), "{e}");
        assert!(
            health
                .iter()
                .any(|h| h.error.as_deref().is_some_and(|e| e.contains("no answer"))),
            "{health:?}"
        );
    });
    // One connection made for both callers (a redis connect may open one per attempt).
    let mut accepted = 0;
    while silent.accept().is_ok() {
        accepted += 1;
    }
    assert_eq!(accepted, 1, "connections the silent host was sent");
}

/// Statements waiting on a locked table hold every connection of the pool: what else is asked
/// meanwhile finds no connection free, which is said as that — the store busy, not down, and
/// not worth asking again at once — and the health check, made on a connection of its own,
/// finds the server up. The TUI then keeps Postgres up and says `R` tries again.
#[test]
fn a_pool_busy_behind_a_locked_table_is_not_a_store_down() {
    use ctxlens::store::{LoadOptions, StoreError};
    let redis = RedisServer::start();
    let pg = Postgres::shared();
    let url = pg.create_database("pool_busy");
    let rt = seeded_runtime(&redis, &url);
    let (_holder, unlock) = pg.lock_table("pool_busy", "memory_bank");
    rt.block_on(async {
        let mut e = endpoints(&redis, &url);
        e.connect_timeout = std::time::Duration::from_secs(1);
        e.query_timeout = Some(std::time::Duration::from_secs(120));
        let store: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(LiveStore::connect(&e).await.expect("connects"));
        // As many loads as the pool has connections, each waiting on the lock.
        let loads: Vec<_> = ["u001", "u002", "u003", "u004"]
            .into_iter()
            .map(|u| {
                let store = store.clone();
                tokio::spawn(async move { store.load_user(u, &LoadOptions::default()).await })
            })
            .collect();
        // Until all four wait on the lock (each holding its connection).
        let waiting = || pg.lock_waiters("pool_busy", "memory_bank");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while waiting() != "4" {
            assert!(
                std::time::Instant::now() < until,
                "the loads never waited on the lock"
            );
            tokio::task::yield_now().await;
        }
        let busy = match store.load_user("u005", &LoadOptions::default()).await {
            Err(e @ StoreError::Busy { .. }) => e,
            other => panic!("not said busy: {other:?}"),
        };
        assert!(busy.is_late() && !busy.is_worth_another_try(), "{busy}");
        assert!(busy.to_string().contains("all 4 are busy"), "{busy}");
        let health = store.health().await;
        let pg_health = health
            .iter()
            .find(|h| h.name == "postgres")
            .expect("postgres checked");
        assert!(pg_health.error.is_none(), "{pg_health:?}");
        // In the TUI: Postgres stays up, and the error says what to do.
        let (mut s, _) = app_over(store.clone());
        ctxlens::app::update(&mut s, ctxlens::app::Action::Health(health));
        ctxlens::app::update(
            &mut s,
            ctxlens::app::Action::Failed(
                ctxlens::app::Task::Users,
                ctxlens::app::TaskError::Store(busy),
            ),
        );
        let postgres = s.status.stores.iter().find(|st| st.name == "postgres");
        assert!(postgres.is_some_and(|st| st.up), "{:?}", s.status.stores);
        let said = s.status.message.as_ref().map(|m| m.text.clone());
        assert!(
            said.as_deref().is_some_and(|t| t.contains("R tries again")),
            "{said:?}"
        );
        drop(unlock);
        for load in loads {
            load.await
                .expect("the load ends")
                .expect("and reads once the lock is gone");
        }
    });
}
