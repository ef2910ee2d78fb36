//! The live stores over TLS: `rediss://`, `rediss+cluster://` and Postgres `sslmode`, against
//! TLS-only servers the harness starts with a throwaway CA.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

use common::servers::{Postgres, RedisServer, TestCa};
use common::{NOW, ctxlens_with, same_replays};

/// `rediss://` and `sslmode` (both stores over TLS, with a private CA): the demo seeded and read
/// back through TLS-only servers replays exactly as the embedded demo does.
#[test]
fn tls_stores_seed_and_replay_like_the_embedded_demo() {
    let ca = TestCa::new();
    let redis = RedisServer::start_tls(&ca);
    let pg = Postgres::start_tls(&ca);
    let db = pg.create_database("tls");
    let root = pg.ca_cert().expect("TLS server").display().to_string();
    let verify_full = format!("{db}?sslmode=verify-full&sslrootcert={root}");
    assert!(redis.url().starts_with("rediss://127.0.0.1:"));
    // Redis trusts the system's roots or, as here, SSL_CERT_FILE; Postgres takes sslrootcert.
    let env = [
        ("REDIS_URL", redis.url()),
        ("DATABASE_URL", verify_full),
        ("SSL_CERT_FILE", ca.ca_cert().display().to_string()),
    ];
    let m = ctxlens_with(&["migrate"], &env);
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    let s = ctxlens_with(&["seed"], &env);
    assert_eq!(s.code, 0, "seed: {}", s.stderr);
    assert!(
        s.stdout.contains(": 71 users, 66 knowledge rows"),
        "{}",
        s.stdout
    );
    let users = ctxlens_with(&["users", "--json"], &env);
    let v: serde_json::Value =
        serde_json::from_str(&users.stdout).unwrap_or_else(|_| panic!("{}", users.stderr));
    assert_eq!(v["users"].as_array().map_or(0, Vec::len), 71);
    same_replays(
        &["u001", "u005", "u066", "u067"],
        &env,
        &[],
        "over TLS vs embedded",
    );
    // `require` encrypts without checking the certificate (as libpq does without a root cert).
    let require = [
        ("REDIS_URL", redis.url()),
        ("DATABASE_URL", format!("{db}?sslmode=require")),
        ("SSL_CERT_FILE", ca.ca_cert().display().to_string()),
    ];
    let live = ctxlens_with(&["replay", "u005", "--json", "--now", NOW], &require);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert!(live.stdout == ctxlens_with(&["replay", "u005", "--json"], &[]).stdout);
    // The server saw TLS sessions only: plain TCP is rejected by its pg_hba.conf.
    let plain = ctxlens_with(
        &["users", "--connect-timeout", "2"],
        &[("DATABASE_URL", format!("{db}?sslmode=disable"))],
    );
    assert_eq!(plain.code, 1, "{}", plain.stdout);
    assert!(plain.stderr.contains("no encryption"), "{}", plain.stderr);
}

/// A TLS Redis reached without TLS, or with a certificate the client does not trust (or a plain
/// one reached over TLS), fails with exit 1, naming the store and its address, never the password.
#[test]
fn tls_redis_failures_name_the_store_and_never_the_password() {
    let ca = TestCa::new();
    let stranger = TestCa::new();
    let redis = RedisServer::start_tls(&ca);
    let port = redis.port();
    // Plain TCP to the TLS port: the server closes the connection on the first bytes.
    redis_fails(
        port,
        format!("redis://admin:hunter2@127.0.0.1:{port}/"),
        &ca,
        "(if the server only speaks TLS, use rediss://)",
    );
    // TLS to a plain server: it never answers the handshake, which the timeout says.
    let plain = RedisServer::start();
    let out = ctxlens_with(
        &["users", "--connect-timeout", "1"],
        &[(
            "REDIS_URL",
            plain.url().replacen("redis://", "rediss://", 1),
        )],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "connect over TLS (a server that speaks plain Redis never answers the handshake: then use redis://): no answer within 1 s"
        ),
        "{}",
        out.stderr
    );
    // TLS, but the server's certificate comes from a CA this client does not trust.
    redis_fails(
        port,
        format!("rediss://admin:hunter2@127.0.0.1:{port}/"),
        &stranger,
        "invalid peer certificate: UnknownIssuer (the server's CA must be in",
    );
}

/// `users` against the TLS Redis on `port` at `url`, trusting `trust`'s CA: exit 1 within the
/// connect timeout, naming the store and its address and saying `expect`, never the password.
fn redis_fails(port: u16, url: String, trust: &TestCa, expect: &str) {
    let start = std::time::Instant::now();
    let out = ctxlens_with(
        &["users", "--connect-timeout", "2"],
        &[
            ("REDIS_URL", url.clone()),
            ("SSL_CERT_FILE", trust.ca_cert().display().to_string()),
        ],
    );
    assert_eq!(out.code, 1, "{url}: {}", out.stdout);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(6),
        "{url}: fails within the connect timeout"
    );
    assert!(
        out.stderr
            .starts_with(&format!("ctxlens: redis 127.0.0.1:{port}: connect: ")),
        "{url}: {}",
        out.stderr
    );
    assert!(out.stderr.contains(expect), "{url}: {}", out.stderr);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
}

