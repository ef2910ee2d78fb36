//! The knowledge search's partial HNSW indexes: `migrate` creates one per milestone (and one for
//! general rows) once, a search filtered to a milestone is planned on that milestone's index and
//! the general one, and it finds what an exact scan and the embedded demo find.
// Test code: a failed step fails the test with its message.
#![allow(clippy::expect_used)]

mod common;

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
    let env = [("DATABASE_URL", url.clone())];
    for cmd in ["migrate", "seed"] {
        let out = ctxlens_with(&[cmd], &env);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
    }
    let map = MilestoneMap::default();
    let texts = [
        "How should I price my product against landed cost?",
        "finding a supplier and checking samples",
        "trademark",
    ];
    runtime().block_on(async {
        let timeout = Duration::from_secs(10);
        let store = PgStore::connect(&url, timeout).await.expect("connects");
        // On 66 rows the planner may rightly prefer reading the table: this connection rules the
        // sequential scan out, so that its plan shows the indexes a large table would use and its
        // searches go through them. Only this test's own connection has the setting.
        let mut settings: Vec<String> = SEARCH_SETTINGS.iter().map(|s| s.to_string()).collect();
        settings.push("SET enable_seqscan = off".into());
        let indexed = PgStore::connect_with(&url, timeout, settings)
            .await
            .expect("connects");
        let demo = MemoryStore::demo();
        for id in map.ids() {
            for min_similarity in [-1.0, 0.4] {
                // The texts searched together (a report's batch), with a query of another
                // milestone among them: the same answers as one search each, in their order.
                let mut qs: Vec<KnowledgeQuery> = texts
                    .iter()
                    .map(|text| KnowledgeQuery {
                        embedding: embed(text, 384),
                        milestone_filter: Some(id.to_string()),
                        min_similarity,
                        limit: 15,
                        created_by: None,
                    })
                    .collect();
                qs.insert(
                    1,
                    KnowledgeQuery {
                        milestone_filter: Some("M0".into()),
                        ..qs[0].clone()
                    },
                );
                for store in [&store, &indexed] {
                    let together = store.search_many(&qs).await;
                    assert_eq!(together.len(), qs.len());
                    for (q, found) in qs.iter().zip(together) {
                        let exact = store.search_exact(q).await.expect("exact search");
                        assert_eq!(found.expect("batched search"), exact, "{id}: batched");
                    }
                }
            }
            for text in texts {
                for min_similarity in [-1.0, 0.4] {
                    let q = KnowledgeQuery {
                        embedding: embed(text, 384),
                        milestone_filter: Some(id.to_string()),
                        min_similarity,
                        limit: 15,
                        created_by: None,
                    };
                    let plan = indexed.explain_search(&q).await.expect("EXPLAIN");
                    assert!(
                        plan.contains(&format!(
                            "Index Scan using \"knowledge_embedding_m_{id}\" on knowledge"
                        )) && plan
                            .contains("Index Scan using knowledge_embedding_general on knowledge")
                            && plan.contains("knowledge_embedding_unscorable")
                            && !plan.contains("knowledge_embedding_idx")
                            && !plan.contains("Seq Scan"),
                        "{id}: {plan}"
                    );
                    let exact = store.search_exact(&q).await.expect("exact search");
                    let found = indexed.search(&q).await.expect("indexed search");
                    let planned = store.search(&q).await.expect("search");
                    let embedded = demo.search_knowledge(&q).await.expect("embedded search");
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
        let q = KnowledgeQuery {
            embedding: embed(texts[0], 384),
            milestone_filter: Some("M4".into()),
            min_similarity: 0.4,
            limit: 15,
            created_by: None,
        };
        for found in [&indexed, &store] {
            let found = found.search(&q).await.expect("search");
            assert_eq!(found, store.search_exact(&q).await.expect("exact"));
            assert_eq!(
                found.malformed.iter().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
                ["similarity is NaN: the embedding is all zeros"]
            );
        }
        // Without a filter the table-wide index serves the search.
        let q = KnowledgeQuery {
            embedding: embed(texts[0], 384),
            milestone_filter: None,
            min_similarity: -1.0,
            limit: 15,
            created_by: None,
        };
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

/// `[x, x, …]` of 384 components.
fn vector_of(x: &str) -> String {
    format!("[{}]", vec![x; 384].join(","))
}

/// Knowledge rows whose embedding pgvector cannot score: (id, milestone, components). 1e-30 and
/// 1e-45 square to 0 in single precision while `vector_norm` (double) is > 0; pgvector gives the
/// first a clamped distance of 0 or 2, the second NaN. 1e20 squares past `float`'s range.
const UNSCORABLE: &[(i64, &str, &str)] = &[
    (901, "'M4'", "0"),
    (902, "'M4'", "1e-30"),
    (903, "'M4'", "1e-45"),
    (904, "NULL", "1e20"),
    (905, "'M2'", "-1e-30"),
];

fn insert_unscorable(db: &str, table: &str) {
    let rows: Vec<String> = UNSCORABLE
        .iter()
        .map(|(id, m, x)| format!("({id}, {m}, 'odd {id}', 'c', '{}')", vector_of(x)))
        .collect();
    sql(
        db,
        &format!(
            "INSERT INTO {table} (id, milestone, title, content, embedding) VALUES {}",
            rows.join(", ")
        ),
    );
}

/// The ids a search reported as malformed, and whether any of them was ranked too.
fn reported(found: &ctxlens::store::KnowledgeHits) -> Vec<String> {
    for h in &found.hits {
        assert!(
            !h.id.starts_with("kn:90"),
            "{} ranked with similarity {}",
            h.id,
            h.similarity
        );
    }
    let mut ids: Vec<String> = found
        .malformed
        .iter()
        .map(|m| {
            assert!(
                m.reason.starts_with("similarity is NaN: the embedding"),
                "{m:?}"
            );
            assert_eq!(
                m.source,
                m.id.as_deref()
                    .unwrap_or("")
                    .replace("kn:", "knowledge id=")
            );
            m.id.clone().unwrap_or_default()
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn unscorable_embeddings_are_reported_on_every_search_path() {
    // Three databases with the demo and the odd rows: migrated now (the index of unscorable
    // rows), migrated by an earlier version (only the all-zero rows' index), and an untyped
    // `vector` column (no index; a row of another dimension besides).
    let names = ["unscorable_new", "unscorable_old", "unscorable_untyped"];
    for name in names {
        let url = Postgres::shared().create_database(name);
        let env = [("DATABASE_URL", url)];
        for cmd in ["migrate", "seed"] {
            let out = ctxlens_with(&[cmd], &env);
            assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
        }
    }
    insert_unscorable("unscorable_new", "knowledge");
    sql(
        "unscorable_old",
        "DROP INDEX knowledge_embedding_unscorable;
         CREATE INDEX knowledge_embedding_zero ON knowledge (id) WHERE vector_norm(embedding) = 0;",
    );
    insert_unscorable("unscorable_old", "knowledge");
    sql(
        "unscorable_untyped",
        "CREATE TABLE articles AS SELECT id, milestone, title, content, metadata,
                embedding::vector AS embedding, created_at FROM knowledge;",
    );
    insert_unscorable("unscorable_untyped", "articles");
    sql(
        "unscorable_untyped",
        "INSERT INTO articles (id, milestone, title, content, metadata, embedding, created_at)
         VALUES (906, 'M4', 'short', 'c', '{}', '[1,2,3]', now())",
    );
    let timeout = Duration::from_secs(10);
    let url = |name: &str| Postgres::shared().url(name);
    runtime().block_on(async {
        let mut no_seqscan: Vec<String> = SEARCH_SETTINGS.iter().map(|s| s.to_string()).collect();
        no_seqscan.push("SET enable_seqscan = off".into());
        let new = PgStore::connect(&url(names[0]), timeout)
            .await
            .expect("connects");
        let new_indexed = PgStore::connect_with(&url(names[0]), timeout, no_seqscan.clone())
            .await
            .expect("connects");
        let old = PgStore::connect(&url(names[1]), timeout)
            .await
            .expect("connects");
        let old_indexed = PgStore::connect_with(&url(names[1]), timeout, no_seqscan.clone())
            .await
            .expect("connects");
        let tables = ctxlens::store::tables::Tables {
            knowledge: "articles".into(),
            ..Default::default()
        };
        let untyped = PgStore::connect_tables(&url(names[2]), timeout, &tables)
            .await
            .expect("connects");
        assert_eq!(untyped.dim, None);
        let text = "How should I price my product against landed cost?";
        for (filter, want) in [
            (Some("M4"), vec!["kn:901", "kn:902", "kn:903", "kn:904"]),
            (None, vec!["kn:901", "kn:902", "kn:903", "kn:904", "kn:905"]),
        ] {
            let q = KnowledgeQuery {
                embedding: embed(text, 384),
                milestone_filter: filter.map(str::to_string),
                min_similarity: -1.0,
                limit: 15,
                created_by: None,
            };
            // The split search plans on the index of unscorable rows where it exists.
            let plan = new_indexed.explain_search(&q).await.expect("EXPLAIN");
            assert!(plan.contains("knowledge_embedding_unscorable"), "{plan}");
            let exact = new.search_exact(&q).await.expect("exact");
            assert_eq!(reported(&exact), want, "{filter:?}: exact scan");
            // Searched with others in one statement (another text, and `q` again): the same.
            let other = KnowledgeQuery {
                embedding: embed("trademark", 384),
                ..q.clone()
            };
            let batch = [q.clone(), other.clone(), q.clone()];
            for (store, how) in [
                (&new, "migrated"),
                (&new_indexed, "migrated, index scans"),
                (&old, "old zero index"),
                (&old_indexed, "old zero index, index scans"),
                (&untyped, "untyped"),
            ] {
                let found = store.search(&q).await.expect("search");
                if how != "untyped" {
                    assert_eq!(found, exact, "{filter:?}: {how}");
                }
                let alone = store.search(&other).await.expect("search");
                let together: Vec<_> = store
                    .search_many(&batch)
                    .await
                    .into_iter()
                    .map(|r| r.expect("batched search"))
                    .collect();
                assert_eq!(
                    together,
                    [found.clone(), alone, found],
                    "{filter:?}: {how}, batched"
                );
            }
            let plan = old_indexed.explain_search(&q).await.expect("EXPLAIN");
            assert!(!plan.contains("knowledge_embedding_zero"), "{plan}");
            let found = untyped.search(&q).await.expect("untyped search");
            assert!(
                exact.hits.len() >= 10,
                "{filter:?}: {} hits",
                exact.hits.len()
            );
            assert_eq!(found.hits, exact.hits, "{filter:?}: untyped");
            let mut ids: Vec<String> = found
                .malformed
                .iter()
                .filter_map(|m| m.id.clone())
                .collect();
            ids.sort();
            // The row of another dimension is of M4: every filter here lets it through.
            let mut want: Vec<&str> = want.clone();
            want.push("kn:906");
            assert_eq!(ids, want, "{filter:?}: untyped");
            let short = found
                .malformed
                .iter()
                .find(|m| m.source == "knowledge id=906");
            assert_eq!(
                short.map(|m| m.reason.as_str()),
                Some("embedding has 3 dimensions, the query 384")
            );
        }
        // The catalogue marks the rows no search can score (the report's dead knowledge says why).
        let rows = new
            .knowledge_catalogue(None, 100_000)
            .await
            .expect("catalogue");
        let marked: Vec<i64> = rows.iter().filter(|r| r.unscorable).map(|r| r.id).collect();
        assert_eq!(marked, [901, 902, 903, 904, 905]);
        // Migrating the old database adds the new index beside the old one; searches then read it.
        let out = ctxlens_with(&["migrate"], &[("DATABASE_URL", url(names[1]))]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout
                .contains("  created knowledge_embedding_unscorable\n"),
            "{}",
            out.stdout
        );
        let defs = sql(
            names[1],
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_zero'",
        );
        assert_eq!(
            defs.trim(),
            "knowledge_embedding_zero",
            "the old index is left alone"
        );
        let migrated = PgStore::connect_with(&url(names[1]), timeout, no_seqscan)
            .await
            .expect("connects");
        let q = KnowledgeQuery {
            embedding: embed(text, 384),
            milestone_filter: Some("M4".into()),
            min_similarity: 0.4,
            limit: 15,
            created_by: None,
        };
        let plan = migrated.explain_search(&q).await.expect("EXPLAIN");
        assert!(plan.contains("knowledge_embedding_unscorable"), "{plan}");
        assert_eq!(
            migrated.search(&q).await.expect("search"),
            new.search(&q).await.expect("search")
        );
        // A query vector pgvector cannot score finds nothing (not every row as NaN).
        let zero = KnowledgeQuery {
            embedding: vec![0.0; 384],
            milestone_filter: None,
            min_similarity: -1.0,
            limit: 15,
            created_by: None,
        };
        assert_eq!(new.search(&zero).await.expect("search"), Default::default());
    });
    // `explain` answers for such a row: the search gate fails, saying why (not an error).
    let env = [("DATABASE_URL", url(names[0]))];
    let ask = [
        "explain",
        "u005",
        "kn:901",
        "--query",
        "price against landed cost",
    ];
    let out = ctxlens_with(&[&ask[..], &["--json"]].concat(), &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let e: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(e["first_failed"], "search", "{e}");
    assert_eq!(e["gates"][0]["pass"], false, "{e}");
    let detail = e["gates"][0]["detail"].as_str().expect("detail");
    assert!(detail.contains("knowledge id=901"), "{detail}");
    assert!(
        e["row"]["similarity"].is_null(),
        "no similarity is made up: {e}"
    );
    // Its title and milestone can be read, and are said.
    assert_eq!(
        (&e["row"]["title"], &e["row"]["milestone"]),
        (&serde_json::json!("odd 901"), &serde_json::json!("M4")),
        "{e}"
    );
    let text = ctxlens_with(&ask, &env);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("← first failed gate")
            && text
                .stdout
                .contains("kn:901 \"odd 901\" (M4) (cannot be scored)")
            && text.stdout.contains("the search skips the row"),
        "{}",
        text.stdout
    );
}

/// A table whose embedding column allows NULL (SPEC §1 has it NOT NULL): a row without one is
/// returned by no search, so every search names it as a malformed row, with or without
/// `ctxlens migrate`'s index of unscorable rows, and the catalogue marks it never retrievable.
#[test]
fn a_null_embedding_is_a_malformed_row_on_every_search_path() {
    let name = "null_embedding";
    let url = Postgres::shared().create_database(name);
    for cmd in ["migrate", "seed"] {
        let out = ctxlens_with(&[cmd], &[("DATABASE_URL", url.clone())]);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
    }
    sql(
        name,
        "ALTER TABLE knowledge ALTER COLUMN embedding DROP NOT NULL;
         INSERT INTO knowledge (id, milestone, title, content, embedding)
         VALUES (907, 'M4', 'no embedding', 'c', NULL);
         CREATE TABLE articles AS SELECT id, milestone, title, content, metadata,
                embedding::vector AS embedding, created_at FROM knowledge;
         -- Five rows of another dimension before it: the untyped search reports at most five.
         INSERT INTO articles (id, milestone, title, content, metadata, embedding, created_at)
         SELECT -g, 'M4', 'short', 'c', '{}', '[1,2,3]', now() FROM generate_series(6, 10) g;",
    );
    runtime().block_on(async {
        let timeout = Duration::from_secs(10);
        let indexed = PgStore::connect(&url, timeout).await.expect("connects");
        sql(name, "DROP INDEX knowledge_embedding_unscorable");
        let unindexed = PgStore::connect(&url, timeout).await.expect("connects");
        let tables = ctxlens::store::tables::Tables {
            knowledge: "articles".into(),
            ..Default::default()
        };
        let untyped = PgStore::connect_tables(&url, timeout, &tables)
            .await
            .expect("connects");
        for filter in [Some("M4"), None] {
            let q = KnowledgeQuery {
                embedding: embed("How should I price my product?", 384),
                milestone_filter: filter.map(str::to_string),
                min_similarity: -1.0,
                limit: 15,
                created_by: None,
            };
            for (store, how) in [
                (&indexed, "index"),
                (&unindexed, "no index"),
                (&untyped, "untyped column"),
            ] {
                let found = [
                    store.search(&q).await.expect("search"),
                    store.search_exact(&q).await.expect("exact"),
                    store
                        .search_many(std::slice::from_ref(&q))
                        .await
                        .remove(0)
                        .expect("batched"),
                ];
                for f in found {
                    let null: Vec<(&str, &str)> = f
                        .malformed
                        .iter()
                        .filter(|m| m.id.as_deref() == Some("kn:907"))
                        .map(|m| (m.source.as_str(), m.reason.as_str()))
                        .collect();
                    assert_eq!(
                        null,
                        [("knowledge id=907", "embedding is NULL")],
                        "{filter:?}, {how}: {:?}",
                        f.malformed
                    );
                    assert!(f.hits.iter().all(|h| h.id != "kn:907"), "{how}: ranked");
                }
            }
        }
        let rows = indexed
            .knowledge_catalogue(None, 100_000)
            .await
            .expect("catalogue");
        assert!(rows.iter().any(|r| r.id == 907 && r.unscorable), "{rows:?}");
    });
}
