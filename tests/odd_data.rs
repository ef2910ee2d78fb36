//! Legal data is data: a corpus of malformed and odd stored values (in tests/odd_data/), each
//! seeded into its own user in a real Redis and a real PostgreSQL with pgvector. For each,
//! the real binary's `inspect --json` and `replay --json` exit 0, the odd item is reported by
//! its key or table and id with a reason, and the user's good data still loads; one report reads
//! every user.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

#[path = "odd_data/cases.rs"]
mod cases;
#[path = "odd_data/pg_cases.rs"]
mod pg_cases;
#[path = "odd_data/redis_cases.rs"]
mod redis_cases;

use std::fmt::Write as _;
use std::path::PathBuf;

use cases::{Case, E, Table, V, W};
use common::servers::{Postgres, RedisServer};
use common::{ctxlens_with, migrate_and_seed, write_temp};
use ctxlens::engine::embed::embed;
use serde_json::Value;

/// The database of this test.
const DB: &str = "odd_data";

/// A case where it runs: its tag, user id, milestone, first row id.
struct Placed {
    case: &'static Case,
    tag: String,
    user: String,
    milestone: String,
    base: i64,
}

impl Placed {
    fn new(i: usize, case: &'static Case) -> Placed {
        let tag = format!("c{i:02}");
        Placed {
            case,
            user: case.user.replace("{c}", &tag),
            milestone: format!("K{i:02}"),
            base: 10_000 + 10 * i as i64,
            tag,
        }
    }

    /// A template with this case's values in.
    fn fill(&self, template: &str) -> String {
        let vector = |x: &str| format!("[{}]", vec![x; 384].join(","));
        template
            .replace("{u}", &self.user)
            .replace("{c}", &self.tag)
            .replace("{m}", &self.milestone)
            .replace("{id2}", &(self.base + 2).to_string())
            .replace("{id}", &(self.base + 1).to_string())
            .replace("{good}", &self.good_vector())
            .replace("{zeros}", &vector("0"))
            .replace("{tiny}", &vector("1e-30"))
            .replace("{denormal}", &vector("1e-45"))
            .replace("{huge}", &vector("1e20"))
    }

    fn good_text(&self) -> String {
        format!("good question {}", self.user)
    }

    fn good_vector(&self) -> String {
        let v: Vec<String> = embed(&self.good_text(), 384)
            .iter()
            .map(|x| x.to_string())
            .collect();
        format!("[{}]", v.join(","))
    }

    /// The user's good data: a journey row, a session, a memory row and a knowledge row.
    fn good_sql(&self) -> String {
        let (u, m, base) = (&self.user, &self.milestone, self.base);
        format!(
            "INSERT INTO user_journeys (user_id, current_milestone, display_name) VALUES ('{u}', '{m}', 'odd {u}');
             INSERT INTO memory_bank VALUES ({base}, '{u}', 'business_dna', NULL, '{{\"good\": true}}', '2025-01-15T09:00:00Z');
             INSERT INTO knowledge (id, milestone, title, content, embedding, created_at)
               VALUES ({base}, '{m}', 'good {u}', '{}', '{}', '2025-01-15T09:00:00Z');\n",
            self.good_text(),
            self.good_vector()
        )
    }

    fn bytes(&self, v: V) -> Vec<u8> {
        match v {
            V::T(t) => self.fill(t).into_bytes(),
            V::B(b) => b.to_vec(),
            V::Huge => format!("[\"{}\"]", "x".repeat(10 << 20)).into_bytes(),
            V::Large => format!("{{\"user\":\"{}\"}}", "y".repeat(3 << 20)).into_bytes(),
            V::Deep => format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        }
    }

