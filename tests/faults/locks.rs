//! Postgres reads held on a lock: a store that stops answering is named gone within
//! `--query-timeout` (the statement cancelled on the server too), Ctrl-C stops a command waiting
//! on it, and a backend terminated mid-read is read again on a new connection.

use super::*;

/// The backends of `db` (other than psql's own) waiting on a lock.
fn lock_waiters_sql(db: &str) -> String {
    format!(
        "SELECT pid FROM pg_stat_activity WHERE datname = '{db}' \
         AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
    )
}

/// Waits until a read of `db` by ctxlens (`what`) waits on the lock.
fn await_a_read_waiting_on_the_lock(pg: &Postgres, db: &str, what: &str) {
    let waiting = lock_waiters_sql(db);
    await_condition(what, Duration::from_secs(30), || {
        !pg.psql(db, &waiting).trim().is_empty()
    });
}

/// Terminates the backends of `db` waiting on the lock (`pg_terminate_backend`): at least one.
fn terminate_the_waiting_backends(pg: &Postgres, db: &str) {
    let killed = pg.psql(
        db,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM ({}) w",
            lock_waiters_sql(db)
        ),
    );
    assert!(
        killed.lines().any(|l| l.trim() == "t"),
        "terminated: {killed:?}"
    );
}

/// A Postgres that stops answering mid-statement (here: a lock held on `memory_bank` for longer
/// than the deadline) ends the command with the store named as gone, not a hang: `inspect`
/// exits 1, `report` prints what it read marked PARTIAL.
#[test]
fn a_postgres_that_stops_answering_is_named_gone_within_the_query_timeout() {
    let pg = Postgres::start();
    let redis = RedisServer::start();
    let db = pg.create_database("frozen_pg");
    seed_fleet(&redis, &db, 200);
    let (mut holder, stdin) = lock_memory_bank(&pg, "frozen_pg");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let label = format!("postgres 127.0.0.1:{}/frozen_pg", pg.port());
    let out = finish(
        spawn(&["inspect", "s1-000000", "--query-timeout", "1"], &env),
        Duration::from_secs(30),
        "inspect",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&label)
            && stderr.contains("memory_bank")
            && stderr.contains("no answer within 1 s"),
        "{stderr}"
    );
    // Given up on, the statements are cancelled on the server too (statement_timeout), not
    // left waiting on the lock after ctxlens has gone.
    let waiting = || pg.lock_waiters("frozen_pg", "memory_bank");
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while waiting() != "0" {
        assert!(
            std::time::Instant::now() < until,
            "statements still wait on the lock: {}",
            waiting()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = finish(
        spawn(
            &["report", "--query-timeout", "1", "--quiet", "--no-cache"],
            &env,
        ),
        Duration::from_secs(60),
        "report",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("PARTIAL"), "{stdout}");
    drop(stdin);
    let _ = holder.kill();
    let _ = holder.wait();
}

/// Ctrl-C stops a one-user command at once, even while Postgres keeps its statement waiting
/// on a lock (and however long --query-timeout is): exit 130, no output as if complete.
#[test]
fn ctrl_c_stops_a_command_waiting_on_the_store() {
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("interrupted");
    seed_fleet(&redis, &db, 5);
    let (mut holder, stdin) = lock_memory_bank(pg, "interrupted");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let child = spawn(&["inspect", "s1-000000", "--query-timeout", "600"], &env);
    await_a_read_waiting_on_the_lock(pg, "interrupted", "inspect waiting on the lock");
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let out = finish(child, Duration::from_secs(30), "inspect");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    drop(stdin);
    let _ = holder.kill();
    let _ = holder.wait();
}

/// A knowledge table that stops answering is named as what stopped answering: once one
/// search finds the store out of reach, the user's other searches (one per milestone group) are
/// not asked, so no later read starves for a connection and the report's cause is the search,
/// not a `user_journeys` read waiting behind it.
#[test]
fn a_knowledge_table_that_stops_answering_is_the_cause_named() {
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("frozen_knowledge");
    // One batch of users over every milestone: one search statement per milestone group.
    seed_fleet(&redis, &db, 60);
    let (mut holder, stdin) = lock_table(pg, "frozen_knowledge", "knowledge");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let out = finish(
        spawn(
            &[
                "report",
                "--query-timeout",
                "1",
                "--json",
                "--quiet",
                "--no-cache",
            ],
            &env,
        ),
        Duration::from_secs(60),
        "report",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report is printed");
    assert_eq!(v["partial"], true, "{stdout}");
    let cause = v["stopped"]["cause"].as_str().unwrap_or_default();
    assert!(
        cause.ends_with("knowledge search: no answer within 1 s"),
        "{cause}"
    );
    drop(stdin);
    let _ = holder.kill();
    let _ = holder.wait();
}

/// One Postgres backend terminated mid-read (`pg_terminate_backend`, a failover, a pooler
/// recycling a connection) is not a store gone: the batch it was reading is read again on a new
/// connection, and the report covers every user, exit 0. Deterministic: the reads are held on a
/// lock until they are seen waiting, then their backends are terminated, then the lock goes.
#[test]
fn a_report_reads_again_the_batch_whose_postgres_backend_was_terminated() {
    use std::io::Write;
    const USERS: usize = 200;
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("killed_backend");
    seed_fleet(&redis, &db, USERS);
    let (mut holder, mut stdin) = lock_memory_bank(pg, "killed_backend");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let child = spawn(&["report", "--json", "--quiet", "--no-cache"], &env);
    await_a_read_waiting_on_the_lock(pg, "killed_backend", "a report read waiting on the lock");
    terminate_the_waiting_backends(pg, "killed_backend");
    stdin.write_all(b"COMMIT;\n").expect("unlock");
    stdin.flush().expect("flush");
    let out = finish(child, Duration::from_secs(60), "report");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report is printed");
    assert_eq!(v["partial"], false, "{stdout}");
    assert_eq!(v["users"], USERS as u64, "{stdout}");
    assert_eq!(v["errors"]["count"], 0, "{}", v["errors"]);
    drop(stdin);
    let _ = holder.wait();
}

/// A one-user command whose Postgres backend is terminated mid-read reads again on a new
/// connection, as a report does: `inspect` answers, exit 0.
#[test]
fn inspect_reads_again_when_its_postgres_backend_is_terminated() {
    use std::io::Write;
    let pg = Postgres::shared();
    let redis = RedisServer::start();
    let db = pg.create_database("killed_inspect");
    seed_fleet(&redis, &db, 3);
    let (mut holder, mut stdin) = lock_memory_bank(pg, "killed_inspect");
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", db.clone())];
    let child = spawn(&["inspect", "s1-000000", "--json"], &env);
    await_a_read_waiting_on_the_lock(pg, "killed_inspect", "inspect waiting on the lock");
    terminate_the_waiting_backends(pg, "killed_inspect");
    stdin.write_all(b"COMMIT;\n").expect("unlock");
    stdin.flush().expect("flush");
    let out = finish(child, Duration::from_secs(60), "inspect");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["user_id"], "s1-000000", "{v}");
    drop(stdin);
    let _ = holder.wait();
}
