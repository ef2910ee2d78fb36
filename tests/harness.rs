//! The test harness itself: the Redis, Redis Cluster and Postgres servers it starts are real and behave.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::servers::{Postgres, RedisCluster, RedisServer, TestCa, require_command, require_file};
use sqlx::{Connection, PgConnection};

fn query<T: redis::FromRedisValue>(
    con: &mut redis::Connection,
    args: &[&str],
) -> redis::RedisResult<T> {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(con)
}

#[test]
fn redis_answers_ping_and_set_get() {
    let server = RedisServer::start();
    assert_ne!(server.port(), 6379, "never the machine's shared Redis");
    assert_eq!(
        server.url(),
        format!("redis://127.0.0.1:{}/", server.port())
    );
    let mut con = server.connection();
    let pong: String = query(&mut con, &["PING"]).expect("PING");
    assert_eq!(pong, "PONG");
    query::<()>(&mut con, &["SET", "greeting", "hello"]).expect("SET");
    let got: Option<String> = query(&mut con, &["GET", "greeting"]).expect("GET");
    assert_eq!(got.as_deref(), Some("hello"));
    let dbsize: u64 = query(&mut con, &["DBSIZE"]).expect("DBSIZE");
    assert_eq!(dbsize, 1, "a fresh server holds only this test's key");
}

#[test]
fn redis_restart_keeps_the_port_and_answers_again() {
    let mut server = RedisServer::start();
    let port = server.port();
    query::<()>(&mut server.connection(), &["SET", "k", "v"]).expect("SET");

    server.stop();
    let down = redis::Client::open(server.url()).and_then(|c| c.get_connection());
    assert!(down.is_err(), "a stopped server refuses connections");

    server.restart();
    assert_eq!(server.port(), port);
    let mut con = server.connection();
    let pong: String = query(&mut con, &["PING"]).expect("PING after restart");
    assert_eq!(pong, "PONG");
    let got: Option<String> = query(&mut con, &["GET", "k"]).expect("GET after restart");
    assert_eq!(got, None, "no persistence: a restart starts empty");
}

#[test]
fn dropping_a_redis_server_stops_it_and_removes_its_dir() {
    let server = RedisServer::start();
    let (url, dir) = (server.url(), server.dir().to_path_buf());
    assert!(dir.is_dir());
    drop(server);
    assert!(
        redis::Client::open(url)
            .and_then(|c| c.get_connection())
            .is_err()
    );
    assert!(!dir.exists(), "{} is left behind", dir.display());
}

#[test]
fn redis_readonly_user_reads_but_cannot_write() {
    let server = RedisServer::start();
    query::<()>(&mut server.connection(), &["SET", "session:u1:s1", "[]"])
        .expect("SET as default user");
    let url = server.add_readonly_user("inspector", "pw-123");
    assert_eq!(
        url,
        format!("redis://inspector:pw-123@127.0.0.1:{}/", server.port())
    );

    let mut ro = redis::Client::open(url)
        .and_then(|c| c.get_connection())
        .expect("connect as inspector");
    let got: Option<String> = query(&mut ro, &["GET", "session:u1:s1"]).expect("GET as inspector");
    assert_eq!(got.as_deref(), Some("[]"));
    let ttl: i64 = query(&mut ro, &["TTL", "session:u1:s1"]).expect("TTL as inspector");
    assert_eq!(ttl, -1);
    let (_, keys): (u64, Vec<String>) = query(
        &mut ro,
        &["SCAN", "0", "MATCH", "session:*", "COUNT", "1000"],
    )
    .expect("SCAN as inspector");
    assert_eq!(keys, ["session:u1:s1"]);

    let err = query::<()>(&mut ro, &["SET", "session:u1:s1", "x"])
        .expect_err("SET as inspector must fail");
    assert_eq!(err.code(), Some("NOPERM"), "{err}");
    let err =
        query::<()>(&mut ro, &["DEL", "session:u1:s1"]).expect_err("DEL as inspector must fail");
    assert_eq!(err.code(), Some("NOPERM"), "{err}");
}

#[test]
fn redis_command_stats_count_calls() {
    let server = RedisServer::start();
    let mut con = server.connection();
    query::<()>(&mut con, &["SET", "a", "1"]).expect("SET");
    server.reset_stats();
    for _ in 0..3 {
        query::<Option<String>>(&mut con, &["GET", "a"]).expect("GET");
    }
    query::<()>(&mut con, &["SET", "b", "2"]).expect("SET");
    let stats = server.command_stats();
    let calls = |name: &str| stats.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
    assert_eq!(calls("get"), Some(3), "{stats:?}");
    assert_eq!(
        calls("set"),
        Some(1),
        "the SET before the reset is not counted: {stats:?}"
    );
    assert_eq!(calls("ttl"), None, "{stats:?}");
}

