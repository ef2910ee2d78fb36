//! Loading a user's snapshots: the user read, the query embedded, the knowledge searched once
//! per distinct set of search parameters.

use super::{
    KnowledgeHits, KnowledgeQuery, LoadOptions, NEAR_MISSES, Store, StoreError, UserData, as_of,
};
use crate::engine::snapshot::{KnowledgeSearch, Snapshot};

/// Knowledge search parameters a snapshot load takes from the policy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KnowledgeParams {
    pub similarity_threshold: f64,
    pub limit: usize,
    pub same_milestone_only: bool,
}

impl KnowledgeParams {
    /// What `policy` asks of a knowledge search.
    pub fn of(policy: &crate::engine::Policy) -> Self {
        let k = &policy.knowledge;
        KnowledgeParams {
            similarity_threshold: k.similarity_threshold,
            limit: k.limit,
            same_milestone_only: k.same_milestone_only,
        }
    }
}

/// Loads one user's snapshot: user data, then the query (option, else the newest user turn),
/// its embedding, and the knowledge search.
pub async fn load_snapshot(
    store: &dyn Store,
    user: &str,
    opts: &LoadOptions,
    params: KnowledgeParams,
) -> Result<(Snapshot, UserData), StoreError> {
    let (mut snaps, data) = load_snapshots(store, user, opts, &[params]).await?;
    // One set of parameters gives one snapshot.
    let snap = snaps.pop().ok_or_else(|| StoreError::Backend {
        store: store.describe(),
        what: format!("user {user}"),
        cause: "no snapshot".into(),
    })?;
    Ok((snap, data))
}

/// Loads one user once and searches knowledge once per set of parameters (equal sets are
/// searched once): one snapshot per entry of `params`, in order.
pub async fn load_snapshots(
    store: &dyn Store,
    user: &str,
    opts: &LoadOptions,
    params: &[KnowledgeParams],
) -> Result<(Vec<Snapshot>, UserData), StoreError> {
    let data = store.load_user(user, opts).await?;
    let snaps = snapshots_of(store, &data, opts, params).await?;
    Ok((snaps, data))
}

/// The snapshots of a loaded user: the query (option, else the newest user turn), its embedding,
/// and one knowledge search per distinct set of parameters; one snapshot per entry of `params`.
pub async fn snapshots_of(
    store: &dyn Store,
    data: &UserData,
    opts: &LoadOptions,
    params: &[KnowledgeParams],
) -> Result<Vec<Snapshot>, StoreError> {
    let mut one = snapshots_of_many(store, vec![Ok(data)], opts, params).await;
    one.pop().unwrap_or_else(|| Ok(vec![]))
}

/// [`snapshots_of`] for several users at once: their queries embedded concurrently, then
/// searched together ([`Store::search_knowledge_many`]: on Postgres, one statement per group of
/// like queries). A user that was not loaded, or whose query could not be embedded or searched,
/// keeps its own error; the others are unaffected.
pub async fn snapshots_of_many(
    store: &dyn Store,
    datas: Vec<Result<&UserData, StoreError>>,
    opts: &LoadOptions,
    params: &[KnowledgeParams],
) -> Vec<Result<Vec<Snapshot>, StoreError>> {
    let prepared = futures_util::future::join_all(
        datas
            .into_iter()
            .map(|data| async move { prepare(store, data?, opts, params).await }),
    )
    .await;
    // Every query of every user, in order; each user's slots point into the answers.
    let queries: Vec<KnowledgeQuery> = prepared
        .iter()
        .flatten()
        .flat_map(|p| p.queries.iter().flatten().cloned())
        .collect();
    let mut answers = store.search_knowledge_many(&queries).await.into_iter();
    prepared
        .into_iter()
        .map(|p| {
            let p = p?;
            // Take this user's answers first, so one failed search cannot shift the next user's.
            let mine: Vec<_> = answers
                .by_ref()
                .take(p.queries.iter().flatten().count())
                .collect();
            p.finish(mine)
        })
        .collect()
}

/// A user's snapshot before its knowledge search, and the searches it needs: one per entry of
/// `params`, `None` where an earlier entry's search serves (or there is no query).
struct Prepared {
    base: Snapshot,
    queries: Vec<Option<KnowledgeQuery>>,
    /// For each entry of `params`, the earlier entry whose snapshot it shares.
    same_as: Vec<Option<usize>>,
}