/// A TLS-only Postgres reached without TLS, or with a certificate the client does not trust,
/// fails with exit 1, naming the store, its address and database, never the password.
#[test]
fn tls_postgres_failures_name_the_store_and_never_the_password() {
    let ca = TestCa::new();
    let stranger = TestCa::new();
    let pg = Postgres::start_tls(&ca);
    let db = pg.create_database("tls_fail");
    let db = db.replace("postgres@", "postgres:hunter2@");
    let pg_port = pg.port();
    let stranger_root = stranger.ca_cert().display().to_string();
    for (url, expect) in [
        (format!("{db}?sslmode=disable"), "no encryption"),
        (
            format!("{db}?sslmode=verify-full&sslrootcert={stranger_root}"),
            "UnknownIssuer (verify-ca and verify-full trust",
        ),
    ] {
        let out = ctxlens_with(
            &["users", "--connect-timeout", "2"],
            &[("DATABASE_URL", url.clone())],
        );
        assert_eq!(out.code, 1, "{url}: {}", out.stdout);
        assert!(
            out.stderr.starts_with(&format!(
                "ctxlens: postgres 127.0.0.1:{pg_port}/tls_fail: connect: "
            )),
            "{url}: {}",
            out.stderr
        );
        assert!(out.stderr.contains(expect), "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    }
}

/// A verifying URL whose `sslrootcert=` file is missing (or a folder), or a client certificate
/// or key that is missing or given alone, is a usage error naming the option and the path,
/// before any connection; the password is never shown.
#[test]
fn a_missing_sslrootcert_file_is_named_as_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-ca.pem").display().to_string();
    let folder = dir.path().display().to_string();
    // Whatever the mode: one that does not verify would leave the typo unseen.
    for (mode, path, why) in [
        ("sslmode=verify-ca&", &missing, "No such file or directory"),
        ("sslmode=verify-full&", &folder, "is not a file"),
        ("sslmode=require&", &missing, "No such file or directory"),
        ("", &missing, "No such file or directory"),
    ] {
        let url = format!("postgres://postgres:hunter2@127.0.0.1:9/db?{mode}sslrootcert={path}");
        let out = ctxlens_with(&["users"], &[("DATABASE_URL", url)]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .starts_with(&format!("ctxlens: postgres: sslrootcert: {path}"))
                && out.stderr.contains(why),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    }
    // A client certificate or key is named alike, whatever the mode; and one without the other.
    let cert = dir.path().join("client.pem");
    std::fs::write(&cert, "not read").expect("writes");
    let cert = cert.display().to_string();
    for (params, said) in [
        (
            // A key's parameter is taken for a secret's: its value is not shown.
            format!("sslcert={cert}&sslkey={missing}"),
            "ctxlens: postgres: sslkey: ***: No such file".to_string(),
        ),
        (
            format!("sslcert={cert}"),
            "ctxlens: postgres: sslcert: a client certificate (sslcert) and its key (sslkey) are \
             given together"
                .to_string(),
        ),
    ] {
        let url = format!("postgres://postgres:hunter2@127.0.0.1:9/db?sslmode=require&{params}");
        let out = ctxlens_with(&["users"], &[("DATABASE_URL", url)]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.starts_with(&said), "{said}\n{}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    }
    // The key may come from PGSSLKEY, as the driver reads it: then the pair is whole, and the
    // command goes on to connect (here to a closed port: exit 1).
    let url = format!("postgres://postgres:hunter2@127.0.0.1:9/db?sslmode=require&sslcert={cert}");
    let out = ctxlens_with(
        &["users"],
        &[("DATABASE_URL", url), ("PGSSLKEY", cert.clone())],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stderr.contains("given together"), "{}", out.stderr);
}

/// A Redis Cluster whose nodes speak only TLS, addressed as `rediss+cluster://`: every master
/// is found and scanned over TLS, and reads match a plain single server's.
#[test]
fn tls_cluster_reads_like_a_single_server() {
    let ca = TestCa::new();
    let cluster = common::servers::RedisCluster::start_tls(&ca);
    let hosts: Vec<String> = cluster
        .urls()
        .iter()
        .map(|u| {
            u.trim_start_matches("rediss://")
                .trim_end_matches('/')
                .to_string()
        })
        .collect();
    let cluster_env = [
        ("REDIS_URL", format!("rediss+cluster://{}", hosts.join(","))),
        ("SSL_CERT_FILE", ca.ca_cert().display().to_string()),
    ];
    let single = RedisServer::start();
    let single_env = [("REDIS_URL", single.url())];
    for env in [&cluster_env[..], &single_env[..]] {
        let out = ctxlens_with(&["seed"], env);
        assert_eq!(out.code, 0, "seed {env:?}: {}", out.stderr);
    }
    let spread = cluster.nodes().iter().filter(|n| {
        let mut c = n.connection();
        redis::cmd("DBSIZE").query::<u64>(&mut c).expect("dbsize") > 0
    });
    assert!(spread.count() >= 2, "keys on at least two masters");
    let users = ctxlens_with(&["users", "--json"], &cluster_env);
    let v: serde_json::Value =
        serde_json::from_str(&users.stdout).unwrap_or_else(|_| panic!("{}", users.stderr));
    assert_eq!(v["users"].as_array().map_or(0, Vec::len), 71);
    same_replays(
        &["u005", "u066"],
        &cluster_env,
        &single_env,
        "TLS cluster vs single",
    );
}