#[test]
fn redis_cluster_is_ok_and_routes_keys_across_nodes() {
    let cluster = RedisCluster::start();
    assert_eq!(cluster.urls().len(), 3);
    assert_eq!(cluster.url(), cluster.urls()[0]);
    for i in 0..3 {
        let info = cluster.cluster_info(i);
        assert!(info.contains("cluster_state:ok"), "node {i}: {info}");
        assert!(
            info.contains("cluster_slots_assigned:16384"),
            "node {i}: {info}"
        );
    }

    let client = redis::cluster::ClusterClient::new(vec![cluster.url()]).expect("cluster client");
    let mut con = client.get_connection().expect("cluster connection");
    for i in 0..30 {
        redis::cmd("SET")
            .arg(format!("user:{i}"))
            .arg(i)
            .query::<()>(&mut con)
            .expect("cluster SET");
    }
    for i in 0..30 {
        let got: i64 = redis::cmd("GET")
            .arg(format!("user:{i}"))
            .query(&mut con)
            .expect("cluster GET");
        assert_eq!(got, i);
    }
    let sizes: Vec<u64> = cluster
        .nodes()
        .iter()
        .map(|n| query(&mut n.connection(), &["DBSIZE"]).expect("DBSIZE"))
        .collect();
    assert_eq!(sizes.iter().sum::<u64>(), 30, "{sizes:?}");
    assert!(
        sizes.iter().filter(|&&n| n > 0).count() >= 2,
        "keys spread over nodes: {sizes:?}"
    );
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

#[tokio::test]
async fn postgres_databases_are_independent() {
    let pg = Postgres::shared();
    assert_ne!(pg.port(), 5432, "never the machine's shared Postgres");
    let a = pg.create_database("harness_indep_a");
    let b = pg.create_database("harness_indep_b");
    assert_eq!(
        a,
        format!(
            "postgres://postgres@127.0.0.1:{}/harness_indep_a",
            pg.port()
        )
    );

    let mut con_a = connect(&a).await;
    sqlx::query("CREATE TABLE notes (body text)")
        .execute(&mut con_a)
        .await
        .expect("create in a");
    sqlx::query("INSERT INTO notes VALUES ('only in a')")
        .execute(&mut con_a)
        .await
        .expect("insert in a");

    let mut con_b = connect(&b).await;
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'notes'",
    )
    .fetch_one(&mut con_b)
    .await
    .expect("count tables in b");
    assert_eq!(tables, 0);
    sqlx::query("CREATE TABLE notes (body text)")
        .execute(&mut con_b)
        .await
        .expect("same name in b");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM notes")
        .fetch_one(&mut con_b)
        .await
        .expect("count b");
    assert_eq!(rows, 0);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM notes")
        .fetch_one(&mut con_a)
        .await
        .expect("count a");
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn postgres_has_pgvector_with_cosine_similarity() {
    let pg = Postgres::shared();
    let mut con = connect(&pg.create_database("harness_vector")).await;
    sqlx::query("CREATE EXTENSION vector")
        .execute(&mut con)
        .await
        .expect("CREATE EXTENSION vector");
    sqlx::query("CREATE TABLE items (id int PRIMARY KEY, embedding vector(3) NOT NULL)")
        .execute(&mut con)
        .await
        .expect("create table");
    sqlx::query(
        "INSERT INTO items VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[1,1,0]'), (4, '[-1,0,0]')",
    )
    .execute(&mut con)
    .await
    .expect("insert vectors");

    let literal: Vec<(i32, f64)> = sqlx::query_as(
        "SELECT id, 1 - (embedding <=> '[1,0,0]') AS sim FROM items ORDER BY embedding <=> '[1,0,0]'",
    )
    .fetch_all(&mut con)
    .await
    .expect("cosine query");
    let ids: Vec<i32> = literal.iter().map(|r| r.0).collect();
    assert_eq!(ids, [1, 3, 2, 4]);
    let expected = [1.0, std::f64::consts::FRAC_1_SQRT_2, 0.0, -1.0];
    for ((_, sim), want) in literal.iter().zip(expected) {
        assert!((sim - want).abs() < 1e-6, "{literal:?}");
    }

    // The same query with the vector bound as a parameter, as the store sends it.
    let bound: Vec<(i32, f64)> = sqlx::query_as(
        "SELECT id, 1 - (embedding <=> $1) FROM items ORDER BY embedding <=> $1 LIMIT 2",
    )
    .bind(pgvector::Vector::from(vec![1.0_f32, 0.0, 0.0]))
    .fetch_all(&mut con)
    .await
    .expect("cosine query with a bound vector");
    assert_eq!(bound, literal[..2]);
}

#[tokio::test]
async fn postgres_readonly_role_selects_but_cannot_insert() {
    let pg = Postgres::shared();
    let url = pg.create_database("harness_readonly");
    pg.psql("harness_readonly", "CREATE TABLE user_journeys (user_id text PRIMARY KEY); INSERT INTO user_journeys VALUES ('u1');");
    let ro_url = pg.readonly_role("harness_readonly", "harness_inspector", "pw-123");
    assert_eq!(
        ro_url,
        format!(
            "postgres://harness_inspector:pw-123@127.0.0.1:{}/harness_readonly",
            pg.port()
        )
    );
    assert_ne!(ro_url, url);

    let mut ro = connect(&ro_url).await;
    let user: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut ro)
        .await
        .expect("whoami");
    assert_eq!(user, "harness_inspector");
    let ids: Vec<String> = sqlx::query_scalar("SELECT user_id FROM user_journeys")
        .fetch_all(&mut ro)
        .await
        .expect("SELECT as read-only");
    assert_eq!(ids, ["u1"]);

    let err = sqlx::query("INSERT INTO user_journeys VALUES ('u2')")
        .execute(&mut ro)
        .await
        .expect_err("INSERT as read-only role must fail");
    let db_err = err.as_database_error().expect("a database error");
    assert_eq!(
        db_err.code().as_deref(),
        Some("25006"),
        "read_only_sql_transaction: {db_err}"
    );
    assert!(
        db_err.message().contains("read-only transaction"),
        "{db_err}"
    );
    assert_eq!(
        pg.psql("harness_readonly", "SELECT count(*) FROM user_journeys")
            .trim(),
        "1"
    );
}