impl Prepared {
    fn finish(
        self,
        answers: Vec<Result<KnowledgeHits, StoreError>>,
    ) -> Result<Vec<Snapshot>, StoreError> {
        let mut answers = answers.into_iter();
        let mut snaps: Vec<Snapshot> = Vec::with_capacity(self.queries.len());
        for (query, same) in self.queries.iter().zip(&self.same_as) {
            let snap = match (query, same) {
                (_, Some(j)) => snaps[*j].clone(),
                (None, None) => self.base.clone(),
                (Some(q), None) => {
                    let found = answers
                        .next()
                        .unwrap_or_else(|| Ok(KnowledgeHits::default()))?;
                    let mut snap = self.base.clone();
                    snap.knowledge = found.hits;
                    // What the hits reach, so a snapshot file says which policies it answers for.
                    snap.knowledge_search = Some(KnowledgeSearch {
                        min_similarity: q.min_similarity,
                        limit: q.limit,
                        milestone_only: Some(q.milestone_filter.is_some()),
                    });
                    snap.malformed.extend(found.malformed);
                    snap.notes.extend(found.notes);
                    snap
                }
            };
            snaps.push(snap);
        }
        Ok(snaps)
    }
}

/// One user's snapshot without a knowledge search: for what reads the journey alone (`graph`,
/// `transition`), so that neither the embedder nor the knowledge table is asked, and an outage
/// of either does not stop it.
pub async fn load_without_knowledge(
    store: &dyn Store,
    user: &str,
    opts: &LoadOptions,
) -> Result<(Snapshot, UserData), StoreError> {
    let data = store.load_user(user, opts).await?;
    let snap = match fixed_snapshot(store, &data, opts) {
        Some(fixed) => fixed?,
        None => base_snapshot(&data, opts),
    };
    Ok((snap, data))
}

/// A store's fixed snapshot of the user (a snapshot file), as of `opts.at` and at `opts.now`.
fn fixed_snapshot(
    store: &dyn Store,
    data: &UserData,
    opts: &LoadOptions,
) -> Option<Result<Snapshot, StoreError>> {
    let mut fixed = store.fixed_snapshot(&data.user_id)?;
    if opts.at.is_some() {
        fixed = match as_of::rewind_file(fixed, opts, &store.describe()) {
            Ok((snap, _)) => snap,
            Err(e) => return Some(Err(e)),
        };
    }
    as_of::at_clock(&mut fixed, opts);
    Some(Ok(fixed))
}

/// The snapshot of `data` without knowledge, its query embedded, and its searches.
async fn prepare(
    store: &dyn Store,
    data: &UserData,
    opts: &LoadOptions,
    params: &[KnowledgeParams],
) -> Result<Prepared, StoreError> {
    if let Some(fixed) = fixed_snapshot(store, data, opts) {
        return Ok(Prepared {
            base: fixed?,
            queries: params.iter().map(|_| None).collect(),
            same_as: params.iter().map(|_| None).collect(),
        });
    }
    let base = base_snapshot(data, opts);
    let same_as: Vec<Option<usize>> = params
        .iter()
        .enumerate()
        .map(|(i, p)| params[..i].iter().position(|earlier| earlier == p))
        .collect();
    let Some(q) = base.query.as_deref() else {
        return Ok(Prepared {
            base,
            queries: params.iter().map(|_| None).collect(),
            same_as,
        });
    };
    let embedding = opts
        .embedder
        .embed(q, store.embedding_dim())
        .await
        .map_err(|cause| StoreError::Backend {
            store: store.describe(),
            what: "query embedding".into(),
            cause,
        })?;
    let queries = params
        .iter()
        .zip(&same_as)
        .map(|(p, same)| same.is_none().then(|| search(p, &embedding, data, opts)))
        .collect();
    Ok(Prepared {
        base,
        queries,
        same_as,
    })
}

/// The snapshot of `data` before its knowledge search, with its query: the one asked for, else
/// the newest user turn.
fn base_snapshot(data: &UserData, opts: &LoadOptions) -> Snapshot {
    let mut base = Snapshot {
        user_id: data.user_id.clone(),
        session_id: data.session_id.clone(),
        current_milestone: data.current_milestone.clone(),
        now: opts.now.unwrap_or(data.now),
        query: None,
        session: data.session.clone(),
        journey: data.journey.clone(),
        knowledge: Vec::new(),
        knowledge_search: None,
        cached_context: data.cached_context.clone(),
        session_key: data.session_key().map(str::to_string),
        malformed: data.malformed.clone(),
        notes: data.notes.clone(),
        recorded: Default::default(),
    };
    base.query = opts
        .query
        .clone()
        .or_else(|| base.newest_user_text().map(str::to_string));
    base
}

/// The knowledge search `p` asks for with the query's `embedding`: near misses included.
fn search(
    p: &KnowledgeParams,
    embedding: &[f32],
    data: &UserData,
    opts: &LoadOptions,
) -> KnowledgeQuery {
    KnowledgeQuery {
        embedding: embedding.to_vec(),
        milestone_filter: if p.same_milestone_only {
            // No journey: only hits of no milestone match (an impossible id filters the rest).
            Some(data.current_milestone.clone().unwrap_or_default())
        } else {
            None
        },
        min_similarity: super::near_miss_floor(p.similarity_threshold),
        limit: p.limit.saturating_add(NEAR_MISSES),
        created_by: opts.at,
    }
}
