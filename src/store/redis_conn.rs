//! Connecting to Redis: one server or every master of a cluster (from `CLUSTER SLOTS`), within
//! a timeout, with errors that name the server and never the password, and hints for TLS mistakes.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::{Client, Value};

use super::key_window::WINDOW_KEYS;
use super::redis::RedisStore;
use super::{StoreError, fault};

/// The node URLs of a cluster address: `redis+cluster://[user:pw@]h1:p1,h2:p2` or several
/// comma-separated `redis://` URLs. `None` for a single server.
pub fn cluster_urls(url: &str) -> Option<Vec<String>> {
    let cluster_scheme = ["redis+cluster://", "rediss+cluster://"]
        .iter()
        .find(|s| url.starts_with(**s));
    if let Some(scheme) = cluster_scheme {
        let plain = scheme.replace("+cluster", "");
        let rest = &url[scheme.len()..];
        let (auth, hosts) = match rest.rsplit_once('@') {
            Some((a, h)) => (format!("{a}@"), h),
            None => (String::new(), rest),
        };
        let (hosts, path) = hosts
            .split_once('/')
            .map_or((hosts, String::new()), |(h, p)| (h, format!("/{p}")));
        return Some(
            hosts
                .split(',')
                .filter(|h| !h.is_empty())
                .map(|h| format!("{plain}{auth}{h}{path}"))
                .collect(),
        );
    }
    url.contains(',')
        .then(|| url.split(',').map(|u| u.trim().to_string()).collect())
}

impl RedisStore {
    /// Connects within `timeout`; the error names the server, never the password. A cluster
    /// address connects to every master (from `CLUSTER SLOTS`).
    pub async fn connect(
        url: &str,
        prefix: &str,
        timeout: Duration,
    ) -> Result<RedisStore, StoreError> {
        let urls = cluster_urls(url);
        let seeds = urls.clone().unwrap_or_else(|| vec![url.to_string()]);
        // Every seed is an address someone typed: a malformed one is a usage error whether or
        // not it is reached.
        for s in &seeds {
            open(s)?;
        }
        let (seed, label, (client, first)) = first_answering(&seeds, timeout).await?;
        let Some(urls) = urls else {
            return Ok(RedisStore {
                client,
                nodes: vec![first],
                cluster: None,
                label,
                prefix: prefix.to_string(),
                window_keys: WINDOW_KEYS,
                deadline: timeout,
            });
        };
        let (nodes, cluster) = cluster_nodes(&seed, urls, &label, &first, timeout).await?;
        let label = format!(
            "redis cluster {} ({} masters)",
            super::url::redis_address(&seed),
            nodes.len()
        );
        Ok(RedisStore {
            client,
            nodes,
            cluster: Some(cluster),
            label,
            prefix: prefix.to_string(),
            window_keys: WINDOW_KEYS,
            deadline: timeout,
        })
    }
}

/// The first of `seeds` that answers (its URL, its label and the connection made), or why none
/// did: the first one down, or the time running out.
async fn first_answering(
    seeds: &[String],
    timeout: Duration,
) -> Result<(String, String, (Client, ConnectionManager)), StoreError> {
    // The first seed that answers: several are listed so that one down is not an outage.
    // All of them within one --connect-timeout, as one server would be.
    let deadline = tokio::time::Instant::now() + timeout;
    let mut down = None;
    for s in seeds {
        let label = format!("redis {}", super::url::redis_address(s));
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, connect_node(s, &label, timeout)).await {
            Ok(Ok(c)) => return Ok((s.clone(), label, c)),
            Ok(Err(e)) if e.is_outage() => {
                down.get_or_insert(e);
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                down.get_or_insert(StoreError::TimedOut {
                    store: label,
                    what: "connect".into(),
                    secs: timeout.as_secs_f32(),
                });
                break;
            }
        }
    }
    Err(down.unwrap_or_else(|| StoreError::Config {
        store: "redis".into(),
        what: "URL (--redis-url, REDIS_URL or [stores] redis_url)".into(),
        cause: "no address given".into(),
    }))
}

/// Every master of the cluster `seed` answered for (read from `CLUSTER SLOTS` on `first`), each
/// connected under `label`, and a cluster connection over the addresses given (`urls`).
async fn cluster_nodes(
    seed: &str,
    urls: Vec<String>,
    label: &str,
    first: &ConnectionManager,
    timeout: Duration,
) -> Result<(Vec<ConnectionManager>, ClusterConnection), StoreError> {
    let fail = |what: &str, e: redis::RedisError| {
        fault::classify(
            fault::redis_outage(&e),
            &format!("redis cluster {}", super::url::redis_address(seed)),
            what,
            fault::server_message(&fault::redis_cause(&e), seed),
        )
    };
    let mut conn = first.clone();
    let slots: Value = redis::cmd("CLUSTER")
        .arg("SLOTS")
        .query_async(&mut conn)
        .await
        .map_err(|e| fail("CLUSTER SLOTS", e))?;
    let mut nodes = Vec::new();
    for (host, port) in masters(&slots) {
        let node_url = with_host(seed, &host, port);
        nodes.push(connect_node(&node_url, label, timeout).await?.1);
    }
    let cluster = redis::cluster::ClusterClient::new(urls)
        .map_err(|e| fail("cluster client", e))?
        .get_async_connection()
        .await
        .map_err(|e| fail("cluster connect", e))?;
    Ok((nodes, cluster))
}