#[tokio::test]
async fn private_postgres_restarts_on_its_port_with_its_data() {
    let mut pg = Postgres::start();
    assert_ne!(pg.port(), Postgres::shared().port());
    let url = pg.create_database("outage");
    pg.psql(
        "outage",
        "CREATE TABLE t (n int); INSERT INTO t VALUES (7);",
    );
    let mut con = connect(&url).await;

    pg.stop();
    let lost = sqlx::query("SELECT 1").execute(&mut con).await;
    assert!(lost.is_err(), "an open connection fails during the outage");
    assert!(
        PgConnection::connect(&url).await.is_err(),
        "new connections are refused"
    );

    let port = pg.port();
    pg.restart();
    assert_eq!(pg.port(), port);
    let mut con = connect(&url).await;
    let n: i32 = sqlx::query_scalar("SELECT n FROM t")
        .fetch_one(&mut con)
        .await
        .expect("data survives a restart");
    assert_eq!(n, 7);
}

#[test]
#[should_panic(expected = "scripts/install-test-deps.sh")]
fn a_missing_command_names_the_install_script() {
    require_command("ctxlens-no-such-server");
}

#[test]
#[should_panic(expected = "scripts/install-test-deps.sh")]
fn a_missing_file_names_the_install_script() {
    require_file(
        "/usr/lib/postgresql/15/lib/ctxlens-no-such-extension.so",
        "an extension",
    );
}

#[test]
fn tls_redis_speaks_only_tls_survives_a_restart_and_its_ca_leaves_no_keys_behind() {
    let ca = TestCa::new();
    let ca_dir = ca.ca_cert().parent().expect("CA dir").to_path_buf();
    // The CA's own key never touches the disk; the server's key does, until the CA is dropped.
    assert!(!ca_dir.join("ca.key").exists());
    assert!(ca_dir.join("server.key").is_file());
    let mut server = RedisServer::start_tls(&ca);
    drop(ca);
    assert!(
        !ca_dir.exists(),
        "the CA's dir, private key included, is removed"
    );
    assert!(server.url().starts_with("rediss://127.0.0.1:"));
    let pong: String = query(&mut server.connection(), &["PING"]).expect("PING over TLS");
    assert_eq!(pong, "PONG");
    let plain = format!("redis://127.0.0.1:{}/", server.port());
    let answer = redis::Client::open(plain)
        .and_then(|c| c.get_connection_with_timeout(std::time::Duration::from_secs(2)))
        .and_then(|mut c| query::<String>(&mut c, &["PING"]));
    assert!(answer.is_err(), "plain TCP gets no answer: {answer:?}");
    // The certificate lives in the server's dir, so a restart serves TLS again.
    server.stop();
    server.restart();
    let pong: String = query(&mut server.connection(), &["PING"]).expect("PING after restart");
    assert_eq!(pong, "PONG");
}

#[test]
fn tls_postgres_accepts_only_tls_connections() {
    let ca = TestCa::new();
    let pg = Postgres::start_tls(&ca);
    let url = pg.create_database("tls_only");
    let root = pg.ca_cert().expect("TLS server").display().to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn =
            PgConnection::connect(&format!("{url}?sslmode=verify-full&sslrootcert={root}"))
                .await
                .expect("verify-full with the CA");
        let ssl: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(&mut conn)
                .await
                .expect("pg_stat_ssl");
        assert!(ssl, "the session is encrypted");
        let plain = PgConnection::connect(&format!("{url}?sslmode=disable")).await;
        let err = plain.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            err.contains("no encryption"),
            "plain TCP is rejected: {err}"
        );
    });
}
