//! Store addresses that cannot be used: a refused connection, a malformed URL or one with a
//! parameter no driver reads, a server that is not Redis — named, never with the password.

use super::common::{self, write_temp};

#[test]
fn a_refused_postgres_says_so_naming_host_and_port() {
    let port = common::servers::free_port();
    let url = format!("postgres://admin:hunter2@127.0.0.1:{port}/db");
    let out = common::ctxlens_with(&["users"], &[("DATABASE_URL", url)]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(&format!(
            "ctxlens: postgres 127.0.0.1:{port}/db: connect: connection refused"
        )),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    // A database, a host or a user named like the password (`app:app@…/app`, common in
    // development) is masked in the address too, not shown beside a withheld message.
    for url in [
        format!("postgres://admin:hunter2@127.0.0.1:{port}/hunter2"),
        format!("postgres://hunter2:hunter2@127.0.0.1:{port}"),
        format!("redis://:hunter2@127.0.0.1:{port}/0"),
    ] {
        let var = if url.starts_with("redis") {
            "REDIS_URL"
        } else {
            "DATABASE_URL"
        };
        let out = common::ctxlens_with(&["users"], &[(var, url.clone())]);
        assert_eq!(out.code, 1, "{url}: {}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{url}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("127.0.0.1:{port}")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn malformed_store_addresses_are_usage_errors_without_the_password() {
    let cases = [
        (
            "DATABASE_URL",
            "postgres://x:hunter2@127.0.0.1:1/db?sslmode=bogus",
            "ctxlens: postgres: URL (DATABASE_URL): ",
            "bogus",
        ),
        (
            "DATABASE_URL",
            "postgres://x:hunter2@[bad/db",
            "ctxlens: postgres: URL (DATABASE_URL): ",
            "",
        ),
        (
            // A libpq parameter the driver would ignore without a word.
            "DATABASE_URL",
            "postgres://x:hunter2@127.0.0.1:1/db?connect_timeout=abc",
            "ctxlens: postgres: URL (DATABASE_URL): ",
            "parameter connect_timeout is not one ctxlens reads (the connect timeout is --connect-timeout)",
        ),
        (
            "DATABASE_URL",
            "mysql://x:hunter2@127.0.0.1:1/db",
            "ctxlens: postgres: URL (DATABASE_URL): ",
            "postgres://",
        ),
        (
            "REDIS_URL",
            "redis://:hunter2@[bad",
            "ctxlens: redis: URL (REDIS_URL): ",
            "",
        ),
        (
            "REDIS_URL",
            "http://:hunter2@127.0.0.1:1/",
            "ctxlens: redis: URL (REDIS_URL): ",
            "",
        ),
        (
            // Credentials the client would drop, connecting as the default user.
            "REDIS_URL",
            "redis://127.0.0.1:1?username=ro&password=hunter2",
            "ctxlens: redis: URL (REDIS_URL): ",
            "parameter username is not one ctxlens reads",
        ),
    ];
    for (var, url, prefix, names) in cases {
        for args in [
            &["users"][..],
            &["seed"],
            &["migrate"],
            &["watch"],
            &["tui"],
            &[],
        ] {
            if var == "REDIS_URL" && args == ["migrate"] {
                continue; // migrate reads only DATABASE_URL
            }
            let out = common::ctxlens_with(args, &[(var, url.to_string())]);
            assert_eq!(out.code, 2, "{args:?} {url}: {}", out.stderr);
            assert!(
                out.stderr.starts_with(prefix) && out.stderr.contains(names),
                "{args:?} {url}: {}",
                out.stderr
            );
            assert!(!out.stderr.contains("hunter2"), "{url}: {}", out.stderr);
        }
    }
}

/// A bogus `PGSSLMODE` is a usage error as the URL's `sslmode=` is, without the password.
#[test]
fn a_bogus_pgsslmode_is_refused_as_the_urls_sslmode_is() {
    // PGSSLMODE, which the driver reads too, is refused as the URL's sslmode= is, not dropped
    // for the default without a word.
    let out = common::ctxlens_with(
        &["users"],
        &[
            ("DATABASE_URL", "postgres://x:hunter2@127.0.0.1:1/db".into()),
            ("PGSSLMODE", "bogus".into()),
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("ctxlens: postgres: PGSSLMODE: unknown value \"bogus\"")
            && out.stderr.contains("verify-full"),
        "{}",
        out.stderr
    );
}

/// A malformed store URL names where it came from (the flag, an empty variable, the config
/// file's place), without the password.
#[test]
fn a_malformed_store_url_names_where_it_came_from() {
    // Where the URL came from is named: the flag, an empty variable, the config file's place.
    let config = write_temp(
        "stores.toml",
        "# where the data is\n[stores]\nredis_url = \"redis://u:hunter2@127.0.0.1:1:9\"\n",
    );
    let config = config.to_str().expect("utf-8 path");
    for (args, env, says) in [
        (
            vec!["--redis-url", "redis://:hunter2@[bad", "users"],
            vec![],
            "ctxlens: redis: URL (--redis-url): ".to_string(),
        ),
        (
            vec!["users"],
            vec![("REDIS_URL", String::new())],
            "ctxlens: redis: URL (REDIS_URL, empty): ".to_string(),
        ),
        (
            vec!["--config", config, "users"],
            vec![],
            format!("ctxlens: redis: URL ([stores] redis_url at {config}:3:13): "),
        ),
        (
            vec!["--config", config, "seed"],
            vec![],
            format!("ctxlens: redis: URL ([stores] redis_url at {config}:3:13): "),
        ),
    ] {
        let out = common::ctxlens_with(&args, &env);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with(&says), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    }
}

/// A server that is not Redis (here one that answers as HTTP does) is a runtime failure of one
/// line that says so.
#[test]
fn a_server_that_is_not_redis_is_said_to_be_so_on_one_line() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut buf = [0u8; 512];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(b"HTTP/1.0 400 Bad Request\r\n\r\n<html>no</html>\n");
        }
    });
    let out = common::ctxlens_with(
        &["users"],
        &[("REDIS_URL", format!("redis://127.0.0.1:{port}"))],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("is not the Redis protocol"),
        "{}",
        out.stderr
    );
}
