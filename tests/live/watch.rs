//! `ctxlens watch` against a live Redis: published events, and channels that are not UTF-8.

use super::*;

/// `ctxlens watch ARGS` against the seeded stores, once its subscription is on the server
/// (a channel or a pattern, polled: the server cannot be awaited), and a connection to publish on.
// The child goes to the caller, which waits for it; a failed step ends the test process.
#[allow(clippy::zombie_processes)]
fn watching(
    redis: &RedisServer,
    db: &str,
    args: &[&str],
) -> (std::process::Child, redis::Connection) {
    let child = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .arg("watch")
        .args(args)
        .envs(env(redis, db))
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch runs");
    let mut conn = redis.connection();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, channels): (String, u64) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg("progress:u001")
            .query(&mut conn)
            .expect("numsub");
        let patterns: u64 = redis::cmd("PUBSUB")
            .arg("NUMPAT")
            .query(&mut conn)
            .expect("numpat");
        if channels + patterns > 0 {
            return (child, conn);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "watch never subscribed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Publishes `payload` on `channel` (bytes: a channel's name need not be UTF-8).
fn publish(conn: &mut redis::Connection, channel: impl redis::ToRedisArgs, payload: &str) {
    let _: i64 = redis::cmd("PUBLISH")
        .arg(channel)
        .arg(payload)
        .query(conn)
        .expect("publish");
}

#[test]
fn watch_prints_published_progress_events() {
    let (redis, db) = seeded("watch");
    let (child, mut conn) = watching(&redis, &db, &["u001", "--json", "--count", "1"]);
    let payload = r#"{"milestone":"M0","progress":100,"timestamp":"2025-01-15T12:00:00Z"}"#;
    publish(&mut conn, "progress:u001", payload);
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        line.trim(),
        r#"{"user_id":"u001","milestone":"M0","progress":100.0,"timestamp":"2025-01-15T12:00:00Z"}"#
    );
    // A milestone of megabytes: the table shows its start (the line stays a line); --json
    // above has a field whole.
    let (child, mut conn) = watching(&redis, &db, &["u001", "--count", "1"]);
    let long = "A".repeat(2_000_000);
    let payload =
        format!(r#"{{"milestone":"{long}","progress":1,"timestamp":"2025-01-15T12:00:00Z"}}"#);
    publish(&mut conn, "progress:u001", &payload);
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    let line = String::from_utf8_lossy(&out.stdout);
    // The banner is on stderr: stdout, piped on, holds the event alone.
    assert_eq!(line.lines().count(), 1, "{line}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.starts_with("watching progress:u001 on redis "),
        "{said}"
    );
    assert!(
        line.len() < 200 && line.contains("AAAA…"),
        "{} bytes",
        line.len()
    );
    assert!(line.trim_end().ends_with("1.0%"), "{line}");
    // A user id of megabytes (every user's events watched) shows its start and end, and a
    // value of megabytes quoted in an event's error its start: each stays one short line.
    let (child, mut conn) = watching(&redis, &db, &["--count", "1"]);
    let bad_time = "2025-01-15T12:00:00Z".repeat(50_000);
    let payload = format!(r#"{{"milestone":"M0","progress":-0.0,"timestamp":"{bad_time}"}}"#);
    publish(&mut conn, "progress:u001", &payload);
    let id = format!("u{}", "9".repeat(1_000_000));
    let payload = r#"{"milestone":"M0","progress":-0.0,"timestamp":"2025-01-15T12:00:00Z"}"#;
    publish(&mut conn, format!("progress:{id}"), payload);
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.len() < 200 && line.contains("u999"),
        "{} bytes",
        line.len()
    );
    assert!(line.trim_end().ends_with(" 0.0%"), "{line}");
    let said = String::from_utf8_lossy(&out.stderr);
    let error = said
        .lines()
        .find(|l| l.contains("is neither RFC 3339 nor epoch seconds"))
        .unwrap_or_else(|| panic!("no error line: {} bytes", said.len()));
    assert!(
        error.len() < 400 && error.contains("(1000000 characters)"),
        "{} bytes",
        error.len()
    );
}

/// Progress events come from Redis alone: a Postgres out of reach does not stop `watch`.
#[test]
fn watch_needs_no_postgres() {
    let redis = RedisServer::start();
    let refused = "postgres://postgres@127.0.0.1:1/nothing";
    let (child, mut conn) = watching(&redis, refused, &["u001", "--count", "1", "--json"]);
    let payload = r#"{"milestone":"M1","progress":50,"timestamp":"2025-01-15T12:00:00Z"}"#;
    publish(&mut conn, "progress:u001", payload);
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(r#""milestone":"M1","progress":50.0"#),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `watch` without a Redis to watch is told so as a usage error (exit 2): a setting is missing,
/// no store failed.
#[test]
fn watch_without_redis_is_a_usage_error() {
    let url = Postgres::shared().create_database("watch_no_redis");
    let out = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["--database-url", &url, "watch"])
        .env_remove("REDIS_URL")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .expect("watch runs");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("no Redis configured (--redis-url)"), "{said}");
}

/// Every user's events: a channel whose name is not UTF-8 is named by its bytes on stderr and
/// never printed as an event of some user (`?`); `progress:` alone is nobody's either (not
/// the user "").
#[test]
fn watch_names_a_channel_that_is_not_utf8_and_gives_it_no_user() {
    let (redis, db) = seeded("watchbytes");
    // The unreadable channel's message is no event: `--count 1` ends at the real one.
    let (child, mut conn) = watching(&redis, &db, &["--json", "--count", "1"]);
    let payload = r#"{"milestone":"M1","progress":50,"timestamp":"2025-01-15T12:00:00Z"}"#;
    for channel in [&b"progress:\xff\xfe"[..], b"progress:", b"progress:u001"] {
        publish(&mut conn, channel, payload);
    }
    let out = child
        .wait_with_output()
        .expect("watch ends after the one event");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stdout.trim(),
        r#"{"user_id":"u001","milestone":"M1","progress":50.0,"timestamp":"2025-01-15T12:00:00Z"}"#,
        "{stderr}"
    );
    assert_eq!(
        stderr.trim(),
        "ctxlens: progress:\\xFF\\xFE: the channel's name is not UTF-8: not any user's event\n\
         ctxlens: progress:: the channel names no user: not any user's event"
    );
}