/// The client of `url`: `Client::open` only parses the address, so any error is a malformed
/// URL (a usage error, naming where the URL comes from, never its password).
fn open(url: &str) -> Result<Client, StoreError> {
    let what = "URL (--redis-url, REDIS_URL or [stores] redis_url)";
    if let Some(cause) = unread_parameter(url) {
        return Err(fault::config_error("redis", what, &cause, url));
    }
    Client::open(url).map_err(|e| {
        let cause = e.to_string();
        // The client says only "invalid": what is wrong, and where in the URL, said here.
        let cause = if cause.contains("Invalid database number") {
            database_cause(url)
        } else {
            cause
        };
        fault::config_error("redis", what, &cause, url)
    })
}

/// What is wrong with the database a Redis URL names (the client says only "invalid"): after
/// the host (`/DB`), or `?db=` on a Unix socket; not a number, or past 64 bits. Its value is
/// not quoted (the URL may hold a password).
fn database_cause(raw_url: &str) -> String {
    let parsed = url::Url::parse(raw_url).ok();
    let unix = parsed.as_ref().is_some_and(super::url::is_unix);
    let db = parsed.as_ref().and_then(|u| {
        if unix {
            u.query_pairs()
                .find(|(k, _)| k == "db")
                .map(|(_, v)| v.into_owned())
        } else {
            Some(u.path().trim_start_matches('/').to_string())
        }
    });
    let what = if db.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        "is too large"
    } else {
        "is not a number"
    };
    if unix {
        format!(
            "the database (?db=) {what}: expected redis+unix:///PATH[?db=DB], DB a number such as 0"
        )
    } else {
        format!(
            "the database after the host (/DB) {what}: expected \
             redis://[USER:PASSWORD@]HOST[:PORT][/DB], DB a number such as 0"
        )
    }
}

/// Why a parameter of a Redis `url` would not be read, if one would not: the client reads
/// `protocol` (and, on a Unix socket, `db`, `user` and `pass`); any other — `?password=`,
/// `?username=` — would be dropped without a word and the connection made as the default
/// user. Values are never quoted: one may be a password.
fn unread_parameter(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let unix = super::url::is_unix(&parsed);
    let reads: &[&str] = if unix {
        &["protocol", "db", "user", "pass"]
    } else {
        &["protocol"]
    };
    let key = parsed
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .find(|k| !reads.contains(&k.as_str()))?;
    let instead = if reads.len() == 1
        && matches!(
            key.as_str(),
            "user" | "username" | "pass" | "password" | "db"
        ) {
        " (a user and password go before the host, redis://USER:PASSWORD@HOST, and the database after it, /DB)"
    } else {
        ""
    };
    Some(fault::unread_parameter(&key, instead, reads))
}

/// Connects one node within `timeout`.
async fn connect_node(
    url: &str,
    label: &str,
    timeout: Duration,
) -> Result<(Client, ConnectionManager), StoreError> {
    let fail = |what: &str, e: redis::RedisError| {
        let cause = fault::server_message(&fault::redis_cause(&e), url);
        fault::classify(fault::redis_outage(&e), label, what, tls_hint(url, &cause))
    };
    let client = open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(1);
    // A plain server reads a TLS handshake as the start of a command and waits for the rest:
    // with rediss://, no answer is most often that.
    let what = if url.starts_with("rediss") {
        "connect over TLS (a server that speaks plain Redis never answers the handshake: \
         then use redis://)"
    } else {
        "connect"
    };
    let conn = tokio::time::timeout(timeout, client.get_connection_manager_with_config(config))
        .await
        .map_err(|_| StoreError::TimedOut {
            store: label.to_string(),
            what: what.into(),
            secs: timeout.as_secs_f32(),
        })?
        .map_err(|e| fail("connect", e))?;
    Ok((client, conn))
}

/// `cause` with a hint when it looks like a TLS mismatch: a plain connection the server dropped
/// (a TLS-only port answers plain bytes by closing), or a certificate the client does not trust.
fn tls_hint(url: &str, cause: &str) -> String {
    let tls = url.starts_with("rediss");
    let lower = cause.to_ascii_lowercase();
    let dropped = [
        "reset by peer",
        "broken pipe",
        "connection closed",
        "unexpected end",
    ]
    .iter()
    .any(|s| lower.contains(s));
    if !tls && dropped {
        format!("{cause} (if the server only speaks TLS, use rediss://)")
    } else if tls && lower.contains("certificate") {
        format!(
            "{cause} (the server's CA must be in the system store, or in SSL_CERT_FILE / SSL_CERT_DIR)"
        )
    } else {
        cause.to_string()
    }
}

