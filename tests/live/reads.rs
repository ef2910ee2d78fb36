//! How users are read: round trips per user, a cluster, the HNSW search setting, paging the users, a fleet pass.

use super::*;

#[test]
fn loading_one_user_is_one_scan_and_one_pipeline() {
    let (redis, db) = seeded("roundtrips");
    redis.reset_stats();
    let out = ctxlens_with(&["replay", "u005", "--json"], &env(&redis, &db));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stats = redis.command_stats();
    let calls = |c: &str| stats.iter().find(|(n, _)| n == c).map_or(0, |(_, k)| *k);
    assert_eq!(
        calls("scan"),
        1,
        "one SCAN call finds the user's keys on a small keyspace: {stats:?}"
    );
    // The pipeline: TYPE, TTL, GETRANGE and MEMORY USAGE for each of u005's keys, sent
    // together (a string is read up to the read limit only); its sessions are strings, so no
    // second pipeline of LRANGE.
    assert!(
        calls("type") >= 2
            && calls("type") == calls("ttl")
            && calls("ttl") == calls("getrange")
            && calls("getrange") == calls("memory|usage")
            && calls("lrange") == 0,
        "{stats:?}"
    );
}

#[test]
fn a_redis_cluster_reads_like_a_single_server() {
    let cluster = common::servers::RedisCluster::start();
    let hosts: Vec<String> = cluster
        .urls()
        .iter()
        .map(|u| {
            u.trim_start_matches("redis://")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let cluster_url = format!("redis+cluster://{}", hosts.join(","));
    let single = RedisServer::start();
    for url in [&cluster_url, &single.url()] {
        let out = ctxlens_with(&["seed"], &[("REDIS_URL", url.clone())]);
        assert_eq!(out.code, 0, "seed {url}: {}", out.stderr);
    }
    // The keys really are spread over the masters.
    let spread = cluster.nodes().iter().filter(|n| {
        let mut c = n.connection();
        redis::cmd("DBSIZE").query::<u64>(&mut c).expect("dbsize") > 0
    });
    assert!(spread.count() >= 2, "keys on at least two masters");
    let users = ctxlens_with(&["users", "--json"], &[("REDIS_URL", cluster_url.clone())]);
    let v: serde_json::Value =
        serde_json::from_str(&users.stdout).unwrap_or_else(|_| panic!("{}", users.stderr));
    let n = v["users"].as_array().map_or(0, Vec::len);
    assert_eq!(n, 71, "every master scanned: {n} users");
    for user in ["u005", "u064", "u066"] {
        let a = ctxlens_with(
            &["replay", user, "--json", "--now", NOW],
            &[("REDIS_URL", cluster_url.clone())],
        );
        let b = ctxlens_with(
            &["replay", user, "--json", "--now", NOW],
            &[("REDIS_URL", single.url())],
        );
        assert_eq!(a.code, 0, "{}", a.stderr);
        assert!(
            a.stdout == b.stdout,
            "{user}: cluster and single server differ"
        );
    }
    // A report reads batches across the masters: the same as from the single server.
    let report = |url: &String| {
        let out = ctxlens_with(
            &["report", "--json", "--now", NOW],
            &[("REDIS_URL", url.clone())],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let mut v: serde_json::Value = serde_json::from_str(&out.stdout).expect("report JSON");
        v["source"].take();
        v
    };
    let (a, b) = (report(&cluster_url), report(&single.url()));
    assert_eq!(a["users"], 71);
    assert!(a == b, "cluster and single-server reports differ");
    // A seed that is down is passed over for the next; a malformed one is a usage error,
    // reached or not.
    let down_first = format!("redis+cluster://127.0.0.1:1,{}", hosts.join(","));
    let users = ctxlens_with(&["users", "--json"], &[("REDIS_URL", down_first)]);
    assert_eq!(users.code, 0, "{}", users.stderr);
    let v: serde_json::Value = serde_json::from_str(&users.stdout).expect("users JSON");
    assert_eq!(v["users"].as_array().map_or(0, Vec::len), 71);
    let bad_last = format!("{cluster_url},127.0.0.1:notaport");
    let out = ctxlens_with(&["users"], &[("REDIS_URL", bad_last)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("REDIS_URL"), "{}", out.stderr);
    let again = ctxlens_with(&["seed"], &[("REDIS_URL", cluster_url)]);
    assert!(
        again.stderr.contains("redis cluster") && again.stderr.contains("not empty"),
        "{}",
        again.stderr
    );
}

#[test]
fn every_connection_searches_with_ef_search_100() {
    let (redis, db) = seeded("efsearch");
    let rt = runtime();
    rt.block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let pool = live.pg.as_ref().expect("postgres").pool();
        for _ in 0..3 {
            let v: String = sqlx::query_scalar("SHOW hnsw.ef_search")
                .fetch_one(pool)
                .await
                .expect("show");
            assert_eq!(v, "100");
        }
    });
}

#[test]
fn paging_users_lists_each_once_across_the_postgres_and_redis_phases() {
    // 150 users with a journey row, 1,500 with sessions only: their 2,500 session keys and the
    // journey users' keys take several SCAN batches, and most orphans have keys in more than one.
    let redis = RedisServer::start();
    let db = Postgres::shared().create_database("paging");
    let env = env(&redis, &db);
    assert_eq!(ctxlens_with(&["migrate"], &env).code, 0);
    Postgres::shared().psql(
        "paging",
        "INSERT INTO user_journeys (user_id, current_milestone)
         SELECT 'j' || lpad(i::text, 4, '0'), 'M1' FROM generate_series(0, 149) AS i;",
    );
    let expected = write_paging_sessions(&redis);

    let rt = runtime();
    rt.block_on(async {
        let live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let (listed, cursors) = every_page(&live).await;
        assert!(
            listed == expected,
            "every user once, journey users first, then those only Redis knows, each sorted \
             ({} listed, {} distinct)",
            listed.len(),
            listed
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
        assert!(cursors.iter().any(|c| c.starts_with("pg:")));
        assert!(cursors.iter().any(|c| c == "redis"));
        assert!(cursors.iter().any(|c| c.starts_with("redis:")));

        a_redis_cursor_carries_on_in_another_process(&redis, &db, &listed, &cursors).await;
    });

    // The binary, to the end, in the SPEC's JSON shape.
    let out = ctxlens_with(&["users", "--json"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(v["next_cursor"].is_null());
    let ids: Vec<&str> = v["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["user_id"].as_str())
        .collect();
    assert_eq!(ids, expected);
}

/// The Redis keys of the paging test: sessions of two in three journey users, and of 1,500
/// users only Redis knows (one or two sessions and a cached context each). The ids every
/// listing should give, in order.
fn write_paging_sessions(redis: &RedisServer) -> Vec<String> {
    let mut conn = redis.connection();
    let mut pipe = redis::pipe();
    for i in 0..150 {
        // Two in three journey users have sessions, so Redis knows them too.
        for s in 0..(i % 3) {
            pipe.cmd("SET")
                .arg(format!("session:j{i:04}:s{s}"))
                .arg("[]")
                .ignore();
        }
    }
    for i in 0..1_500 {
        for s in 0..=(i % 2) {
            pipe.cmd("SET")
                .arg(format!("session:r{i:04}:s{s}"))
                .arg("[]")
                .ignore();
        }
        pipe.cmd("SET")
            .arg(format!("context:r{i:04}:M0"))
            .arg("{}")
            .ignore();
    }
    let () = pipe.query(&mut conn).expect("load redis");
    (0..150)
        .map(|i| format!("j{i:04}"))
        .chain((0..1_500).map(|i| format!("r{i:04}")))
        .collect()
}

/// Every page of `live`'s users listing, 40 at a time: the ids listed and each next cursor.
async fn every_page(live: &LiveStore) -> (Vec<String>, Vec<String>) {
    let (mut listed, mut cursors) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let page = live.users(cursor.as_deref(), 40).await.expect("a page");
        assert!(page.users.len() <= 40, "a page holds at most the limit");
        listed.extend(page.users.into_iter().map(|u| u.user_id));
        cursor = page.next_cursor;
        match &cursor {
            Some(c) => cursors.push(c.clone()),
            None => break,
        }
    }
    (listed, cursors)
}

/// A cursor of the Redis phase carries on in another process (which scans afresh).
async fn a_redis_cursor_carries_on_in_another_process(
    redis: &RedisServer,
    db: &str,
    listed: &[String],
    cursors: &[String],
) {
    let resume = cursors
        .iter()
        .find(|c| c.starts_with("redis:"))
        .expect("a Redis-phase cursor");
    let other = LiveStore::connect(&endpoints(redis, db))
        .await
        .expect("connects");
    let page = other.users(Some(resume), 1_000).await.expect("a page");
    let at = listed
        .iter()
        .position(|u| resume.strip_prefix("redis:") == Some(u.as_str()))
        .expect("the cursor names a listed user");
    let rest: Vec<String> = page.users.into_iter().map(|u| u.user_id).collect();
    assert_eq!(rest, listed[at + 1..at + 1 + rest.len()].to_vec());
}

#[test]
fn a_fleet_pass_reads_batches_as_loading_each_user_would_with_one_scan() {
    let (redis, db) = seeded("batches");
    let rt = runtime();
    rt.block_on(async {
        let mut live = LiveStore::connect(&endpoints(&redis, &db))
            .await
            .expect("connects");
        let demo = MemoryStore::demo();
        let mut ids = vec!["nobody".to_string()];
        let page = demo.users(None, 1000).await.expect("demo users");
        ids.extend(page.users.into_iter().map(|u| u.user_id));
        let opts = LoadOptions::default();
        // `now` is the time of the read, and TTLs count down between reads: compare whether a
        // key has a TTL, and everything else.
        let comparable = |r: Result<UserData, StoreError>| {
            r.map(|mut d| {
                d.now = chrono::DateTime::UNIX_EPOCH;
                for s in &mut d.sessions {
                    s.ttl = s.ttl.map(|_| 1);
                }
                d.cached_context_ttl = d.cached_context_ttl.map(|_| 1);
                d
            })
            .map_err(|e| e.to_string())
        };
        let mut each = Vec::new();
        for id in &ids {
            each.push(comparable(live.load_user(id, &opts).await));
        }
        assert!(each[0].is_err() && each[1..].iter().all(Result::is_ok));
        // The default window holds the whole keyspace: one SCAN for the pass. A window of one
        // key is scanned again and again, and users with more keys are loaded one by one.
        for (cap, scans) in [(WINDOW_KEYS, 1..=1), (1, 10..=usize::MAX)] {
            live.redis.as_mut().expect("redis").window_keys = cap;
            redis.reset_stats();
            let pass = FleetPass::default();
            let mut batched = Vec::new();
            for chunk in ids.chunks(10) {
                let loaded = live.load_users(chunk, &opts, &pass).await;
                batched.extend(loaded.into_iter().map(comparable));
            }
            assert!(batched == each, "window of {cap} keys: batches differ");
            let stats = redis.command_stats();
            let n = stats
                .iter()
                .find(|(c, _)| c == "scan")
                .map_or(0, |(_, k)| *k);
            assert!(
                scans.contains(&(n as usize)),
                "window of {cap}: {n} SCAN calls"
            );
        }
    });
    // A whole report: the listing's SCAN of session keys and one for the loads.
    redis.reset_stats();
    let out = ctxlens_with(&["report", "--json", "--now", NOW], &env(&redis, &db));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stats = redis.command_stats();
    let n = stats
        .iter()
        .find(|(c, _)| c == "scan")
        .map_or(0, |(_, k)| *k);
    assert!(n <= 3, "71 users read with {n} SCAN calls: {stats:?}");
}

/// The `users` table widens its USER column to the first page's longest id, so ids longer than
/// the demo's line up with the rest (listing pages `user_journeys`; no Redis needed).
#[test]
fn the_users_table_widens_to_long_ids() {
    let db = Postgres::shared().create_database("long_ids");
    let env = [("DATABASE_URL", db.clone())];
    assert_eq!(ctxlens_with(&["migrate"], &env).code, 0);
    Postgres::shared().psql(
        "long_ids",
        "INSERT INTO user_journeys (user_id, current_milestone) VALUES \
         ('evil:user one', 'M3'), ('u1', 'M0'), ('=cmd|'' /C calc''!A0', 'M0')",
    );
    let out = ctxlens_with(&["users"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let start = |l: &str, m: &str| l.find(m).unwrap_or_else(|| panic!("{m} in {l}"));
    let at = start(lines[0], "MILESTONE");
    for l in &lines[1..4] {
        assert_eq!(start(l, " M"), at - 1, "one column:\n{}", out.stdout);
    }
}

/// A users list the store cannot give (a SQL_ASCII database holding a byte that is not UTF-8
/// in a display name: Postgres refuses to send the rows) stops `report` as what it is, not as
/// a store that went away.
#[test]
fn a_users_list_the_store_cannot_give_is_not_called_an_outage() {
    let pg = Postgres::shared();
    pg.psql(
        "postgres",
        "CREATE DATABASE ascii_list ENCODING 'SQL_ASCII' TEMPLATE template0 \
         LC_COLLATE 'C' LC_CTYPE 'C';",
    );
    let url = pg.url("ascii_list");
    let redis = RedisServer::start();
    let env = env(&redis, &url);
    migrate_and_seed(&env);
    pg.psql(
        "ascii_list",
        "UPDATE user_journeys SET display_name = E'bad name \\xff' WHERE user_id = 'u003';",
    );
    let out = ctxlens_with(&["report"], &env);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no user was replayed before the users list failed; every user")
            && !out.stderr.contains("went away"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout
            .contains("PARTIAL (the users list could not be read)"),
        "{}",
        out.stdout
    );
    // No user read: the averages and rates are not measured, not 0.
    for metric in ["Avg context tokens", "Truncation rate"] {
        let row = out
            .stdout
            .lines()
            .find(|l| l.contains(metric))
            .unwrap_or_else(|| panic!("{metric}: {}", out.stdout));
        assert!(row.contains("n/a") && !row.contains("0.0"), "{row}");
    }
}

/// A display name of a hundred thousand characters is cut in `inspect`'s heading (`--json`
/// keeps it whole).
#[test]
fn a_huge_display_name_is_cut_in_the_heading() {
    let (redis, db) = seeded("hugename");
    Postgres::shared().psql(
        "hugename",
        "UPDATE user_journeys SET display_name = repeat('Ann ', 25000) WHERE user_id = 'u003';",
    );
    let env = env(&redis, &db);
    let out = ctxlens_with(&["inspect", "u003"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let head = out.stdout.lines().next().unwrap_or_default();
    assert!(
        head.starts_with("u003 · Ann Ann") && head.contains('…') && head.chars().count() < 300,
        "{head}"
    );
    let json = ctxlens_with(&["inspect", "u003", "--json"], &env);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(
        v["display_name"].as_str().map(str::len),
        Some(100_000),
        "{}",
        json.stderr
    );
}

/// Every command ends its Postgres connections as a client should (Terminate), so a
/// production server logs no lost client for each run: the commands of the seeded database
/// here (migrate, seed, the refused seed, the reads, report, optimize) left no such line.
#[test]
fn commands_close_their_postgres_connections() {
    let (redis, db) = seeded("closes");
    let env = env(&redis, &db);
    let runs: [(&[&str], i32); 9] = [
        (&["users"], 0),
        (&["inspect", "u062"], 0),
        (&["replay", "u062", "--json"], 0),
        (&["explain", "u062", "kn:58"], 0),
        (&["graph", "u062"], 0),
        (&["report", "--quiet", "--no-cache"], 0),
        (&["optimize", "--trials", "2", "--quiet"], 0),
        (&["migrate"], 0),
        // Refused (the stores hold data), after its check read Postgres.
        (&["seed"], 1),
    ];
    for (args, code) in runs {
        let out = ctxlens_with(args, &env);
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
    }
    // A seed whose Redis is out of reach, after Postgres connected.
    let no_redis = [
        ("REDIS_URL", "redis://127.0.0.1:1".to_string()),
        ("DATABASE_URL", db.clone()),
    ];
    let out = ctxlens_with(&["seed", "--force"], &no_redis);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // What the server logs of a client that goes without a word, as a check that such lines
    // are found: a psql on another database killed in a transaction.
    let pg = Postgres::shared();
    pg.create_database("closes_control");
    let mut psql = pg.psql_session("closes_control");
    {
        use std::io::{BufRead, Write};
        let stdin = psql.stdin.as_mut().expect("psql stdin");
        stdin
            .write_all(b"BEGIN;\nSELECT 'in';\n")
            .expect("write to psql");
        stdin.flush().expect("flush psql");
        let mut line = String::new();
        std::io::BufReader::new(psql.stdout.as_mut().expect("psql stdout"))
            .read_line(&mut line)
            .expect("read psql");
        assert_eq!(line.trim(), "in");
    }
    psql.kill().expect("kill psql");
    psql.wait().expect("psql ended");
    assert!(
        !lost_clients("closes_control").is_empty(),
        "the dropped connection was not seen"
    );
    let lost = lost_clients("closes");
    assert!(lost.is_empty(), "lost clients logged:\n{}", lost.join("\n"));
}

/// The lost clients the shared server logged for database `db`, once none of its connections
/// is left (a server process logs a lost client before it exits).
fn lost_clients(db: &str) -> Vec<String> {
    let pg = Postgres::shared();
    let open = format!("SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}';");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while pg.psql("postgres", &open).trim() != "0" {
        assert!(
            std::time::Instant::now() < deadline,
            "connections to `{db}` still open after 30 s"
        );
        std::thread::yield_now();
    }
    pg.log_of(db)
        .into_iter()
        .filter(|l| {
            l.contains("could not receive data from client") || l.contains("unexpected EOF")
        })
        .collect()
}

/// A read of a database without ctxlens's schema (not migrated, or tables of its own) says
/// which table failed and that `migrate` names what differs, not the server's words alone.
#[test]
fn a_read_failing_on_the_schema_points_to_migrate() {
    let redis = RedisServer::start();
    let url = Postgres::shared().create_database("unmigrated");
    let env = env(&redis, &url);
    for args in [&["users"][..], &["inspect", "u001"], &["replay", "u001"]] {
        let out = ctxlens_with(args, &env);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("user_journeys: relation \"user_journeys\" does not exist")
                && out
                    .stderr
                    .contains("`ctxlens migrate` names each table and column"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// A user with hundreds of session keys (none with a TTL, each holding more turns than the
/// writer keeps): `inspect` lists the first ones and the one read, counts the rest, and lists
/// each repeated finding on a few keys, not on each (the two findings of a key alternate in
/// the list: grouped all the same); `--json` keeps every key and finding.
#[test]
fn inspect_counts_what_repeats_over_hundreds_of_keys() {
    let (redis, db) = seeded("many_sessions");
    let mut c = redis.connection();
    let turn = r#"{"user":"hi","assistant":"ok","timestamp":"2025-01-10T10:00:00Z"}"#;
    let turns = format!("[{}]", vec![turn; 30].join(","));
    for i in 0..300 {
        let () = redis::cmd("SET")
            .arg(format!("session:u062:x{i}"))
            .arg(&turns)
            .query(&mut c)
            .expect("SET");
    }
    let env = env(&redis, &db);
    let text = ctxlens_with(&["inspect", "u062", "--now", NOW], &env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let sessions: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.starts_with("session     session:"))
        .collect();
    assert_eq!(sessions.len(), 20, "{}", text.stdout);
    assert_eq!(
        sessions.iter().filter(|l| l.ends_with("← read")).count(),
        1,
        "the session read is listed: {}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("session     … and 282 more sessions (--json lists every one)"),
        "{}",
        text.stdout
    );
    let no_ttl = text
        .stdout
        .lines()
        .filter(|l| l.contains("session key has no TTL"))
        .count();
    assert_eq!(no_ttl, 3, "{}", text.stdout);
    let over = text
        .stdout
        .lines()
        .filter(|l| l.contains("holds 30 turns; the writer keeps the newest"))
        .count();
    assert_eq!(over, 3, "{}", text.stdout);
    assert_eq!(
        text.stdout
            .matches("  … and 297 more sources with the same finding (--json lists every one)")
            .count(),
        2,
        "{}",
        text.stdout
    );
    let json = ctxlens_with(&["inspect", "u062", "--now", NOW, "--json"], &env);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["sessions"].as_array().map(Vec::len), Some(302));
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(
        findings
            .iter()
            .filter(|f| f["message"]
                .as_str()
                .is_some_and(|m| m.contains("session key has no TTL")))
            .count(),
        300
    );
}
