//! Reading Redis: a user's session and context keys found with SCAN, read in one pipeline. Read-only.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{Client, Value};

pub use super::key_window::WINDOW_KEYS;
use super::key_window::{Found, KeyWindow, ambiguous_note, journey_rows};
use super::keys::{self, Family, Owner, Owners};
use super::user::{MAX_VALUE_BYTES, RawKey, RawSessionKey, RawValue};
use super::{JourneyIds, NoOwner, StoreError, Unlisted, fault};
use crate::engine::snapshot::{Malformed, Note};

mod value;

#[cfg(test)]
use value::LIST_MEMORY_LIMIT;
use value::{ANSWERS, list_to_read, raw_key};

/// SCAN's COUNT: large, so a big keyspace takes few round trips (COUNT 10 is ~16× slower).
const SCAN_COUNT: usize = 1000;

pub struct RedisStore {
    /// The first node's client, for pub/sub (a cluster forwards PUBLISH to every node).
    pub(super) client: Client,
    /// Every master: one for a single server.
    pub(super) nodes: Vec<ConnectionManager>,
    /// A cluster connection, for writes routed by key (`seed`).
    pub(super) cluster: Option<redis::cluster_async::ClusterConnection>,
    /// `redis host:port` (or `redis cluster host:port +N`), password never included.
    pub label: String,
    /// Prepended to every key and channel name.
    pub prefix: String,
    /// The most keys a fleet pass holds at once ([`WINDOW_KEYS`]).
    pub window_keys: usize,
    /// How long a command waits for its answer (`--connect-timeout`).
    pub(super) deadline: std::time::Duration,
}

/// A user's keys as read: sessions, context keys by milestone, and the keys left unread as
/// ambiguous (notes).
pub struct RedisUser {
    pub sessions: Vec<RawSessionKey>,
    pub contexts: Vec<(String, RawKey)>,
    pub notes: Vec<Note>,
    /// Keys of the user whose names are not UTF-8: not read, each a malformed item.
    pub unreadable: Vec<Malformed>,
}

/// The keys of `user` among `not_utf8` (names that are not UTF-8), as malformed items named by
/// the key, its invalid bytes written `\xHH`.
pub(super) fn unreadable_keys(prefix: &str, user: &str, not_utf8: &[Vec<u8>]) -> Vec<Malformed> {
    let starts = [
        keys::session_key(prefix, user, ""),
        keys::context_key(prefix, user, ""),
    ];
    not_utf8
        .iter()
        .filter(|k| starts.iter().any(|s| k.starts_with(s.as_bytes())))
        .map(|k| Malformed {
            id: None,
            source: crate::text::escaped_bytes(k),
            reason: "the key's name is not UTF-8: not read".into(),
        })
        .collect()
}

impl RedisStore {
    /// A command's error: one unanswered within the deadline is said so ("no answer within
    /// N s"), a store out of reach for now, which another try at once would wait as long for.
    pub(super) fn fail(&self, what: &str, e: redis::RedisError) -> StoreError {
        if e.is_timeout() {
            return StoreError::TimedOut {
                store: self.label.clone(),
                what: what.into(),
                secs: self.deadline.as_secs_f32(),
            };
        }
        fault::redis_error(&self.label, what, &e)
    }

    /// One SCAN call on `node` from `cursor`: the next cursor (0 when the node is done) and
    /// the keys matching `pattern` it returned.
    async fn scan_step(
        &self,
        node: usize,
        cursor: u64,
        pattern: &str,
    ) -> Result<(u64, Vec<Vec<u8>>), StoreError> {
        let mut conn = self.nodes[node].clone();
        redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(SCAN_COUNT)
            .query_async(&mut conn)
            .await
            .map_err(|e| self.fail(&format!("SCAN {pattern}"), e))
    }

    /// Every key matching `pattern` on one node, by SCAN with a cursor (never KEYS).
    async fn scan_node(&self, node: usize, pattern: &str) -> Result<Found, StoreError> {
        let mut cursor: u64 = 0;
        let mut found = Found::default();
        loop {
            let (next, batch) = self.scan_step(node, cursor, pattern).await?;
            for k in batch {
                match String::from_utf8(k) {
                    Ok(name) => found.keys.push(name),
                    Err(e) => found.not_utf8.push(e.into_bytes()),
                }
            }
            if next == 0 {
                return Ok(found);
            }
            cursor = next;
        }
    }

    /// Every key matching `pattern`, per node: every master is scanned, concurrently.
    async fn scan(&self, pattern: &str) -> Result<Vec<Found>, StoreError> {
        let scans = (0..self.nodes.len()).map(|n| self.scan_node(n, pattern));
        futures_util::future::join_all(scans)
            .await
            .into_iter()
            .collect()
    }