    /// The user's Redis writes: its good session (older than any case turn), then the case's.
    fn redis(&self, pipe: &mut redis::Pipeline) {
        let good = serde_json::json!([{
            "user": self.good_text(), "assistant": "ok", "timestamp": "2025-01-15T10:00:00Z"
        }]);
        pipe.cmd("SET")
            .arg(format!("session:{}:good", self.user))
            .arg(good.to_string())
            .ignore();
        for w in self.case.redis {
            let (cmd, key, args): (&str, &str, Vec<Vec<u8>>) = match *w {
                W::Set(k, v) => ("SET", k, vec![self.bytes(v)]),
                W::Push(k, vs) => ("RPUSH", k, vs.iter().map(|v| self.bytes(*v)).collect()),
                W::Hash(k) => ("HSET", k, vec![b"f".to_vec(), b"v".to_vec()]),
                W::Members(k) => ("SADD", k, vec![b"m".to_vec()]),
                W::Sorted(k) => ("ZADD", k, vec![b"1".to_vec(), b"m".to_vec()]),
                W::Stream(k) => ("XADD", k, vec![b"*".to_vec(), b"f".to_vec(), b"v".to_vec()]),
            };
            pipe.cmd(cmd).arg(self.fill(key)).arg(args).ignore();
        }
    }

    /// `inspect` or `replay` of this user as JSON; exit 0 is asserted.
    fn run(&self, command: &str, env: &[(&str, String)], config: &str) -> Value {
        let args = [
            command,
            &self.user,
            "--json",
            "--config",
            config,
            "--query",
            &self.good_text(),
            "--now",
            "2025-01-15T12:00:00Z",
        ];
        let out = ctxlens_with(&args, env);
        assert_eq!(
            out.code, 0,
            "{}: {command} {} exits 0: {}",
            self.case.name, self.user, out.stderr
        );
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: {command} prints JSON: {e}", self.case.name))
    }

    /// What `inspect --json` shows against the case's expectations and the user's good data;
    /// every miss, in words.
    fn check(&self, v: &Value) -> Vec<String> {
        let list = |ptr: &str| {
            v.pointer(ptr)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let s = |x: &Value, k: &str| x[k].as_str().unwrap_or("").to_string();
        let (malformed, findings) = (list("/assembly/malformed"), list("/findings"));
        let (items, sessions) = (list("/assembly/items"), list("/sessions"));
        let mut misses = Vec::new();
        for e in self.case.expect {
            let ok = match *e {
                E::Malformed(src, why) => malformed.iter().any(|m| {
                    s(m, "source") == self.fill(src) && s(m, "reason").contains(&self.fill(why))
                }),
                E::Finding(kind, src, why) => findings.iter().any(|f| {
                    s(f, "kind") == kind
                        && s(f, "source") == self.fill(src)
                        && s(f, "message").contains(&self.fill(why))
                }),
                E::Text(t) => items.iter().any(|i| s(i, "text").contains(t)),
                E::Session(key, n) => sessions
                    .iter()
                    .any(|x| s(x, "key") == self.fill(key) && x["turns"] == n),
                E::SessionMalformed(key, n) => sessions
                    .iter()
                    .any(|x| s(x, "key") == self.fill(key) && x["malformed"] == n),
                E::NoSession(key) => !sessions.iter().any(|x| s(x, "key") == self.fill(key)),
                // Exactly once: a row read twice is a finding, never counted twice.
                E::Item(id) => items.iter().filter(|i| s(i, "id") == self.fill(id)).count() == 1,
                E::Json(ptr, t) => v
                    .pointer(ptr)
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.contains(t)),
            };
            if !ok {
                misses.push(format!("{e:?}"));
            }
        }
        let good = self.good_text();
        if !items
            .iter()
            .any(|i| s(i, "layer") == "session" && s(i, "text").contains(&good))
        {
            misses.push("the good session turn".into());
        }
        if !items
            .iter()
            .any(|i| s(i, "id") == format!("mb:{}", self.base))
        {
            misses.push("the good journey row".into());
        }
        if self.case.knowledge
            && !items
                .iter()
                .any(|i| s(i, "id") == format!("kn:{}", self.base))
        {
            misses.push("the good knowledge row".into());
        }
        misses
    }
}

/// Loosens SPEC §1's tables as a configured view or table without constraints would be: no
/// primary keys, no CHECK on context_type, NULLs allowed.
const LOOSEN: &str = "
ALTER TABLE user_journeys DROP CONSTRAINT user_journeys_pkey;
ALTER TABLE user_journeys ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE user_journeys ALTER COLUMN current_milestone DROP NOT NULL;
ALTER TABLE memory_bank DROP CONSTRAINT memory_bank_pkey;
ALTER TABLE memory_bank DROP CONSTRAINT memory_bank_context_type_check;
ALTER TABLE memory_bank ALTER COLUMN id DROP NOT NULL, ALTER COLUMN context_type DROP NOT NULL,
  ALTER COLUMN data DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL;