/// The distinct primaries of a `CLUSTER SLOTS` answer: `[[start, end, [host, port, …], …], …]`.
fn masters(slots: &Value) -> Vec<(String, u16)> {
    let mut out: Vec<(String, u16)> = Vec::new();
    let Value::Array(ranges) = slots else {
        return out;
    };
    for range in ranges {
        let Value::Array(parts) = range else { continue };
        let Some(Value::Array(primary)) = parts.get(2) else {
            continue;
        };
        let host = match primary.first() {
            Some(Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
            Some(Value::SimpleString(s)) => s.clone(),
            _ => continue,
        };
        let Some(Value::Int(port)) = primary.get(1) else {
            continue;
        };
        let node = (host, u16::try_from(*port).unwrap_or(0));
        if !out.contains(&node) {
            out.push(node);
        }
    }
    out
}

/// `url` pointed at another host and port (credentials, scheme and db kept).
fn with_host(url: &str, host: &str, port: u16) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_host(Some(host));
            let _ = u.set_port(Some(port));
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database that is not a number is named as the part of the URL that is wrong, in the
    /// reader's words rather than the client's.
    #[test]
    fn a_database_that_is_not_a_number_is_named() {
        let said = |url: &str| open(url).map(|_| ()).expect_err(url).to_string();
        let head = "redis: URL (--redis-url, REDIS_URL or [stores] redis_url): ";
        for url in ["redis://h:1/abc", "redis://h:1/1x"] {
            assert_eq!(
                said(url),
                format!(
                    "{head}the database after the host (/DB) is not a number: expected \
                     redis://[USER:PASSWORD@]HOST[:PORT][/DB], DB a number such as 0"
                ),
                "{url}"
            );
        }
        assert!(
            said("redis://h:1/99999999999999999999").starts_with(&format!(
                "{head}the database after the host (/DB) is too large"
            )),
            "{}",
            said("redis://h:1/99999999999999999999")
        );
        assert_eq!(
            said("redis+unix:///tmp/r.sock?db=x"),
            format!(
                "{head}the database (?db=) is not a number: expected \
                 redis+unix:///PATH[?db=DB], DB a number such as 0"
            )
        );
    }

    /// A parameter the client would drop — credentials in the query string above all, which
    /// would connect as the default user — is refused, named, its value never quoted.
    #[test]
    fn a_parameter_the_client_does_not_read_is_named() {
        let said = unread_parameter("redis://127.0.0.1:6379?username=ro&password=Secr3t")
            .expect("refused");
        assert!(
            said.starts_with("parameter username is not one ctxlens reads (a user and password go before the host")
                && !said.contains("Secr3t"),
            "{said}"
        );
        let said = unread_parameter("redis://h/0?protocol=resp3&foo=bar").expect("refused");
        assert_eq!(
            said,
            "parameter foo is not one ctxlens reads; it reads protocol"
        );
        assert_eq!(unread_parameter("redis://h:1/2?protocol=resp3"), None);
        assert_eq!(
            unread_parameter("redis+unix:///tmp/r.sock?db=1&pass=p"),
            None
        );
        assert_eq!(unread_parameter("valkey+unix:///tmp/v.sock?db=1"), None);
        assert_eq!(unread_parameter("unix:///tmp/r.sock?db=1&user=u"), None);
        // A password not encoded makes a parameter of its end: its name is not shown.
        let said = unread_parameter("redis+unix:///s?pass=ab&c!d").expect("refused");
        assert!(!said.contains("c!d"), "{said}");
        let said = unread_parameter("redis://h:1/?=x").expect("refused");
        assert!(
            said.starts_with("parameter (an empty name) is not"),
            "{said}"
        );
        assert_eq!(unread_parameter("redis://h:1"), None);
    }

    #[test]
    fn cluster_addresses() {
        assert_eq!(cluster_urls("redis://127.0.0.1:6379/"), None);
        assert_eq!(
            cluster_urls("redis+cluster://u:pw@10.0.0.1:7000,10.0.0.2:7001/0").expect("cluster"),
            [
                "redis://u:pw@10.0.0.1:7000/0",
                "redis://u:pw@10.0.0.2:7001/0"
            ]
        );
        assert_eq!(
            cluster_urls("rediss://a:1, rediss://b:2").expect("list"),
            ["rediss://a:1", "rediss://b:2"]
        );
        assert_eq!(
            with_host("redis://u:pw@seed:7000/0", "10.0.0.9", 7005),
            "redis://u:pw@10.0.0.9:7005/0"
        );
    }

    #[test]
    fn tls_mistakes_get_a_hint() {
        let reset = "Connection reset by peer (os error 104)";
        assert!(tls_hint("redis://h:1", reset).ends_with("use rediss://)"));
        assert_eq!(tls_hint("rediss://h:1", reset), reset);
        let untrusted = "invalid peer certificate: UnknownIssuer";
        assert!(tls_hint("rediss://h:1", untrusted).contains("SSL_CERT_FILE"));
        assert_eq!(tls_hint("redis://h:1", "timed out"), "timed out");
    }
}