    /// Every key matching a pattern (for `seed --force`).
    pub async fn keys(&self, pattern: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .scan(pattern)
            .await?
            .into_iter()
            .flat_map(|f| f.keys)
            .collect())
    }

    /// Every key matching `pattern` as the bytes of its name, UTF-8 or not (what `seed --force`
    /// deletes).
    pub async fn key_names(&self, pattern: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(self
            .scan(pattern)
            .await?
            .into_iter()
            .flat_map(|f| f.keys.into_iter().map(String::into_bytes).chain(f.not_utf8))
            .collect())
    }

    /// A user's session and context keys: found by SCAN, given to their owners ([`keys`]: the
    /// journey rows of other candidates are looked up only when a key has several), then read in
    /// one pipeline (TYPE, TTL, STRLEN, GETRANGE and LRANGE per key; the ones of the other
    /// type answer WRONGTYPE).
    pub async fn load(
        &self,
        user: &str,
        journeys: &dyn JourneyIds,
    ) -> Result<RedisUser, StoreError> {
        // One SCAN finds both families (`session:` and `context:`) and the keys of the user's
        // shorter and longer namesakes: on a keyspace SCAN covers in one call, a user costs two
        // round trips, this and the pipeline. A key found on a master lives there, so each node
        // gets the pipeline of its own keys; nodes are read concurrently.
        let scanned = self.scan(&keys::scan_pattern(&self.prefix, user)).await?;
        let not_utf8: Vec<Vec<u8>> = scanned.iter().flat_map(|f| f.not_utf8.clone()).collect();
        let found: Vec<(usize, String)> = scanned
            .into_iter()
            .enumerate()
            .flat_map(|(node, f)| f.keys.into_iter().map(move |k| (node, k)))
            .collect();
        let parsed: Vec<(usize, &str, Family, &str)> = found
            .iter()
            .filter_map(|(node, k)| {
                let (f, rest) = keys::parse(&self.prefix, k)?;
                keys::shares_first_segment(rest, user).then_some((*node, k.as_str(), f, rest))
            })
            .collect();
        let rests: Vec<(Family, &str)> = parsed.iter().map(|(_, _, f, r)| (*f, *r)).collect();
        let mine = |rest: &str| keys::candidates(rest).contains(&user);
        let (journey, relevant) = journey_rows(&rests, mine, journeys).await?;
        let owners = Owners::new(relevant, &journey);
        let mut owned = Vec::new();
        let mut notes = Vec::new();
        for (node, k, _, rest) in &parsed {
            match owners.owner(rest) {
                Owner::User { user: u, .. } if u == user => owned.push((*node, k.to_string())),
                Owner::Ambiguous(users) if users.contains(&user) => {
                    notes.push(ambiguous_note(k, &users));
                }
                _ => {}
            }
        }
        let values = self.read_all(&owned, user).await?;
        let mut out = self.user_keys(user, &owned, &values, notes);
        out.unreadable = unreadable_keys(&self.prefix, user, &not_utf8);
        Ok(out)
    }

    /// Several users' keys: found in `pass`'s window of the keyspace (one SCAN for a range of users,
    /// made again when a user falls outside it), then read with one pipeline per node for them all.
    /// A user the window cannot hold (more keys than a window takes) is loaded on its own.
    pub async fn load_many(
        &self,
        users: &[String],
        pass: &super::FleetPass,
        journeys: &dyn JourneyIds,
    ) -> Vec<Result<RedisUser, StoreError>> {
        let window = {
            let mut held = pass.redis_keys.lock().await;
            let outside = users
                .iter()
                .any(|u| !held.as_ref().is_some_and(|w| w.covers(u)));
            if let (true, Some(from)) = (outside, users.iter().min()) {
                match self.key_window(from, journeys).await {
                    Ok(w) => *held = Some(Arc::new(w)),
                    Err(e) => return users.iter().map(|_| Err(e.clone())).collect(),
                }
            }
            held.clone()
        };
        let covered = |u: &str| window.as_ref().is_some_and(|w| w.covers(u));
        let mut names: Vec<(usize, String)> = window.as_ref().map_or(vec![], |w| {
            users
                .iter()
                .filter_map(|u| w.keys.get(u))
                .flat_map(|k| k.owned.iter().cloned())
                .collect()
        });
        names.sort();
        names.dedup();
        let values = self.read_all(&names, "a batch of users").await;
        let mut out = Vec::with_capacity(users.len());
        for u in users {
            out.push(match &values {
                _ if !covered(u) => self.load(u, journeys).await,
                Ok(values) => {
                    let mine = window
                        .as_ref()
                        .and_then(|w| w.keys.get(u))
                        .cloned()
                        .unwrap_or_default();
                    let mut out = self.user_keys(u, &mine.owned, values, mine.ambiguous);
                    out.unreadable = window
                        .as_ref()
                        .map_or(vec![], |w| unreadable_keys(&self.prefix, u, &w.not_utf8));
                    Ok(out)
                }
                Err(e) => Err(e.clone()),
            });
        }
        out
    }

    /// The session and context keys of every user from `from` on, as far as
    /// [`RedisStore::window_keys`] allows: one SCAN of every master (concurrently), and the
    /// journey rows of the candidates of keys several users could own.
    async fn key_window(
        &self,
        from: &str,
        journeys: &dyn JourneyIds,
    ) -> Result<KeyWindow, StoreError> {
        let found = self.scan(&keys::prefix_pattern(&self.prefix)).await?;
        let parsed: Vec<(Family, &str)> = found
            .iter()
            .flat_map(|f| &f.keys)
            .filter_map(|k| keys::parse(&self.prefix, k))
            .collect();
        // Keys of users before `from` are not in this window: their owners need no deciding.
        let ahead = |rest: &str| keys::candidates(rest).iter().any(|c| *c >= from);
        let (journey, relevant) = journey_rows(&parsed, ahead, journeys).await?;
        let owners = Owners::new(relevant, &journey);
        Ok(KeyWindow::build(
            &self.prefix,
            from,
            self.window_keys,
            &found,
            &owners,
        ))
    }

    /// `user`'s keys (`owned`, as found) with their answers from `values` (read keys by name),
    /// by family, sorted by key name, and `notes` of the ambiguous ones. A key gone between SCAN
    /// and the read (TYPE `none`) is left out.
    fn user_keys(
        &self,
        user: &str,
        owned: &[(usize, String)],
        values: &HashMap<String, Vec<Value>>,
        notes: Vec<Note>,
    ) -> RedisUser {
        let mut names: Vec<&String> = owned.iter().map(|(_, k)| k).collect();
        names.sort();
        names.dedup();
        let mut out = RedisUser {
            sessions: vec![],
            contexts: vec![],
            notes,
            unreadable: vec![],
        };
        for k in names {
            let Some(answers) = values.get(k) else {
                continue;
            };
            let key = raw_key(k, answers);
            if matches!(&key.value, RawValue::Other(t) if t == "none") {
                continue;
            }
            let Some((family, tail)) = keys::parse(&self.prefix, k)
                .and_then(|(f, rest)| keys::tail(rest, user).map(|t| (f, t)))
            else {
                continue;
            };
            match family {
                Family::Session => out.sessions.push(RawSessionKey {
                    session_id: tail.to_string(),
                    key,
                }),
                Family::Context => out.contexts.push((tail.to_string(), key)),
            }
        }
        out
    }

    /// Reads `keys` (node, name): one pipeline per node, nodes concurrently; answers by key name.
    async fn read_all(
        &self,
        keys: &[(usize, String)],
        whose: &str,
    ) -> Result<HashMap<String, Vec<Value>>, StoreError> {
        let mut by_node: Vec<Vec<String>> = vec![vec![]; self.nodes.len()];
        for (node, k) in keys {
            by_node[*node].push(k.clone());
        }
        let reads = by_node
            .into_iter()
            .enumerate()
            .map(|(node, keys)| self.read_keys(node, keys, whose));
        let mut out = HashMap::new();
        for node in futures_util::future::join_all(reads).await {
            out.extend(node?);
        }
        Ok(out)
    }

    /// TYPE, TTL, GETRANGE and MEMORY USAGE of `keys` on `node`, in one pipeline, then LRANGE
    /// of the lists that fit, in a second: a string is read up to one byte past the read limit
    /// ([`MAX_VALUE_BYTES`]), and a list whose memory is far over it is not read at all, so a
    /// huge value costs neither the transfer nor the memory. (A server that refuses MEMORY
    /// USAGE has its lists read, then measured.)
    async fn read_keys(
        &self,
        node: usize,
        keys: Vec<String>,
        whose: &str,
    ) -> Result<Vec<(String, Vec<Value>)>, StoreError> {
        if keys.is_empty() {
            return Ok(vec![]);
        }
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        for k in &keys {
            pipe.cmd("TYPE")
                .arg(k)
                .cmd("TTL")
                .arg(k)
                .cmd("GETRANGE")
                .arg(k)
                .arg(0)
                .arg(MAX_VALUE_BYTES)
                .cmd("MEMORY")
                .arg("USAGE")
                .arg(k)
                .arg("SAMPLES")
                .arg(0);
        }
        let mut conn = self.nodes[node].clone();
        let fail = |e| self.fail(&format!("reading the keys of {whose}"), e);
        let values: Vec<Value> = pipe.query_async(&mut conn).await.map_err(fail)?;
        let mut read: Vec<(String, Vec<Value>)> = keys
            .into_iter()
            .zip(values.chunks(ANSWERS).map(<[Value]>::to_vec))
            .collect();
        let lists: Vec<usize> = (0..read.len())
            .filter(|&i| list_to_read(&read[i].1))
            .collect();
        if lists.is_empty() {
            return Ok(read);
        }
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        for &i in &lists {
            pipe.cmd("LRANGE").arg(&read[i].0).arg(0).arg(-1);
        }
        let items: Vec<Value> = pipe.query_async(&mut conn).await.map_err(fail)?;
        for (i, v) in lists.into_iter().zip(items) {
            read[i].1[ANSWERS - 1] = v;
        }
        Ok(read)
    }

    /// How many servers a full SCAN visits: every master of a cluster, or the one server.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// One SCAN call over the session keys of `node` from `cursor`: the next cursor (0 when the
    /// node is done), the rests (what follows `session:`) of the keys it returned, whose
    /// owners [`keys`] decides, and those no user can own (their user id is not UTF-8, or no
    /// `:` follows it). Keys are found batch by batch, so a caller holds one at a time.
    pub async fn session_keys_step(
        &self,
        node: usize,
        cursor: u64,
    ) -> Result<(u64, Vec<String>, Vec<Unlisted>), StoreError> {
        let pattern = keys::session_pattern(&self.prefix);
        let (next, batch) = self.scan_step(node, cursor, &pattern).await?;
        // `{prefix}session:`: what every session key begins with, before its user id.
        let start = keys::session_key(&self.prefix, "", "");
        let start = start.strip_suffix(':').unwrap_or(&start);
        // A name not UTF-8 whose first part after `session:` is not either can be no user's
        // (every id is text, and every owner's id begins with that part): named, not lost. One
        // whose user part is text is told to that user when it is read (`unreadable_keys`).
        let mut ownerless: Vec<Unlisted> = batch
            .iter()
            .filter(|k| std::str::from_utf8(k).is_err())
            .filter(|k| {
                k.strip_prefix(start.as_bytes()).is_some_and(|rest| {
                    let id = rest.split(|b| *b == b':').next().unwrap_or_default();
                    std::str::from_utf8(id).is_err()
                })
            })
            .map(|k| Unlisted {
                key: crate::text::escaped_bytes(k),
                why: NoOwner::NotUtf8,
            })
            .collect();
        let mut rests = Vec::new();
        for k in batch.iter().filter_map(|k| std::str::from_utf8(k).ok()) {
            if let Some((Family::Session, rest)) = keys::parse(&self.prefix, k) {
                // No `:` after the user id: no split gives an owner (`session:u1`).
                if keys::candidates(rest).is_empty() {
                    ownerless.push(Unlisted {
                        key: k.to_string(),
                        why: NoOwner::NoSessionPart,
                    });
                } else {
                    rests.push(rest.to_string());
                }
            }
        }
        Ok((next, rests, ownerless))
    }

    /// Round-trip time of a PING to every node (the slowest).
    pub async fn ping(&self) -> Result<Duration, StoreError> {
        let pings = self.nodes.iter().map(|n| async move {
            let mut conn = n.clone();
            let start = std::time::Instant::now();
            let _: String = redis::cmd("PING")
                .query_async(&mut conn)
                .await
                .map_err(|e| self.fail("PING", e))?;
            Ok::<_, StoreError>(start.elapsed())
        });
        let times: Vec<Duration> = futures_util::future::join_all(pings)
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        Ok(times.into_iter().max().unwrap_or_default())
    }

    /// Subscribes to `progress:{user}`, that channel exactly whatever the id holds (`:`, `*`,
    /// `?`, `[`: SUBSCRIBE takes no pattern), or to every user's with `None` (a pattern, the
    /// prefix escaped); messages arrive as raw payloads.
    pub async fn subscribe(&self, user: Option<&str>) -> Result<redis::aio::PubSub, StoreError> {
        let mut pubsub = self
            .client
            .get_async_pubsub()
            .await
            .map_err(|e| self.fail("SUBSCRIBE", e))?;
        let channel = match user {
            Some(u) => keys::progress_channel(&self.prefix, u),
            None => keys::progress_pattern(&self.prefix),
        };
        // Named as the server saw it (an ACL's NOPERM names the command).
        let (r, command) = if user.is_some() {
            (pubsub.subscribe(&channel).await, "SUBSCRIBE")
        } else {
            (pubsub.psubscribe(&channel).await, "PSUBSCRIBE")
        };
        r.map_err(|e| self.fail(&format!("{command} {channel}"), e))?;
        Ok(pubsub)
    }

    /// Whether any key under the prefix exists on any node.
    pub async fn has_keys(&self) -> Result<bool, StoreError> {
        let pattern = keys::prefix_pattern(&self.prefix);
        for node in 0..self.nodes.len() {
            let (_, batch) = self.scan_step(node, 0, &pattern).await?;
            if !batch.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
#[path = "redis_tests.rs"]
mod tests;
