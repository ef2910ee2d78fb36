//! A PostgreSQL 15 server with pgvector, run as the `postgres` OS user when the tests run as root.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use super::supervisor::{Supervised, hand_over};
use super::tls::{TestCa, TlsFiles};
use super::{INSTALL_HINT, require_file, start_on_free_port, temp_dir, url_safe};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
const PG_VECTOR_FILES: [&str; 2] = [
    "/usr/share/postgresql/15/extension/vector.control",
    "/usr/lib/postgresql/15/lib/vector.so",
];

/// A PostgreSQL 15 server with pgvector, trust authentication on 127.0.0.1 (passwords in URLs
/// are accepted but not checked), durability off for speed.
pub struct Postgres {
    port: u16,
    dir: PathBuf,
    /// The OS user the server runs as (`postgres` when the tests run as root).
    user: Option<String>,
    /// A TLS server's certificate, key and CA: TCP connections without TLS are rejected.
    tls: Option<TlsFiles>,
    process: Option<Supervised>,
}

impl Postgres {
    /// The one server of this test binary, started on first use (initdb + start takes 2–3 s).
    /// Give each test its own database. It is stopped and its dir removed when the process exits
    /// (see the module docs). It cannot be stopped: outage tests use [`Postgres::start`].
    pub fn shared() -> &'static Postgres {
        static SHARED: OnceLock<Postgres> = OnceLock::new();
        SHARED.get_or_init(Postgres::start)
    }

    /// A private server: runs initdb in a fresh temp dir and starts postgres on a free port.
    pub fn start() -> Postgres {
        Self::start_with(None)
    }

    /// A private server with `ssl = on` and a certificate for 127.0.0.1 signed by `ca`, whose
    /// `pg_hba.conf` accepts TCP connections only over TLS (`hostssl`; `hostnossl` is rejected).
    /// [`Postgres::ca_cert`] is the CA's certificate, for `sslrootcert=`.
    pub fn start_tls(ca: &TestCa) -> Postgres {
        Self::start_with(Some(ca))
    }

    fn start_with(ca: Option<&TestCa>) -> Postgres {
        for program in ["initdb", "postgres", "pg_isready", "psql"] {
            require_file(
                &format!("{PG_BIN}/{program}"),
                &format!("PostgreSQL 15 `{program}`"),
            );
        }
        for file in PG_VECTOR_FILES {
            require_file(file, "pgvector for PostgreSQL 15");
        }
        let dir = temp_dir("ctxlens-pg-");
        let user = postgres_os_user();
        if let Some((_, uid, gid)) = &user {
            std::os::unix::fs::chown(&dir, Some(*uid), Some(*gid))
                .expect("chown temp dir to postgres");
        }
        let owner = user.as_ref().map(|(_, uid, gid)| (*uid, *gid));
        let user = user.map(|(name, _, _)| name);
        initdb(&dir, user.as_deref());
        let tls = ca.map(|ca| {
            // Only TLS over TCP; the harness's psql (sslmode `prefer`) negotiates it.
            std::fs::write(
                dir.join("data/pg_hba.conf"),
                "local all all trust\n\
                 hostssl all all 127.0.0.1/32 trust\n\
                 hostnossl all all 127.0.0.1/32 reject\n",
            )
            .expect("write pg_hba.conf");
            ca.install(&dir, owner)
        });
        start_on_free_port("postgres", |port| {
            let mut pg = Postgres {
                port,
                dir: dir.clone(),
                user: user.clone(),
                tls: tls.clone(),
                process: None,
            };
            pg.spawn()?;
            Ok(pg)
        })
    }

    fn spawn(&mut self) -> Result<(), String> {
        let dir = self.dir.to_str().expect("UTF-8 temp dir").to_string();
        let mut args = vec![
            "-D".into(),
            format!("{dir}/data"),
            "-p".into(),
            self.port.to_string(),
        ];
        args.extend(["-k".into(), dir]);
        let settings = [
            "listen_addresses=127.0.0.1",
            "max_connections=200",
            // Durability is not what these servers are for.
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            // Each line names its database, so a test can read what happened in its own.
            "log_line_prefix=%m [%p] db=%d ",
        ];
        for setting in settings {
            args.extend(["-c".to_string(), setting.to_string()]);
        }
        if let Some(tls) = &self.tls {
            let path = |p: &Path| p.to_str().expect("UTF-8 temp dir").to_string();
            for setting in [
                "ssl=on".to_string(),
                format!("ssl_cert_file={}", path(&tls.cert)),
                format!("ssl_key_file={}", path(&tls.key)),
            ] {
                args.extend(["-c".to_string(), setting]);
            }
        }
        let program = format!("{PG_BIN}/postgres");
        let mut process =
            Supervised::spawn(&self.dir, "INT", self.user.as_deref(), &program, &args);
        let port = self.port.to_string();
        let result = process.await_ready("postgres", Duration::from_secs(30), || {
            Command::new(format!("{PG_BIN}/pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &port, "-t", "1"])
                .status()
                .is_ok_and(|s| s.success())
        });
        self.process = Some(process);
        result
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The lines the server logged for database `db` so far.
    pub fn log_of(&self, db: &str) -> Vec<String> {
        let log = self.process.as_ref().map(|p| p.log()).unwrap_or_default();
        let tag = format!(" db={db} ");
        log.lines()
            .filter(|l| l.contains(&tag))
            .map(str::to_string)
            .collect()
    }

    /// The CA certificate a TLS server's certificate verifies against (`sslrootcert=`).
    pub fn ca_cert(&self) -> Option<&Path> {
        self.tls.as_ref().map(|t| t.ca.as_path())
    }

    /// The superuser's URL for database `db` (no `sslmode`: the client's default applies).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Stops the server with a fast shutdown (clients are disconnected); data is kept.
    pub fn stop(&mut self) {
        if let Some(p) = self.process.as_mut() {
            p.stop(true);
        }
    }

    /// Starts the server again on the same port with the same data, waiting until it accepts
    /// connections.
    pub fn restart(&mut self) {
        hand_over(&mut self.process);
        if let Err(log) = self.spawn() {
            panic!("postgres did not restart on port {}: {log}", self.port);
        }
    }

    /// Creates an empty database (pgvector can be enabled in it with `CREATE EXTENSION vector`)
    /// and returns its superuser URL. Names are `[a-z0-9_]` and unique per server.
    pub fn create_database(&self, name: &str) -> String {
        assert!(
            sql_word(name),
            "database names in tests are [a-z0-9_]: {name:?}"
        );
        self.psql("postgres", &format!("CREATE DATABASE {name};"));
        self.url(name)
    }

    /// Creates (or reuses) a login role whose transactions are read-only by default and grants it
    /// SELECT on the tables that exist now in `db`'s public schema; returns its URL for `db`.
    pub fn readonly_role(&self, db: &str, role: &str, password: &str) -> String {
        assert!(
            sql_word(db) && sql_word(role),
            "names in tests are [a-z0-9_]: {db:?} {role:?}"
        );
        assert!(url_safe(password), "use [A-Za-z0-9_-] in test passwords");
        self.psql(
            db,
            &format!(
                "DO $$ BEGIN CREATE ROLE {role} LOGIN PASSWORD '{password}'; \
                 EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n\
                 ALTER ROLE {role} SET default_transaction_read_only = on;\n\
                 GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};\n"
            ),
        );
        format!("postgres://{role}:{password}@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs SQL (one or more statements) as the superuser in `db`; returns the rows, unaligned
    /// with `|` between columns. Panics with psql's message on any error.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let mut child = Command::new(format!("{PG_BIN}/psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"])
            .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-d", db])
            .env_remove("PGPASSWORD")
            .env_remove("PGSERVICE")
            .env_remove("PGOPTIONS")
            .env_remove("PGSSLMODE")
            .env("PGCONNECT_TIMEOUT", "10")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run psql");
        child
            .stdin
            .take()
            .expect("psql stdin")
            .write_all(sql.as_bytes())
            .expect("write SQL to psql");
        let out = child.wait_with_output().expect("wait for psql");
        assert!(
            out.status.success(),
            "psql on {db} failed: {}\nSQL: {sql}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A psql session on `db` as the superuser, its stdin and stdout piped: statements written
    /// to it run as each arrives, and it lives (holding its locks) until its stdin closes.
    pub fn psql_session(&self, db: &str) -> std::process::Child {
        Command::new(format!("{PG_BIN}/psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-f", "-"])
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                db,
            ])
            .env_remove("PGPASSWORD")
            .env_remove("PGSERVICE")
            .env_remove("PGOPTIONS")
            .env_remove("PGSSLMODE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run psql")
    }

    /// How many statements on `db` wait on a lock now, of those naming `table`.
    pub fn lock_waiters(&self, db: &str, table: &str) -> String {
        assert!(
            sql_word(table),
            "table names in tests are [a-z0-9_]: {table:?}"
        );
        self.psql(
            db,
            &format!(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                 AND query ILIKE '%{table}%'"
            ),
        )
        .trim()
        .to_string()
    }

    /// A psql session holding `table` of `db` locked (until its stdin is told to COMMIT or
    /// closes): every read of the table waits on it.
    pub fn lock_table(
        &self,
        db: &str,
        table: &str,
    ) -> (std::process::Child, std::process::ChildStdin) {
        use std::io::{BufRead, Write};
        let mut holder = self.psql_session(db);
        let mut stdin = holder.stdin.take().expect("psql stdin");
        stdin
            .write_all(
                format!("BEGIN;\nLOCK TABLE {table} IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked';\n")
                    .as_bytes(),
            )
            .expect("lock");
        stdin.flush().expect("flush");
        let mut said = String::new();
        std::io::BufReader::new(holder.stdout.take().expect("psql stdout"))
            .read_line(&mut said)
            .expect("psql answers");
        assert_eq!(said.trim(), "locked");
        (holder, stdin)
    }
}

fn sql_word(word: &str) -> bool {
    !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !word.starts_with(|c: char| c.is_ascii_digit())
}

/// `initdb` and `postgres` refuse to run as root: as root they run as the `postgres` OS user
/// (its name, uid, gid); otherwise `None`, and they run as the current user.
fn postgres_os_user() -> Option<(String, u32, u32)> {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let root = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0");
    if !root {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
    let entry = passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 3 && f[0] == "postgres").then(|| (f[2].parse().ok(), f[3].parse().ok()))
    });
    match entry {
        Some((Some(uid), Some(gid))) => Some(("postgres".to_string(), uid, gid)),
        _ => panic!("no `postgres` OS user to run initdb as: {INSTALL_HINT}"),
    }
}

fn initdb(dir: &Path, user: Option<&str>) {
    let data = dir.join("data");
    let mut cmd = match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--", &format!("{PG_BIN}/initdb")]);
            c
        }
        None => Command::new(format!("{PG_BIN}/initdb")),
    };
    let out = cmd
        .arg("-D")
        .arg(&data)
        .args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ])
        .args(["--no-sync", "--no-instructions"])
        .current_dir(dir)
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("run initdb");
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(dir);
        panic!(
            "initdb in {} failed:\n{}{}",
            data.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
