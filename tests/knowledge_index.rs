//! The knowledge search's partial HNSW indexes: `migrate` creates one per milestone (and one for
//! general rows) once, a search filtered to a milestone is planned on that milestone's index and
//! the general one, and it finds what an exact scan and the embedded demo find.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;
#[path = "knowledge_index/unscorable.rs"]
mod unscorable;

use std::time::Duration;

use common::servers::Postgres;
use common::{ctxlens_with, runtime, write_temp};
use ctxlens::engine::embed::embed;
use ctxlens::engine::milestones::MilestoneMap;
use ctxlens::store::postgres::{PgStore, SEARCH_SETTINGS};
use ctxlens::store::seed::PartialIndex;
use ctxlens::store::{KnowledgeQuery, MemoryStore, Store};

/// `SELECT` through psql, one row a line.
fn sql(db: &str, query: &str) -> String {
    Postgres::shared().psql(db, query)
}

/// Migrates the database at `url` and seeds it with the demo.
fn migrate_and_seed(url: &str) {
    common::migrate_and_seed(&[("DATABASE_URL", url.to_string())]);
}

/// The search settings of a connection that rules the sequential scan out.
fn no_seqscan() -> Vec<String> {
    let mut settings: Vec<String> = SEARCH_SETTINGS.iter().map(|s| s.to_string()).collect();
    settings.push("SET enable_seqscan = off".into());
    settings
}

/// A search for `text`'s embedding, filtered to `milestone`, at most 15 hits.
fn query(text: &str, milestone: Option<&str>, min_similarity: f64) -> KnowledgeQuery {
    KnowledgeQuery {
        embedding: embed(text, 384),
        milestone_filter: milestone.map(str::to_string),
        min_similarity,
        limit: 15,
        created_by: None,
    }
}

/// What the filtered searches ask.
const TEXTS: [&str; 3] = [
    "How should I price my product against landed cost?",
    "finding a supplier and checking samples",
    "trademark",
];

#[test]
fn migrate_creates_a_partial_index_per_milestone_of_the_config_once() {
    let url = Postgres::shared().create_database("partial_indexes");
    // An id with a quote and a space: quoted as a literal, named with a hash.
    let config = write_temp(
        "config.toml",
        "[[milestones]]\nid = \"M0\"\n[[milestones]]\nid = \"it's live\"\ndepends_on = [\"M0\"]\n",
    );
    let config = config.to_str().expect("UTF-8 temp path");
    let env = [("DATABASE_URL", url)];
    let first = ctxlens_with(&["--config", config, "migrate"], &env);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let created: Vec<&str> = first
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  created "))
        .collect();
    let quoted = PartialIndex::new(Some("it's live")).name;
    assert!(
        quoted.starts_with("knowledge_embedding_h_it_s_live_"),
        "{quoted}"
    );
    assert_eq!(
        created,
        [
            "knowledge_embedding_m_M0",
            &quoted,
            "knowledge_embedding_general",
            "knowledge_embedding_unscorable"
        ],
        "{}",
        first.stdout
    );
    assert!(first.stdout.contains(": 4 created\n"), "{}", first.stdout);
    let second = ctxlens_with(&["--config", config, "migrate"], &env);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stdout.contains(": 0 created, 4 already present\n")
            && !second.stdout.contains("  created"),
        "{}",
        second.stdout
    );
    let defs = sql(
        "partial_indexes",
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'knowledge' ORDER BY indexname",
    );
    let defs: Vec<&str> = defs.lines().collect();
    assert_eq!(defs.len(), 6, "pkey, table-wide, 4 partial: {defs:#?}");
    assert!(
        defs.iter().any(|d| d.contains(
            "USING hnsw (embedding vector_cosine_ops) WHERE (milestone = 'it''s live'::text)"
        )),
        "{defs:#?}"
    );
    assert!(
        defs.iter()
            .any(|d| d.contains("\"knowledge_embedding_m_M0\"")
                && d.ends_with("WHERE (milestone = 'M0'::text)")),
        "{defs:#?}"
    );
    assert!(
        defs.iter()
            .any(|d| d.contains(" knowledge_embedding_general ")
                && d.ends_with("WHERE (milestone IS NULL)")),
        "{defs:#?}"
    );
    assert!(
        defs.iter()
            .any(|d| d.contains(" knowledge_embedding_unscorable ")
                && d.ends_with(
                    "WHERE ((vector_norm(embedding) < (0.000000000000000001)::double precision) \
                 OR (vector_norm(embedding) > ('1000000000000000000'::numeric)::double precision))"
                )),
        "{defs:#?}"
    );
    assert!(
        defs.iter()
            .any(|d| d.contains(" knowledge_embedding_idx ") && !d.contains(" WHERE ")),
        "the table-wide index stays: {defs:#?}"
    );
}