ALTER TABLE knowledge DROP CONSTRAINT knowledge_pkey;
ALTER TABLE knowledge ALTER COLUMN title DROP NOT NULL;";

/// The same knowledge in an untyped `vector` column, after the typed cases' rows are in.
const UNTYPED: &str = "CREATE TABLE articles AS SELECT id, milestone, title, content, metadata,
  embedding::vector AS embedding, created_at FROM knowledge;
ALTER TABLE articles ALTER COLUMN metadata SET DEFAULT '{}', ALTER COLUMN created_at SET DEFAULT now();";

#[test]
fn odd_data_is_reported_where_it_is_and_everything_else_still_loads() {
    let all = redis_cases::CASES.iter().chain(pg_cases::CASES);
    let placed: Vec<Placed> = all.enumerate().map(|(i, c)| Placed::new(i, c)).collect();
    assert!(placed.len() >= 40, "{} cases", placed.len());
    let redis = RedisServer::start();
    let url = Postgres::shared().create_database(DB);
    let env = [("REDIS_URL", redis.url()), ("DATABASE_URL", url)];
    let (config, untyped) = config_files(&placed);
    let (config, untyped) = (
        config.to_str().expect("UTF-8 path"),
        untyped.to_str().expect("UTF-8 path"),
    );
    let migrate = ctxlens_with(&["migrate", "--config", config], &env);
    assert_eq!(migrate.code, 0, "{}", migrate.stderr);
    seed_every_case(&placed, &redis);
    let misses = run_every_case(&placed, &env, config, untyped);
    assert!(misses.is_empty(), "{}", misses.join("\n"));
    one_report_reads_every_user(&placed, &env, config);
}

/// The config files of the cases: a milestone per case (so that each user's knowledge search
/// sees its own rows only), and the same reading knowledge from the untyped table.
fn config_files(placed: &[Placed]) -> (PathBuf, PathBuf) {
    let mut map = String::new();
    for p in placed {
        let _ = writeln!(map, "[[milestones]]\nid = \"{}\"", p.milestone);
    }
    let config = write_temp("odd.toml", &map);
    let untyped = write_temp(
        "odd-untyped.toml",
        &format!("{map}[stores.tables]\nknowledge = \"articles\"\n"),
    );
    (config, untyped)
}

/// Every case's good data and odd values written: Postgres loosened, the typed cases' rows,
/// the untyped table and its cases, then every user's Redis keys.
fn seed_every_case(placed: &[Placed], redis: &RedisServer) {
    let pg = Postgres::shared();
    pg.psql(DB, LOOSEN);
    let mut sql: String = placed.iter().map(Placed::good_sql).collect();
    // A journey row of no user: not listed, and no other user lost to it.
    sql.push_str("INSERT INTO user_journeys (user_id, current_milestone) VALUES (NULL, 'M1');\n");
    for p in placed.iter().filter(|p| p.case.table == Table::Typed) {
        sql.push_str(&p.fill(p.case.sql));
        sql.push('\n');
    }
    pg.psql(DB, &sql);
    pg.psql(DB, UNTYPED);
    let rest: String = placed
        .iter()
        .filter(|p| p.case.table == Table::Untyped)
        .map(|p| p.fill(p.case.sql) + "\n")
        .collect();
    pg.psql(DB, &rest);
    let mut pipe = redis::pipe();
    for p in placed {
        p.redis(&mut pipe);
    }
    let () = pipe.query(&mut redis.connection()).expect("Redis writes");
}

/// `inspect` and `replay` of every case, two cases at a time (each runs the binary twice):
/// every miss, in words.
fn run_every_case(
    placed: &[Placed],
    env: &[(&str, String); 2],
    config: &str,
    untyped: &str,
) -> Vec<String> {
    std::thread::scope(|s| {
        let runs: Vec<_> = placed
            .chunks(placed.len().div_ceil(2))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|p| {
                            let cfg = match p.case.table {
                                Table::Typed => config,
                                Table::Untyped => untyped,
                            };
                            let inspect = p.run("inspect", env, cfg);
                            p.run("replay", env, cfg);
                            p.check(&inspect)
                                .into_iter()
                                .map(|m| format!("{} ({}): missing {m}", p.case.name, p.user))
                                .collect::<Vec<_>>()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|r| r.join().expect("a run thread"))
            .collect()
    })
}

