//! Fleet report throughput and memory. `cargo bench --bench report`; under `cargo test` it runs
//! small. Measures:
//! - an embedded synthetic fleet, cold (a fresh token cache: every text tokenized), in users/s;
//! - the same fleet again in the same process after a policy change (token counts cached);
//! - live stores on loopback (the harness's redis-server and PostgreSQL, seeded synthetic users);
//! - peak RSS of `ctxlens report --synthetic N` at two fleet sizes (memory must stay flat).
//!
//! `CTXLENS_REPORT_PARTS` (comma-separated `synthetic`, `live`, `rss`; default all) runs some only,
//! e.g. under a profiler; `CTXLENS_REPORT_RERUNS` (default 3) sets how many re-runs are timed.
// A benchmark harness: a failed setup step ends the run with its message.
#![allow(clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use ctxlens::engine::{Engine, Policy};
use ctxlens::report::run::{Plan, Quiet, SnapshotCache, run};
use ctxlens::report::source::{Fleet, Pick};
use ctxlens::store::live::{Endpoints, LiveStore};
use ctxlens::store::{LoadOptions, MemoryStore, Store, seed};

#[path = "../tests/common"]
mod harness {
    #[allow(dead_code)]
    pub mod servers;
}

fn plan(candidate: &Policy, baseline: Option<&Policy>, cache: Option<&Arc<SnapshotCache>>) -> Plan {
    Plan {
        candidate: candidate.clone(),
        baseline: baseline.cloned(),
        top: 10,
        opts: LoadOptions::default(),
        cache: cache.cloned(),
        duplicates: false,
        knowledge_rows: ctxlens::report::knowledge::DEFAULT_LISTED,
        redact: false,
    }
}

/// Runs one report; returns users per second.
async fn rate(store: Arc<dyn Store>, plan: Plan, engine: &Arc<Engine>) -> (u64, f64) {
    let start = Instant::now();
    let (tally, info) = run(
        Fleet::Store {
            store,
            pick: Pick::All,
        },
        plan,
        engine.clone(),
        &mut Quiet,
        std::future::pending(),
    )
    .await
    .expect("report runs");
    assert!(!info.partial && tally.errors == 0, "a complete report");
    let users = tally.users();
    (users, users as f64 / start.elapsed().as_secs_f64())
}

/// Peak RSS (VmHWM, kB) of `ctxlens report --synthetic n`, read from /proc while it runs.
fn peak_rss(n: usize) -> (u64, Duration) {
    let start = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["report", "--synthetic", &n.to_string(), "--quiet", "--json"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("ctxlens runs");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (peak, start.elapsed())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let parts = std::env::var("CTXLENS_REPORT_PARTS").unwrap_or_default();
    let part = |name: &str| parts.is_empty() || parts.split(',').any(|p| p.trim() == name);
    let (fleet, live_fleet) = if full { (10_000, 3_000) } else { (300, 100) };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let prolaunch = Policy::preset("prolaunch").expect("preset");
    let smaller = prolaunch
        .clone()
        .with_overrides(&[
            "budget.total=3000".into(),
            "layers.journey.weight=0.6".into(),
            "layers.knowledge.weight=0.2".into(),
        ])
        .expect("overrides");
    rt.block_on(async {
        let engine = Arc::new(Engine::default());
        if part("synthetic") {
            synthetic(fleet, &engine, (&prolaunch, &smaller)).await;
        }
        if part("live") {
            live(live_fleet, &engine, &prolaunch).await;
        }
    });
    let sizes: &[usize] = match (part("rss"), full) {
        (false, _) => &[],
        (true, true) => &[10_000, 100_000],
        (true, false) => &[200],
    };
    for &n in sizes {
        let (kb, took) = peak_rss(n);
        println!(
            "ctxlens report --synthetic {n}: peak RSS {:.1} MB, {:.1} s",
            kb as f64 / 1024.0,
            took.as_secs_f64()
        );
    }
}

/// The embedded synthetic fleet: cold, then re-runs after a policy change.
async fn synthetic(fleet: usize, engine: &Arc<Engine>, (prolaunch, smaller): (&Policy, &Policy)) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::synthetic(1, fleet));
    // What the TUI's Report screen does: snapshots kept from the first run, so a run after a
    // tuning step only replays.
    let cache = Arc::new(SnapshotCache::new(fleet));
    let (n, cold) = rate(store.clone(), plan(prolaunch, None, Some(&cache)), engine).await;
    println!("report, synthetic {n} users, cold token cache, {cores} cores: {cold:.0} users/s");
    // Each re-run is under a policy not seen before (its truncations are new work).
    let reruns: usize = std::env::var("CTXLENS_REPORT_RERUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut rates = Vec::new();
    for i in 0..reruns {
        let changed = smaller
            .clone()
            .with_overrides(&[format!("budget.total={}", 3000 - 100 * i)])
            .expect("override");
        rates.push(
            rate(store.clone(), plan(&changed, None, Some(&cache)), engine)
                .await
                .1,
        );
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "report, synthetic {n} users, re-run after a policy change, tokens and snapshots cached: {:.0} users/s (median of {reruns}; {:.0}–{:.0})",
        rates[rates.len() / 2],
        rates[0],
        rates[rates.len() - 1]
    );
    let (n, both) = rate(
        store.clone(),
        plan(smaller, Some(prolaunch), Some(&cache)),
        engine,
    )
    .await;
    println!(
        "report, synthetic {n} users, candidate and baseline, tokens and snapshots cached: {both:.0} users/s"
    );
    let (n, regen) = rate(store.clone(), plan(smaller, None, None), engine).await;
    println!(
        "report, synthetic {n} users, re-run, tokens cached, users generated again: {regen:.0} users/s"
    );
}

/// Seeded live stores on loopback.
async fn live(live_fleet: usize, engine: &Arc<Engine>, prolaunch: &Policy) {
    let redis = harness::servers::RedisServer::start();
    let db = harness::servers::Postgres::shared().create_database("bench_report");
    let ends = Endpoints {
        redis_url: Some(redis.url()),
        database_url: Some(db.clone()),
        key_prefix: String::new(),
        tables: Default::default(),
        connect_timeout: Duration::from_secs(5),
        query_timeout: None,
    };
    let live = LiveStore::connect(&ends).await.expect("connects");
    seed::migrate(live.pg.as_ref().expect("postgres"))
        .await
        .expect("migrate");
    let live = LiveStore::connect(&ends).await.expect("connects");
    let data = ctxlens::demo::generator::generate_synthetic(1, live_fleet);
    seed::seed_postgres(live.pg.as_ref().expect("postgres"), &data, true)
        .await
        .expect("seed postgres");
    seed::seed_redis(live.redis.as_ref().expect("redis"), &data, true, true)
        .await
        .expect("seed redis");
    let live: Arc<dyn Store> = Arc::new(live);
    // First with the token cache as the synthetic part left it (cold when run alone), then again.
    for run in ["first run", "second run, tokens cached"] {
        let (n, r) = rate(live.clone(), plan(prolaunch, None, None), engine).await;
        println!("report, live stores on loopback, {n} users, {run}: {r:.0} users/s");
    }
}