/// `--count N` counts events: a message that is not one is said on stderr and not counted, so
/// `--count 1` waits for the first real event after it.
#[test]
fn watch_counts_only_events() {
    let event = r#"{"milestone":"M5","progress":50,"timestamp":"2025-01-15T12:00:00Z"}"#;
    let (stdout, stderr) = one_event_watched(
        "watchcount",
        &["u001"],
        "progress:u001",
        &["garbage", r#"{"milestone":"M5"}"#, event],
    );
    assert_eq!(
        stdout.trim(),
        r#"{"user_id":"u001","milestone":"M5","progress":50.0,"timestamp":"2025-01-15T12:00:00Z"}"#,
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        2,
        "two unreadable messages said: {stderr}"
    );
}

/// Under `--key-prefix`, a message that is no event is said naming its channel as the server
/// does, the prefix included (`app:progress:u001`, not `progress:u001`).
#[test]
fn watch_names_a_bad_messages_channel_with_the_key_prefix() {
    // Every user's channels (a pattern): the unreadable message is no event, so `--count 1`
    // ends at the real one after it.
    let event = r#"{"milestone":"M2","progress":20,"timestamp":"2025-01-15T12:00:00Z"}"#;
    let (stdout, stderr) = one_event_watched(
        "watchprefix",
        &["--key-prefix", "app:"],
        "app:progress:u001",
        &["garbage", event],
    );
    assert_eq!(
        stdout.trim(),
        r#"{"user_id":"u001","milestone":"M2","progress":20.0,"timestamp":"2025-01-15T12:00:00Z"}"#,
        "{stderr}"
    );
    assert!(
        stderr.starts_with("ctxlens: app:progress:u001: payload is not JSON"),
        "{stderr}"
    );
}

/// `watch ARGS --json --count 1` on a seeded store while `payloads` are published on `channel`:
/// it must end by itself with exit 0 after the first real event. Its stdout and stderr.
fn one_event_watched(
    name: &str,
    args: &[&str],
    channel: &str,
    payloads: &[&str],
) -> (String, String) {
    let (redis, db) = seeded(name);
    let args = [args, &["--json", "--count", "1"]].concat();
    let (child, mut conn) = watching(&redis, &db, &args);
    for payload in payloads {
        publish(&mut conn, channel, payload);
    }
    let out = child
        .wait_with_output()
        .expect("watch ends after one event");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (stdout, stderr)
}
