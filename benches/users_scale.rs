//! `ctxlens users` over many users: the real binary against a redis-server and a PostgreSQL that
//! the test harness starts. Per size: time until the first user line is printed, time to page
//! through every user, and the process's peak RSS (`/usr/bin/time`'s maximum resident set size),
//! so sizes can be compared to show memory stays flat while paging.
//! `cargo bench --bench users_scale` runs 10,000 and 100,000 users; under `cargo test`, 1,000.
//! `CTXLENS_USERS_SIZES` (comma-separated) and `CTXLENS_USERS_RUNS` override.
//!
//! The data: N users with a `user_journeys` row, each with one to three session keys (a short
//! JSON list of turns) and two in three with a cached context key; plus N/100 users with session
//! keys but no journey row (found in the Redis phase, spread over many SCAN batches).
// A benchmark harness: a failed setup step ends the run with its message.
#![allow(clippy::expect_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ctxlens::store::postgres::PgStore;
use ctxlens::store::seed;

#[path = "../tests/common"]
mod harness {
    #[allow(dead_code)]
    pub mod servers;
}
use harness::servers::{Postgres, RedisServer};

const BIN: &str = env!("CARGO_BIN_EXE_ctxlens");

/// Loads `n` journey users and `n / 100` Redis-only users; returns how many users there are.
fn load(n: usize, redis: &RedisServer, db: &str) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let pg = PgStore::connect(db, Duration::from_secs(10))
            .await
            .expect("connects");
        seed::migrate(&pg).await.expect("migrate");
        for chunk in (0..n).collect::<Vec<_>>().chunks(10_000) {
            let ids: Vec<String> = chunk.iter().map(|i| format!("u{i:06}")).collect();
            let milestones: Vec<String> = chunk.iter().map(|i| format!("M{}", i % 10)).collect();
            let names: Vec<String> = chunk.iter().map(|i| format!("Founder {i}")).collect();
            sqlx::query(
                "INSERT INTO user_journeys (user_id, current_milestone, display_name)
                 SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])",
            )
            .bind(&ids)
            .bind(&milestones)
            .bind(&names)
            .execute(pg.pool())
            .await
            .expect("insert journeys");
        }
        // Statistics as a live table has them (autovacuum may not have got to it yet).
        sqlx::query("ANALYZE user_journeys")
            .execute(pg.pool())
            .await
            .expect("analyze");
    });
    let orphans = n / 100;
    let mut conn = redis.connection();
    let turns = r#"[{"role":"user","content":"How should I price my candles?","timestamp":"2025-01-15T11:00:00Z"},{"role":"assistant","content":"Start from unit cost.","timestamp":"2025-01-15T11:00:05Z"}]"#;
    let ids: Vec<String> = (0..n)
        .map(|i| format!("u{i:06}"))
        .chain((0..orphans).map(|i| format!("r{i:06}")))
        .collect();
    for (c, chunk) in ids.chunks(5_000).enumerate() {
        let mut pipe = redis::pipe();
        for (j, id) in chunk.iter().enumerate() {
            let i = c * 5_000 + j;
            for s in 0..=(i % 3) {
                pipe.cmd("SET")
                    .arg(format!("session:{id}:s{s}"))
                    .arg(turns)
                    .ignore();
            }
            if i % 3 != 0 {
                pipe.cmd("SET")
                    .arg(format!("context:{id}:M{}", i % 10))
                    .arg(r#"{"items":[]}"#)
                    .ignore();
            }
        }
        let () = pipe.query(&mut conn).expect("load redis");
    }
    n + orphans
}

