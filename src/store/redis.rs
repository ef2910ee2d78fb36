//! Reading Redis: a user's session and context keys found with SCAN, read in one pipeline. Read-only.

use std::collections::BTreeSet;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Value};

use super::StoreError;
use super::user::{RawKey, RawSessionKey, RawValue};

/// SCAN's COUNT: large, so a big keyspace takes few round trips (COUNT 10 is ~16× slower).
const SCAN_COUNT: usize = 1000;

pub struct RedisStore {
    client: Client,
    conn: ConnectionManager,
    /// `redis host:port`, password never included.
    pub label: String,
    /// Prepended to every key and channel name.
    pub prefix: String,
}

/// A user's keys as read: sessions, and context keys by milestone.
pub struct RedisUser {
    pub sessions: Vec<RawSessionKey>,
    pub contexts: Vec<(String, RawKey)>,
}

/// `*`, `?`, `[`, `]` and `\\` in a SCAN pattern match literally only when escaped.
fn glob_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

impl RedisStore {
    /// Connects within `timeout`; the error names the server, never the password.
    pub async fn connect(
        url: &str,
        prefix: &str,
        timeout: Duration,
    ) -> Result<RedisStore, StoreError> {
        let label = format!("redis {}", super::url::host_port(url));
        let fail = |what: &str, e: redis::RedisError| StoreError::Backend {
            store: label.clone(),
            what: what.into(),
            cause: super::url::mask_in(&e.to_string(), url),
        };
        let client = Client::open(url).map_err(|e| fail("REDIS_URL", e))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let conn = tokio::time::timeout(timeout, client.get_connection_manager_with_config(config))
            .await
            .map_err(|_| StoreError::Backend {
                store: label.clone(),
                what: "connect".into(),
                cause: format!("no answer within {} s", timeout.as_secs_f32()),
            })?
            .map_err(|e| fail("connect", e))?;
        Ok(RedisStore {
            client,
            conn,
            label,
            prefix: prefix.to_string(),
        })
    }

    fn fail(&self, what: &str, e: redis::RedisError) -> StoreError {
        StoreError::Backend {
            store: self.label.clone(),
            what: what.into(),
            cause: e.to_string(),
        }
    }

    /// Every key matching `pattern`, by SCAN with a cursor (never KEYS).
    async fn scan(&self, pattern: &str) -> Result<Vec<String>, StoreError> {
        let mut conn = self.conn.clone();
        let mut cursor: u64 = 0;
        let mut keys = Vec::new();
        loop {
            let (next, batch): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT)
                .query_async(&mut conn)
                .await
                .map_err(|e| self.fail(&format!("SCAN {pattern}"), e))?;
            keys.extend(
                batch
                    .into_iter()
                    .map(|k| String::from_utf8_lossy(&k).into_owned()),
            );
            if next == 0 {
                return Ok(keys);
            }
            cursor = next;
        }
    }

    /// Every key matching a pattern (for `seed --force`).
    pub async fn keys(&self, pattern: &str) -> Result<Vec<String>, StoreError> {
        self.scan(pattern).await
    }

    /// A user's session and context keys: found by SCAN, then read in one pipeline
    /// (TYPE, TTL, GET and LRANGE per key; the wrong one of GET/LRANGE answers WRONGTYPE).
    pub async fn load(&self, user: &str) -> Result<RedisUser, StoreError> {
        let p = &self.prefix;
        let u = glob_escape(user);
        let session_prefix = format!("{p}session:{user}:");
        let context_prefix = format!("{p}context:{user}:");
        // One SCAN finds both families (`session:` and `context:`): on a keyspace SCAN covers in one
        // call, a user costs two round trips, this and the pipeline.
        let mut keys: Vec<String> = self
            .scan(&format!("{}*:{u}:*", glob_escape(p)))
            .await?
            .into_iter()
            .filter(|k| k.starts_with(&session_prefix) || k.starts_with(&context_prefix))
            .collect();
        keys.sort();
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        for k in &keys {
            pipe.cmd("TYPE")
                .arg(k)
                .cmd("TTL")
                .arg(k)
                .cmd("GET")
                .arg(k)
                .cmd("LRANGE")
                .arg(k)
                .arg(0)
                .arg(-1);
        }
        let mut conn = self.conn.clone();
        let values: Vec<Value> = if keys.is_empty() {
            vec![]
        } else {
            pipe.query_async(&mut conn)
                .await
                .map_err(|e| self.fail(&format!("reading {user}'s keys"), e))?
        };
        let mut out = RedisUser {
            sessions: vec![],
            contexts: vec![],
        };
        for (k, v) in keys.iter().zip(values.chunks(4)) {
            let key = raw_key(k, v);
            if let Some(session_id) = k.strip_prefix(&session_prefix) {
                out.sessions.push(RawSessionKey {
                    session_id: session_id.to_string(),
                    key,
                });
            } else if let Some(m) = k.strip_prefix(&context_prefix) {
                out.contexts.push((m.to_string(), key));
            }
        }
        Ok(out)
    }

    /// Every user with a session key (a full SCAN; for finding users that have no journey row).
    pub async fn session_users(&self) -> Result<BTreeSet<String>, StoreError> {
        let prefix = format!("{}session:", self.prefix);
        let keys = self.scan(&format!("{}*", glob_escape(&prefix))).await?;
        Ok(keys
            .iter()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter_map(|rest| rest.rsplit_once(':').map(|(user, _)| user.to_string()))
            .collect())
    }

    /// Round-trip time of a PING.
    pub async fn ping(&self) -> Result<Duration, StoreError> {
        let mut conn = self.conn.clone();
        let start = std::time::Instant::now();
        let _: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(|e| self.fail("PING", e))?;
        Ok(start.elapsed())
    }

    /// Subscribes to `progress:{user}` (a `*` pattern with `None`); messages arrive as raw payloads.
    pub async fn subscribe(&self, user: Option<&str>) -> Result<redis::aio::PubSub, StoreError> {
        let mut pubsub = self
            .client
            .get_async_pubsub()
            .await
            .map_err(|e| self.fail("SUBSCRIBE", e))?;
        let channel = format!("{}progress:{}", self.prefix, user.unwrap_or("*"));
        let r = if user.is_some() {
            pubsub.subscribe(&channel).await
        } else {
            pubsub.psubscribe(&channel).await
        };
        r.map_err(|e| self.fail(&format!("SUBSCRIBE {channel}"), e))?;
        Ok(pubsub)
    }

    /// A connection for writers (`seed`) and tests.
    pub fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// Whether any key exists (SCAN one batch of the prefix).
    pub async fn has_keys(&self) -> Result<bool, StoreError> {
        let mut conn = self.conn.clone();
        let (_, batch): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
            .arg(0)
            .arg("MATCH")
            .arg(format!("{}*", glob_escape(&self.prefix)))
            .arg("COUNT")
            .arg(SCAN_COUNT)
            .query_async(&mut conn)
            .await
            .map_err(|e| self.fail("SCAN", e))?;
        Ok(!batch.is_empty())
    }
}