#[test]
fn a_filtered_search_reads_its_milestones_partial_index_and_finds_the_exact_answer() {
    let url = Postgres::shared().create_database("partial_search");
    migrate_and_seed(&url);
    let map = MilestoneMap::default();
    runtime().block_on(async {
        let timeout = Duration::from_secs(10);
        let store = PgStore::connect(&url, timeout).await.expect("connects");
        // On 66 rows the planner may rightly prefer reading the table: this connection rules the
        // sequential scan out, so that its plan shows the indexes a large table would use and its
        // searches go through them. Only this test's own connection has the setting.
        let indexed = PgStore::connect_with(&url, timeout, no_seqscan())
            .await
            .expect("connects");
        let demo = MemoryStore::demo();
        for id in map.ids() {
            for min_similarity in [-1.0, 0.4] {
                batched_searches_find_the_exact_answers(&[&store, &indexed], id, min_similarity)
                    .await;
            }
            for text in TEXTS {
                for min_similarity in [-1.0, 0.4] {
                    planned_on_the_partial_indexes_it_finds_the_exact_answer(
                        [&store, &indexed],
                        &demo,
                        id,
                        text,
                        min_similarity,
                    )
                    .await;
                }
            }
        }
        // An all-zero vector, which no HNSW index holds, is still found and reported.
        let db = url.rsplit('/').next().expect("database name");
        sql(
            db,
            &format!(
                "INSERT INTO knowledge (milestone, title, content, embedding) VALUES ('M4', 'zero', 'z', '[{}]')",
                vec!["0"; 384].join(",")
            ),
        );
        let q = query(TEXTS[0], Some("M4"), 0.4);
        for found in [&indexed, &store] {
            let found = found.search(&q).await.expect("search");
            assert_eq!(found, store.search_exact(&q).await.expect("exact"));
            assert_eq!(
                found.malformed.iter().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
                ["similarity is NaN: the embedding is all zeros"]
            );
        }
        // Without a filter the table-wide index serves the search.
        let q = query(TEXTS[0], None, -1.0);
        let plan = indexed.explain_search(&q).await.expect("EXPLAIN");
        assert!(
            plan.contains("Index Scan using knowledge_embedding_idx on knowledge"),
            "{plan}"
        );
        assert_eq!(
            indexed.search(&q).await.expect("search"),
            store.search_exact(&q).await.expect("exact")
        );
    });
}

/// [`TEXTS`] searched together (a report's batch) filtered to milestone `id`, with a query of
/// another milestone among them, on each of `stores`: the same answers as one exact search each.
async fn batched_searches_find_the_exact_answers(
    stores: &[&PgStore],
    id: &str,
    min_similarity: f64,
) {
    // The texts searched together (a report's batch), with a query of another
    // milestone among them: the same answers as one search each, in their order.
    let mut qs: Vec<KnowledgeQuery> = TEXTS
        .iter()
        .map(|text| query(text, Some(id), min_similarity))
        .collect();
    qs.insert(
        1,
        KnowledgeQuery {
            milestone_filter: Some("M0".into()),
            ..qs[0].clone()
        },
    );
    for store in stores {
        let together = store.search_many(&qs).await;
        assert_eq!(together.len(), qs.len());
        for (q, found) in qs.iter().zip(together) {
            let exact = store.search_exact(q).await.expect("exact search");
            assert_eq!(found.expect("batched search"), exact, "{id}: batched");
        }
    }
}

/// A search for `text` filtered to milestone `id` is planned on that milestone's partial index,
/// the general one and the unscorable rows' (no table-wide index, no sequential scan) on
/// `indexed`; the index, the planner's choice on `store` and the embedded `demo` all find the
/// exact answer.
async fn planned_on_the_partial_indexes_it_finds_the_exact_answer(
    [store, indexed]: [&PgStore; 2],
    demo: &MemoryStore,
    id: &str,
    text: &str,
    min_similarity: f64,
) {
    let q = &query(text, Some(id), min_similarity);
    let plan = indexed.explain_search(q).await.expect("EXPLAIN");
    assert!(
        plan.contains(&format!(
            "Index Scan using \"knowledge_embedding_m_{id}\" on knowledge"
        )) && plan.contains("Index Scan using knowledge_embedding_general on knowledge")
            && plan.contains("knowledge_embedding_unscorable")
            && !plan.contains("knowledge_embedding_idx")
            && !plan.contains("Seq Scan"),
        "{id}: {plan}"
    );
    let exact = store.search_exact(q).await.expect("exact search");
    let found = indexed.search(q).await.expect("indexed search");
    let planned = store.search(q).await.expect("search");
    let embedded = demo.search_knowledge(q).await.expect("embedded search");
    assert!(
        !exact.hits.is_empty() || min_similarity > 0.0,
        "{id} {text:?}"
    );
    assert_eq!(
        found, exact,
        "{id} {text:?} {min_similarity}: index vs exact"
    );
    assert_eq!(
        planned, exact,
        "{id} {text:?} {min_similarity}: planned vs exact"
    );
    assert_eq!(
        embedded, exact,
        "{id} {text:?} {min_similarity}: embedded vs exact"
    );
}