/// One report over the whole store: every listed user read, none lost to an error.
fn one_report_reads_every_user(placed: &[Placed], env: &[(&str, String); 2], config: &str) {
    let users = ctxlens_with(&["users", "--json", "--config", config], env);
    assert_eq!(users.code, 0, "{}", users.stderr);
    let listed: Value = serde_json::from_str(&users.stdout).expect("users JSON");
    let listed: Vec<&str> = listed["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["user_id"].as_str())
        .collect();
    for p in placed {
        assert!(listed.contains(&p.user.as_str()), "{} is listed", p.user);
    }
    let distinct: std::collections::BTreeSet<&&str> = listed.iter().collect();
    assert_eq!(distinct.len(), listed.len(), "each user listed once");
    let report = ctxlens_with(&["report", "--json", "--config", config], env);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let v: Value = serde_json::from_str(&report.stdout).expect("report JSON");
    assert_eq!(v["users"], listed.len(), "every listed user is reported");
    assert_eq!(v["errors"]["count"], 0, "{}", v["errors"]);
    assert_eq!(v["partial"], false);
}

/// `graph USER` and `transition` read the user's journey rows: rows that cannot be read are
/// said on stderr (JSON stays JSON), never taken for milestones not completed without a word.
#[test]
fn graph_and_transition_say_when_journey_rows_were_not_read() {
    let url = Postgres::shared().create_database("odd_graph");
    let env = [("DATABASE_URL", url)];
    migrate_and_seed(&env);
    let clean = ctxlens_with(&["graph", "u006"], &env);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(
        !clean.stderr.contains("could not be read"),
        "{}",
        clean.stderr
    );
    Postgres::shared().psql(
        "odd_graph",
        "ALTER TABLE memory_bank ALTER COLUMN data TYPE text",
    );
    for args in [
        &["graph", "u006"][..],
        &["graph", "u006", "--json"],
        &["transition", "u006", "--to", "M5"],
        &["transition", "u006", "--to", "M5", "--json"],
    ] {
        let out = ctxlens_with(args, &env);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("journey rows of u006 could not be read (inspect u006 names them)"),
            "{args:?}: {}",
            out.stderr
        );
        if args.contains(&"--json") {
            serde_json::from_str::<Value>(&out.stdout).expect("JSON on stdout");
        }
    }
}

/// `migrate` over tables that already exist but lack a column or hold one as another type
/// (left as they are by `CREATE TABLE IF NOT EXISTS`) says which, exit 1, instead of "ready".
#[test]
fn migrate_names_the_columns_existing_tables_lack() {
    let url = Postgres::shared().create_database("odd_migrate");
    let env = [("DATABASE_URL", url)];
    let first = ctxlens_with(&["migrate"], &env);
    assert_eq!(first.code, 0, "{}", first.stderr);
    Postgres::shared().psql(
        "odd_migrate",
        "ALTER TABLE memory_bank ALTER COLUMN data TYPE text;
         ALTER TABLE knowledge DROP COLUMN metadata;
         ALTER TABLE knowledge ALTER COLUMN id TYPE integer;
         ALTER TABLE user_journeys DROP COLUMN updated_at;",
    );
    let again = ctxlens_with(&["migrate"], &env);
    assert_eq!(again.code, 1, "{}", again.stdout);
    for said in [
        "the existing tables differ from SPEC §1",
        "\"memory_bank\".data is text, read as jsonb",
        "\"knowledge\".metadata is missing",
        "\"knowledge\".id is integer, read as bigint",
    ] {
        assert!(again.stderr.contains(said), "{said}: {}", again.stderr);
    }
    // A column no read selects is not asked for.
    assert!(!again.stderr.contains("updated_at"), "{}", again.stderr);
    assert!(!again.stdout.contains("schema ready"), "{}", again.stdout);
}