/// The maximum resident set size `/usr/bin/time -f %M` wrote, in KB.
fn max_rss_kb(path: &std::path::Path) -> u64 {
    let text = std::fs::read_to_string(path).expect("time output");
    text.lines()
        .filter_map(|l| l.trim().parse().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no RSS in {text:?}"))
}

struct Run {
    first: Duration,
    total: Duration,
    lines: usize,
    rss_kb: u64,
}

/// Runs `ctxlens users ARGS` under `/usr/bin/time`, reading its output as it comes.
fn run(args: &[&str], redis: &RedisServer, db: &str, first_user_line: usize) -> (Run, String) {
    let rss_file = tempfile::NamedTempFile::new().expect("temp file");
    let start = Instant::now();
    let mut child = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(rss_file.path())
        .arg(BIN)
        .arg("users")
        .args(args)
        .env("REDIS_URL", redis.url())
        .env("DATABASE_URL", db)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs /usr/bin/time ctxlens");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = None;
    let mut lines = 0;
    let mut text = String::new();
    for line in out.lines() {
        let line = line.expect("UTF-8 output");
        lines += 1;
        if lines == first_user_line {
            first = Some(start.elapsed());
        }
        text.push_str(&line);
        text.push('\n');
    }
    let status = child.wait_with_output().expect("waits");
    let total = start.elapsed();
    assert!(
        status.status.success(),
        "ctxlens users failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let run = Run {
        first: first.expect("a user line"),
        total,
        lines,
        rss_kb: max_rss_kb(rss_file.path()),
    };
    (run, text)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<usize> = std::env::var("CTXLENS_USERS_SIZES")
        .unwrap_or_else(|_| if full { "10000,100000" } else { "1000" }.into())
        .split(',')
        .map(|s| s.trim().parse().expect("CTXLENS_USERS_SIZES: numbers"))
        .collect();
    let runs: usize = std::env::var("CTXLENS_USERS_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 5 } else { 1 });
    for (k, n) in sizes.into_iter().enumerate() {
        let redis = RedisServer::start();
        let db = Postgres::shared().create_database(&format!("users_scale_{k}"));
        let start = Instant::now();
        let total_users = load(n, &redis, &db);
        let loaded = start.elapsed();

        // Every user exactly once, and the SPEC §5 shape, through `--json`.
        let (_, json) = run(&["--json"], &redis, &db, 3);
        let v: serde_json::Value = serde_json::from_str(&json).expect("users --json is JSON");
        assert!(v["next_cursor"].is_null(), "listed to the end");
        let listed = v["users"].as_array().expect("users array");
        let unique: HashSet<&str> = listed
            .iter()
            .filter_map(|u| u["user_id"].as_str())
            .collect();
        assert_eq!(listed.len(), total_users, "every user listed");
        assert_eq!(unique.len(), total_users, "each user once");
        drop(v);

        // The table: a header line, then a line per user, then a summary line.
        let mut results = Vec::new();
        for _ in 0..runs {
            let (r, _) = run(&[], &redis, &db, 2);
            assert_eq!(r.lines, total_users + 2, "a line per user");
            results.push(r);
        }
        // The journey users alone (`--limit N` stops at the end of the Postgres phase).
        let limit = n.to_string();
        let (pg_only, _) = run(&["--limit", &limit], &redis, &db, 2);
        let ms = |f: fn(&Run) -> Duration| {
            median(results.iter().map(|r| f(r).as_secs_f64() * 1e3).collect())
        };
        let rss = results.iter().map(|r| r.rss_kb).max().unwrap_or(0);
        println!(
            "users: {n} with a journey + {} Redis-only ({} keys, loaded in {:.1} s); over {runs} runs, medians: \
             first user line after {:.1} ms (max {:.1}), all {total_users} listed in {:.0} ms (the {n} journey users alone in {:.0} ms); peak RSS {:.1} MB (max of runs)",
            total_users - n,
            key_count(&redis),
            loaded.as_secs_f64(),
            ms(|r| r.first),
            results
                .iter()
                .map(|r| r.first.as_secs_f64() * 1e3)
                .fold(0.0, f64::max),
            ms(|r| r.total),
            pg_only.total.as_secs_f64() * 1e3,
            rss as f64 / 1024.0,
        );
    }
}

fn key_count(redis: &RedisServer) -> u64 {
    let mut conn = redis.connection();
    redis::cmd("DBSIZE").query(&mut conn).expect("DBSIZE")
}
