//! The live stores' story of user `tt1`: what was written when, from the test's clock, and the
//! stores it is written to.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use crate::common::servers::{Postgres, RedisServer};
use crate::common::{ctxlens_with, env};
use ctxlens::engine::embed::embed;
use ctxlens::engine::snapshot::fmt_ts;

/// What `tt1` asks in its last turn, and what the knowledge rows are about.
pub const QUERY: &str = "how should I price my scented candles for wholesale buyers";

/// The embedding of `text` as a quoted SQL vector literal.
pub fn vector(text: &str) -> String {
    let v: Vec<String> = embed(text, 384).iter().map(|x| x.to_string()).collect();
    format!("'[{}]'", v.join(","))
}

/// `t` as a quoted SQL timestamp literal.
pub fn sql_ts(t: DateTime<Utc>) -> String {
    format!("'{}'", fmt_ts(&t))
}

/// The instants of the story, from the test's clock (the live store's clock is the machine's).
pub struct Story {
    pub now: DateTime<Utc>,
}

impl Story {
    pub fn ago(&self, secs: i64) -> DateTime<Utc> {
        self.now - TimeDelta::seconds(secs)
    }
    pub const DAY: i64 = 86_400;
}

/// Postgres: user `tt1` at M4 now; journey rows ten, nine, six and two days back; knowledge
/// rows five days back and, more similar to the question, thirty rows a day back.
/// Redis: one session with turns 50, 40 and 30 minutes back (TTL 3600; the last asks `QUERY`),
/// a cached context of M4 written now (TTL 300).
pub fn seed(pg: &Postgres, db: &str, redis: &RedisServer, s: &Story) {
    let mut sql = journey_sql(s);
    sql.push_str(&knowledge_sql(s));
    pg.psql(db, &sql);
    seed_redis(redis, s);
}

/// User `tt1` at M4 now, and its journey rows: the business DNA ten days back, then M0's, M1's
/// and M2's data nine, six and two days back, each with its transition one second later.
fn journey_sql(s: &Story) -> String {
    let mut sql = String::from(
        "INSERT INTO user_journeys (user_id, current_milestone, display_name) \
         VALUES ('tt1', 'M4', 'Mara Lind');\n",
    );
    let rows = [
        (
            1,
            "business_dna",
            "NULL",
            json!({"product": "candles"}),
            10 * Story::DAY,
        ),
        (
            2,
            "milestone_data",
            "'M0'",
            json!({"summary": "dna done"}),
            9 * Story::DAY,
        ),
        (
            3,
            "transition",
            "'M1'",
            json!({"from": "M0", "to": "M1", "context": {}}),
            9 * Story::DAY - 1,
        ),
        (
            4,
            "milestone_data",
            "'M1'",
            json!({"summary": "market sized"}),
            6 * Story::DAY,
        ),
        (
            5,
            "transition",
            "'M2'",
            json!({"from": "M1", "to": "M2", "context": {}}),
            6 * Story::DAY - 1,
        ),
        (
            6,
            "milestone_data",
            "'M2'",
            json!({"summary": "validated"}),
            2 * Story::DAY,
        ),
        (
            7,
            "transition",
            "'M3'",
            json!({"from": "M2", "to": "M3", "context": {}}),
            2 * Story::DAY - 1,
        ),
    ];
    for (id, kind, m, data, ago) in rows {
        sql.push_str(&format!(
            "INSERT INTO memory_bank (id, user_id, context_type, milestone, data, created_at) \
             VALUES ({id}, 'tt1', '{kind}', {m}, '{data}', {});\n",
            sql_ts(s.ago(ago))
        ));
    }
    sql
}

/// An article five days back and, more similar to [`QUERY`], thirty notes a day back.
fn knowledge_sql(s: &Story) -> String {
    let mut sql = String::new();
    let old = format!("{QUERY} in the spring season markets");
    sql.push_str(&format!(
        "INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) VALUES \
         (1, NULL, 'Wholesale pricing', '{old}', {}, {});\n",
        vector(&old),
        sql_ts(s.ago(5 * Story::DAY))
    ));
    for i in 0..30 {
        let text = format!("{QUERY} {i}");
        sql.push_str(&format!(
            "INSERT INTO knowledge (id, milestone, title, content, embedding, created_at) VALUES \
             ({}, NULL, 'Pricing note {i}', '{text}', {}, {});\n",
            100 + i,
            vector(&text),
            sql_ts(s.ago(Story::DAY))
        ));
    }
    sql
}

/// One session with turns 50, 40 and 30 minutes back (TTL 3600; the last asks [`QUERY`]), and
/// a cached context of M4 written now (TTL 300).
fn seed_redis(redis: &RedisServer, s: &Story) {
    let turn = |ago: i64, text: &str| json!({"user": text, "assistant": "noted", "timestamp": fmt_ts(&s.ago(ago))});
    let session = json!([turn(3000, "hello"), turn(2400, "thanks"), turn(1800, QUERY)]);
    let cached = json!({"user_id": "tt1", "milestone": "M4", "policy": "prolaunch",
        "created_at": fmt_ts(&s.now), "total_tokens": 10, "items": [], "prompt": "p"});
    let mut conn = redis.connection();
    redis::pipe()
        .cmd("SET")
        .arg("session:tt1:s1")
        .arg(session.to_string())
        .arg("EX")
        .arg(3600)
        .ignore()
        .cmd("SET")
        .arg("context:tt1:M4")
        .arg(cached.to_string())
        .arg("EX")
        .arg(300)
        .ignore()
        .query::<()>(&mut conn)
        .expect("redis writes");
}

/// A Redis of its own and database `db` of the shared Postgres, migrated, with the
/// environment that points ctxlens at them.
pub fn migrated(pg: &Postgres, db: &str) -> (RedisServer, [(&'static str, String); 2], String) {
    let url = pg.create_database(db);
    let redis = RedisServer::start();
    let env = env(&redis, &url);
    let m = ctxlens_with(&["migrate"], &env);
    assert_eq!(m.code, 0, "migrate: {}", m.stderr);
    (redis, env, url)
}