/// A knowledge table that exists without `embedding` fails the index `migrate` makes on it:
/// what the tables lack is said, table by table, not the index's bare "column does not exist".
#[test]
fn migrate_over_a_knowledge_table_without_embedding_names_the_column() {
    let url = Postgres::shared().create_database("odd_no_embedding");
    Postgres::shared().psql(
        "odd_no_embedding",
        "CREATE TABLE knowledge (id bigint PRIMARY KEY, title text);",
    );
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", url)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    for said in [
        "the existing tables differ from SPEC §1",
        "\"knowledge\".embedding is missing",
        "\"knowledge\".content is missing",
    ] {
        assert!(out.stderr.contains(said), "{said}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("SQLSTATE 42703"), "{}", out.stderr);
}

/// `migrate` that cannot make the schema at all (here a role whose transactions are read-only;
/// no pgvector or no CREATE right fail alike) says why, not that tables it never made lack
/// every column.
#[test]
fn migrate_that_cannot_make_the_schema_says_why() {
    Postgres::shared().create_database("odd_ro_migrate");
    let url = Postgres::shared().readonly_role("odd_ro_migrate", "odd_ro_migrator", "pw-ro");
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", url)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("read-only transaction"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("differ from SPEC"), "{}", out.stderr);
}

/// The relations of `db` whose names `pattern` (a `LIKE` pattern) matches: tables and indexes.
fn relations(db: &str, pattern: &str) -> Vec<String> {
    Postgres::shared()
        .psql(
            db,
            &format!("SELECT relname FROM pg_class WHERE relname LIKE '{pattern}' ORDER BY 1;"),
        )
        .lines()
        .map(str::to_string)
        .collect()
}

/// A migrate refused for the tables already there writes nothing: neither the tables it lacks
/// beside them nor any index (an HNSW build is not cheap), and it says so.
#[test]
fn migrate_refused_for_existing_tables_writes_nothing() {
    let url = Postgres::shared().create_database("odd_refused_migrate");
    Postgres::shared().psql(
        "odd_refused_migrate",
        "CREATE EXTENSION IF NOT EXISTS vector;
         CREATE TABLE knowledge (id integer, milestone text, title text, content text,
           metadata jsonb, embedding vector(384), created_at timestamptz);",
    );
    let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", url)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("\"knowledge\".id is integer, read as bigint")
            && out.stderr.contains("migrate wrote nothing"),
        "{}",
        out.stderr
    );
    // Neither the tables beside it nor any index of the schema or of the milestones.
    for made in ["user_journeys%", "memory_bank%", "knowledge_%"] {
        assert_eq!(
            relations("odd_refused_migrate", made),
            Vec::<String>::new(),
            "{made}"
        );
    }
    assert_eq!(relations("odd_refused_migrate", "knowledge"), ["knowledge"]);
}

/// Tables reads can use but `seed` could not write (a column only seed writes missing, one of
/// the table's own that needs a value) are ready, with a warning naming each; the config's
/// table names are shown inert in what migrate prints.
#[test]
fn migrate_warns_of_what_seed_could_not_write_and_shows_names_inert() {
    let url = Postgres::shared().create_database("odd_warn_migrate");
    Postgres::shared().psql(
        "odd_warn_migrate",
        "CREATE TABLE user_journeys (user_id text PRIMARY KEY, current_milestone text,
           display_name text);
         CREATE TABLE memory_bank (id bigserial PRIMARY KEY, user_id text NOT NULL,
           context_type text NOT NULL, milestone text, data jsonb NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now(), tenant text NOT NULL);",
    );
    let config = write_temp(
        "config.toml",
        "[stores.tables]\nknowledge = \"kn\\u001b]0;pwned\\u0007\"\n",
    );
    let config = config.to_str().expect("utf-8 path");
    let out = ctxlens_with(&["--config", config, "migrate"], &[("DATABASE_URL", url)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("schema ready"), "{}", out.stdout);
    for said in [
        "\"user_journeys\".updated_at is missing: reads do not need it; seed, which writes it, fails",
        "\"memory_bank\".\"tenant\" is NOT NULL with no default",
    ] {
        assert!(out.stderr.contains(said), "{said}: {}", out.stderr);
    }
    // The knowledge table's name, as the config has it, shown inert.
    assert!(out.stdout.contains("kn␛]0;pwned␇"), "{}", out.stdout);
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{7}'),
        "{:?}",
        out.stdout
    );
}
