//! A private redis-server, and a three-node Redis Cluster made of them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::supervisor::{Supervised, hand_over};
use super::tls::TestCa;
use super::{free_port, poll_until, require_command, start_on_free_port, temp_dir, url_safe};

/// A private redis-server: no persistence, its own temp dir, stopped on drop.
pub struct RedisServer {
    port: u16,
    args: Vec<String>,
    dir: PathBuf,
    /// The CA certificate (PEM) of a TLS-only server; `None` for plain TCP.
    tls_ca: Option<Vec<u8>>,
    process: Option<Supervised>,
}

impl RedisServer {
    /// Starts a standalone server and waits until it answers PING.
    pub fn start() -> RedisServer {
        Self::start_with(None, Vec::new)
    }

    /// Starts a standalone server that speaks only TLS, with a certificate for 127.0.0.1 signed
    /// by `ca`, and no client certificates required. Its URL is `rediss://`.
    pub fn start_tls(ca: &TestCa) -> RedisServer {
        Self::start_with(Some(ca), Vec::new)
    }

    /// Starts a server with extra arguments, made anew for each attempt (a cluster node takes a
    /// fresh bus port each time); with `tls`, the port is a TLS port and plain TCP is off.
    fn start_with(tls: Option<&TestCa>, extra: impl Fn() -> Vec<String>) -> RedisServer {
        require_command("redis-server");
        start_on_free_port("redis-server", |port| {
            let dir = temp_dir("ctxlens-redis-");
            let dir_arg = dir.to_str().expect("UTF-8 temp dir").to_string();
            let mut args: Vec<String> = match tls {
                None => vec!["--port".into(), port.to_string()],
                Some(ca) => {
                    let files = ca.install(&dir, None);
                    let path = |p: &Path| p.to_str().expect("UTF-8 temp dir").to_string();
                    vec![
                        "--port".into(),
                        "0".into(),
                        "--tls-port".into(),
                        port.to_string(),
                        "--tls-cert-file".into(),
                        path(&files.cert),
                        "--tls-key-file".into(),
                        path(&files.key),
                        "--tls-ca-cert-file".into(),
                        path(&files.ca),
                        "--tls-auth-clients".into(),
                        "no".into(),
                    ]
                }
            };
            args.extend(
                ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"].map(String::from),
            );
            args.extend(["--dir".into(), dir_arg]);
            args.extend(extra());
            let mut server = RedisServer {
                port,
                args,
                dir,
                tls_ca: tls.map(TestCa::ca_pem),
                process: None,
            };
            match server.spawn() {
                Ok(()) => Ok(server),
                Err(log) => {
                    drop(server.process.take());
                    let _ = std::fs::remove_dir_all(&server.dir);
                    Err(log)
                }
            }
        })
    }

    fn spawn(&mut self) -> Result<(), String> {
        let mut process = Supervised::spawn(&self.dir, "TERM", None, "redis-server", &self.args);
        let result = process.await_ready("redis-server", Duration::from_secs(10), || {
            ping(&self.client())
        });
        self.process = Some(process);
        result
    }

    /// `redis://127.0.0.1:PORT/`, or `rediss://…` for a TLS server.
    pub fn url(&self) -> String {
        format!("{}://127.0.0.1:{}/", self.scheme(), self.port)
    }