/// One key's TYPE, TTL, GET and LRANGE answers as a raw value.
fn raw_key(name: &str, v: &[Value]) -> RawKey {
    let kind = match v.first() {
        Some(Value::SimpleString(s)) => s.clone(),
        Some(Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => "none".into(),
    };
    let ttl = match v.get(1) {
        Some(Value::Int(n)) if *n >= 0 => Some(*n as u64),
        _ => None,
    };
    let value = match (kind.as_str(), v.get(2), v.get(3)) {
        ("string", Some(Value::BulkString(b)), _) => RawValue::String(b.clone()),
        ("list", _, Some(Value::Array(items))) => RawValue::List(
            items
                .iter()
                .map(|i| match i {
                    Value::BulkString(b) => b.clone(),
                    other => format!("{other:?}").into_bytes(),
                })
                .collect(),
        ),
        (other, ..) => RawValue::Other(other.to_string()),
    };
    RawKey {
        name: name.to_string(),
        value,
        ttl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_patterns_escape_glob_characters() {
        assert_eq!(glob_escape("u[1]*?"), "u\\[1\\]\\*\\?");
        assert_eq!(glob_escape("plain-user_1"), "plain-user_1");
    }

    #[test]
    fn raw_keys_from_pipeline_answers() {
        let s = raw_key(
            "k",
            &[
                Value::SimpleString("string".into()),
                Value::Int(3600),
                Value::BulkString(b"[]".to_vec()),
                Value::Nil,
            ],
        );
        assert!(matches!(s.value, RawValue::String(ref b) if b == b"[]"));
        assert_eq!(s.ttl, Some(3600));
        let l = raw_key(
            "k",
            &[
                Value::SimpleString("list".into()),
                Value::Int(-1),
                Value::Nil,
                Value::Array(vec![Value::BulkString(b"{}".to_vec())]),
            ],
        );
        assert!(matches!(l.value, RawValue::List(ref items) if items.len() == 1));
        assert_eq!(l.ttl, None);
        let h = raw_key(
            "k",
            &[
                Value::SimpleString("hash".into()),
                Value::Int(5),
                Value::Nil,
                Value::Nil,
            ],
        );
        assert!(matches!(h.value, RawValue::Other(ref t) if t == "hash"));
    }
}