    fn scheme(&self) -> &'static str {
        if self.tls_ca.is_some() {
            "rediss"
        } else {
            "redis"
        }
    }

    /// A client as the default user; a TLS server's client trusts the server's CA (only).
    fn client(&self) -> redis::Client {
        let client = match &self.tls_ca {
            None => redis::Client::open(self.url()),
            Some(pem) => redis::Client::build_with_tls(
                self.url(),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.clone()),
                },
            ),
        };
        client.unwrap_or_else(|e| panic!("client for {}: {e}", self.url()))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's data directory (removed when the server is dropped).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops the server (an outage); `restart` brings it back on the same port. Data is lost:
    /// the server has no persistence.
    pub fn stop(&mut self) {
        if let Some(p) = self.process.as_mut() {
            p.stop(true);
        }
    }

    /// Starts the server again on the same port and waits until it answers.
    pub fn restart(&mut self) {
        hand_over(&mut self.process);
        if let Err(log) = self.spawn() {
            panic!("redis-server did not restart on port {}: {log}", self.port);
        }
    }

    /// A new sync connection as the default user.
    pub fn connection(&self) -> redis::Connection {
        self.client()
            .get_connection()
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.url()))
    }

    /// Creates an ACL user that can read, scan, subscribe and ask INFO, but not write; returns
    /// its URL `redis://name:password@127.0.0.1:PORT/`. Name and password are URL-safe words.
    pub fn add_readonly_user(&self, name: &str, password: &str) -> String {
        assert!(
            url_safe(name) && url_safe(password),
            "use [A-Za-z0-9_-] in test user names and passwords"
        );
        // The inspector's rights (FIELD-NOTES): read, scan, subscribe, INFO; no writes.
        let rules = [
            "on",
            "~*",
            "&*",
            "+@read",
            "+@connection",
            "+subscribe",
            "+psubscribe",
            "+ping",
            "+info",
            "+scan",
        ];
        redis::cmd("ACL")
            .arg("SETUSER")
            .arg(name)
            .arg(&rules[..])
            .arg(format!(">{password}"))
            .query::<()>(&mut self.connection())
            .expect("ACL SETUSER");
        format!(
            "{}://{name}:{password}@127.0.0.1:{}/",
            self.scheme(),
            self.port
        )
    }

    /// Calls per command since start or the last `reset_stats`, from `INFO commandstats`, sorted
    /// by name. Subcommands appear as `config|resetstat`. The INFO call itself is counted.
    pub fn command_stats(&self) -> Vec<(String, u64)> {
        let info: String = redis::cmd("INFO")
            .arg("commandstats")
            .query(&mut self.connection())
            .expect("INFO commandstats");
        let mut stats: Vec<(String, u64)> = info
            .lines()
            .filter_map(|line| {
                let (name, fields) = line.strip_prefix("cmdstat_")?.split_once(':')?;
                let calls = fields.split(',').find_map(|f| f.strip_prefix("calls="))?;
                Some((name.to_string(), calls.trim().parse().ok()?))
            })
            .collect();
        stats.sort();
        stats
    }

    /// `CONFIG RESETSTAT`: zeroes the command statistics.
    pub fn reset_stats(&self) {
        redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query::<()>(&mut self.connection())
            .expect("CONFIG RESETSTAT");
    }
}

fn ping(client: &redis::Client) -> bool {
    let Ok(mut con) = client.get_connection_with_timeout(Duration::from_millis(500)) else {
        return false;
    };
    redis::cmd("PING")
        .query::<String>(&mut con)
        .is_ok_and(|r| r == "PONG")
}

/// Three redis masters in cluster mode with all 16384 slots assigned, `cluster_state:ok` on each.
///
/// The redis crate has no single-URL scheme for a cluster: give [`RedisCluster::urls`] (or just
/// [`RedisCluster::url`], one node, from which a cluster client discovers the rest) to
/// `redis::cluster::ClusterClient::new`.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    pub fn start() -> RedisCluster {
        Self::start_with(None)
    }

    /// A cluster whose nodes speak only TLS, to clients and to each other (`--tls-cluster`), with
    /// certificates signed by `ca`; `CLUSTER SLOTS` names the TLS ports.
    pub fn start_tls(ca: &TestCa) -> RedisCluster {
        Self::start_with(Some(ca))
    }

    fn start_with(tls: Option<&TestCa>) -> RedisCluster {
        require_command("redis-cli");
        let tls_cluster: &[&str] = if tls.is_some() {
            &["--tls-cluster", "yes"]
        } else {
            &[]
        };
        let nodes: Vec<RedisServer> = (0..3)
            .map(|_| {
                RedisServer::start_with(tls, || {
                    // The cluster bus defaults to port + 10000, which overflows for high ephemeral
                    // ports; give it a free port of its own.
                    [
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                    ]
                    .into_iter()
                    .map(String::from)
                    .chain(["--cluster-node-timeout".into(), "2000".into()])
                    .chain(["--cluster-port".into(), free_port().to_string()])
                    .chain(tls_cluster.iter().map(|a| a.to_string()))
                    .collect()
                })
            })
            .collect();
        let mut cli = Command::new("redis-cli");
        if let Some(ca) = tls {
            cli.arg("--tls").arg("--cacert").arg(ca.ca_cert());
        }
        let out = cli
            .args(["--cluster", "create"])
            .args(nodes.iter().map(|n| format!("127.0.0.1:{}", n.port())))
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .expect("run redis-cli --cluster create");
        assert!(
            out.status.success(),
            "redis-cli --cluster create failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = RedisCluster { nodes };
        let ok = poll_until(Duration::from_secs(20), || {
            (0..cluster.nodes.len()).all(|i| cluster.cluster_info(i).contains("cluster_state:ok"))
        });
        assert!(ok, "cluster not ok after 20 s: {}", cluster.cluster_info(0));
        cluster
    }

    /// Every node's URL, `redis://127.0.0.1:PORT/` (`rediss://` for TLS).
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// The first node's URL; a cluster client seeded with it discovers the other nodes.
    pub fn url(&self) -> String {
        self.nodes[0].url()
    }

    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }

    /// `CLUSTER INFO` as node `i` sees it.
    pub fn cluster_info(&self, i: usize) -> String {
        redis::cmd("CLUSTER")
            .arg("INFO")
            .query(&mut self.nodes[i].connection())
            .expect("CLUSTER INFO")
    }
}
